"""交办: the office starts 督办 by hand on items picked from the overdue list or an item's page."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.core.permissions import declare
from anze.duties.models import Occurrence
from anze.supervision import services
from anze.supervision.errors import SupervisionError
from anze.supervision.forms import AssignForm


def _picked(request: HttpRequest) -> list[Occurrence]:
    """The items named by `occurrence` ids in the request that the user may see (others are ignored)."""
    ids = []
    for value in request.POST.getlist("occurrence") or request.GET.getlist("occurrence"):
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    return list(
        Occurrence.objects.restrict(request.user, "view")
        .filter(public_id__in=ids[: services.MAX_ASSIGN])
        .select_related("duty", "unit__region", "committee")
        .order_by("due_on", "unit__name", "pk")
    )


@login_required
@declare("change")
def occurrence_assign(request: HttpRequest) -> HttpResponse:
    """交办督办 — the picked items, the reason and the deadline; confirming opens one case per item."""
    items = _picked(request)
    if not items:
        messages.warning(request, _("请先在逾期清单中勾选要交办的事项。"))
        return redirect("duties:overdue")
    if not any(services.can_assign(request.user, item) for item in items):
        raise PermissionDenied(_("只有安委会办公室（县区安委办限本县区）可以交办督办。"))
    today = timezone.localdate()
    status = 200
    if request.method == "POST":
        form = AssignForm(request.POST)
        if form.is_valid():
            try:
                cases = services.assign_cases(
                    items,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    deadline=form.cleaned_data["deadline"],
                )
            except SupervisionError as error:
                form.add_error("deadline" if error.code == "deadline_past" else None, error.message)
            else:
                messages.success(request, _("已交办 %(n)s 件督办。") % {"n": len(cases)})
                if len(cases) == 1:
                    return redirect(cases[0].get_absolute_url())
                return redirect(reverse("supervision:case_list") + "?source=manual")
        status = 400
    else:
        form = AssignForm()
    context: dict[str, Any] = {
        "items": items,
        "form": form,
        "default_deadline": services.case_deadline_for(items[0].unit, today=today),
        "today": today,
    }
    return render(request, "supervision/assign.html", context, status=status)
