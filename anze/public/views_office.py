"""The office's pages for public reports: 举报受理 (triage, verification), 奖励, and disclosures."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from anze.core.params import int_param
from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404
from anze.enterprises.models import Enterprise
from anze.org.models import Unit
from anze.prevention.models import HiddenDanger
from anze.public import errors, services
from anze.public.choices import TipStatus
from anze.public.forms import AssignForm, DisclosureForm, DuplicateForm, RewardForm, VerifyForm
from anze.public.models import Reward, Tip, TipPhoto

PAGE_SIZE = 50


def _can_change(user: Any, tip: Tip) -> bool:
    return Tip.objects.restrict(user, "change").filter(pk=tip.pk).exists()


@declare("view")
@login_required
def tip_list(request: HttpRequest) -> HttpResponse:
    """举报受理 — newest first, by status."""
    tips = Tip.objects.restrict(request.user, "view").select_related("region", "assigned_unit")
    status = request.GET.get("status", "")
    if status in TipStatus.values:
        tips = tips.filter(status=status)
    after = int_param(request, "after")
    if after is not None:
        tips = tips.filter(id__lt=after)
    page = list(tips.order_by("-id")[: PAGE_SIZE + 1])
    next_after = page[PAGE_SIZE - 1].id if len(page) > PAGE_SIZE else None
    counts = {
        s: Tip.objects.restrict(request.user, "view").filter(status=s).count() for s in TipStatus.values
    }
    base = reverse("tips:tip_list")
    cards = [
        {"label": label, "value": counts[value], "url": f"{base}?status={value}"}
        for value, label in TipStatus.choices
    ]
    return render(
        request,
        "public/tip_list.html",
        {
            "tips": page[:PAGE_SIZE],
            "cards": cards,
            "status": status,
            "next_after": next_after,
        },
    )


@declare("view")
@login_required
@require_safe
def tip_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    tip = get_restricted_or_404(
        Tip.objects.select_related("region", "assigned_unit", "hidden_danger"),
        request.user,
        "view",
        public_id=public_id,
    )
    may_change = _can_change(request.user, tip)
    status = tip.status_choice
    units = Unit.objects.restrict(request.user, "view").order_by("name")
    enterprises = Enterprise.objects.restrict(request.user, "view").filter(
        region__path__startswith=tip.region.path
    )
    reward = Reward.objects.filter(tip=tip).first()
    return render(
        request,
        "public/tip_detail.html",
        {
            "tip": tip,
            "status": status,
            "may_change": may_change,
            "photos": tip.photos.all(),
            "reward": reward,
            "assign_form": AssignForm(units=units) if may_change and status.can_assign() else None,
            "duplicate_form": DuplicateForm(candidates=duplicate_candidates(request.user, tip))
            if may_change and status.can_mark_duplicate()
            else None,
            "verify_form": VerifyForm(enterprises=enterprises)
            if may_change and status.can_verify()
            else None,
            "reward_form": RewardForm()
            if status == TipStatus.VERIFIED and reward is None and _is_office(request.user, tip)
            else None,
            "may_read_identity": services.can_read_identity(request.user, tip),
        },
    )


def duplicate_candidates(user: Any, tip: Tip):
    """Earlier reports of the same county the user may see and that still stand (the first valid one wins)."""
    return (
        Tip.objects.restrict(user, "view")
        .filter(region=tip.region, created_at__lte=tip.created_at)
        .exclude(pk=tip.pk)
        .exclude(status__in=[TipStatus.DUPLICATE, TipStatus.UNFOUNDED])
        .order_by("-created_at")
    )


def _is_office(user: Any, tip: Tip) -> bool:
    from anze.accounts.roles import Role

    return any(
        a.role == Role.OFFICE and a.region_id and tip.region.path.startswith(a.region.path)
        for a in user.active_assignments()
    )


def _tip_for_change(request: HttpRequest, public_id: str) -> Tip:
    return get_restricted_or_404(
        Tip.objects.select_related("region"), request.user, "change", public_id=public_id
    )


def _done(request: HttpRequest, tip: Tip, call) -> HttpResponse:
    try:
        call()
    except errors.PublicError as exc:
        messages.error(request, exc.message_zh)
    else:
        messages.success(request, _("已办理。"))
    return redirect(tip.get_absolute_url())


@declare("change")
@login_required
@require_POST
def tip_assign(request: HttpRequest, public_id: str) -> HttpResponse:
    tip = _tip_for_change(request, public_id)
    form = AssignForm(request.POST, units=Unit.objects.restrict(request.user, "view"))
    if not form.is_valid():
        messages.error(request, _("请选择核查部门。"))
        return redirect(tip.get_absolute_url())
    return _done(
        request, tip, lambda: services.assign_tip(actor=request.user, tip=tip, unit=form.cleaned_data["unit"])
    )


@declare("change")
@login_required
@require_POST
def tip_duplicate(request: HttpRequest, public_id: str) -> HttpResponse:
    tip = _tip_for_change(request, public_id)
    form = DuplicateForm(request.POST, candidates=duplicate_candidates(request.user, tip))
    if not form.is_valid():
        messages.error(request, _("请从列表中选择本县区更早、仍然有效的原举报。"))
        return redirect(tip.get_absolute_url())
    original = form.cleaned_data["original"]
    return _done(
        request, tip, lambda: services.mark_duplicate(actor=request.user, tip=tip, original=original)
    )


@declare("change")
@login_required
@require_POST
def tip_verify(request: HttpRequest, public_id: str) -> HttpResponse:
    tip = _tip_for_change(request, public_id)
    form = VerifyForm(request.POST, enterprises=Enterprise.objects.restrict(request.user, "view"))
    if not form.is_valid():
        messages.error(request, _("请填写核查结论和核查情况。"))
        return redirect(tip.get_absolute_url())
    data = form.cleaned_data
    return _done(
        request,
        tip,
        lambda: services.verify_tip(
            actor=request.user,
            tip=tip,
            founded=data["founded"],
            note=data["note"],
            reply=data["reply"],
            enterprise=data["enterprise"],
            grade=data["grade"],
        ),
    )


@declare("view")
@login_required
@require_POST
def tip_identity(request: HttpRequest, public_id: str) -> HttpResponse:
    """查看举报人 — the office only; every read is audited (POST, so a prefetch never reads it)."""
    tip = get_restricted_or_404(
        Tip.objects.select_related("region"), request.user, "view", public_id=public_id
    )
    try:
        identity = services.read_identity(actor=request.user, tip=tip, masked=request.POST.get("full") != "1")
    except errors.NotAllowedError:
        raise Http404 from None
    return render(request, "public/tip_identity.html", {"tip": tip, "identity": identity})


@declare("view")
@login_required
def tip_photo(request: HttpRequest, public_id: str) -> HttpResponse:
    photo = get_restricted_or_404(TipPhoto.objects, request.user, "view", public_id=public_id)
    try:
        with default_storage.open(photo.file.name, "rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        io.BytesIO(content), as_attachment=True, filename=f"{photo.sm3[:12]}.jpg", content_type="image/jpeg"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@declare("add")
@login_required
@require_POST
def reward_propose(request: HttpRequest, public_id: str) -> HttpResponse:
    tip = get_restricted_or_404(
        Tip.objects.select_related("region"), request.user, "view", public_id=public_id
    )
    if not _is_office(request.user, tip):
        raise Http404
    form = RewardForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写罚款金额或事故等级与人数。"))
        return redirect(tip.get_absolute_url())
    data = form.cleaned_data
    return _done(
        request,
        tip,
        lambda: services.propose_reward(
            actor=request.user,
            tip=tip,
            fine=data["fine"],
            accident_grade=data["accident_grade"],
            concealed_deaths=data["concealed_deaths"],
        ),
    )


@declare("view")
@login_required
def reward_list(request: HttpRequest) -> HttpResponse:
    """奖励 — proposed, approved and paid rewards."""
    rewards = Reward.objects.restrict(request.user, "view").select_related(
        "tip", "proposed_by", "approved_by"
    )
    may_change = Reward.objects.restrict(request.user, "change").exists() or _office_anywhere(request.user)
    return render(
        request,
        "public/reward_list.html",
        {"rewards": rewards.order_by("-id")[:200], "may_change": may_change},
    )


def _office_anywhere(user: Any) -> bool:
    from anze.accounts.roles import Role

    return any(a.role == Role.OFFICE for a in user.active_assignments())


@declare("change")
@login_required
@require_POST
def reward_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    reward = get_restricted_or_404(Reward.objects, request.user, "change", public_id=public_id)
    try:
        if action == "approve":
            services.approve_reward(actor=request.user, reward=reward)
        elif action == "pay":
            services.pay_reward(
                actor=request.user, reward=reward, reference=request.POST.get("reference", "")[:100]
            )
        else:
            raise Http404
    except errors.PublicError as exc:
        messages.error(request, exc.message_zh)
    else:
        messages.success(request, _("已办理。"))
    return redirect("tips:reward_list")


@declare("add")
@login_required
def disclosure_create(request: HttpRequest, public_id: str) -> HttpResponse:
    """曝光典型重大隐患 (the office writes the public text)."""
    hd = get_restricted_or_404(HiddenDanger.objects, request.user, "view", public_id=public_id)
    if not _office_anywhere(request.user) or not hd.is_major:
        raise Http404
    form = DisclosureForm(request.POST or None, initial={"title": f"{hd.enterprise.name}：{hd.title}"})
    if request.method == "POST" and form.is_valid():
        try:
            disclosure = services.publish_disclosure(
                actor=request.user, hidden_danger=hd, **form.cleaned_data
            )
        except errors.PublicError as exc:
            form.add_error(None, exc.message_zh)
        else:
            messages.success(request, _("已发布。"))
            return redirect("public:disclosure_detail", public_id=disclosure.public_id)
    return render(
        request,
        "prevention/form_page.html",
        {"form": form, "heading": _("曝光重大隐患"), "back": hd.get_absolute_url()},
    )
