"""The anonymous public portal (no login): report, follow with a tracking code, read disclosures."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from anze.core.middleware import client_ip
from anze.core.permissions import PUBLIC, declare
from anze.prevention.images import PhotoError
from anze.public import errors, services
from anze.public.forms import TipForm, TrackForm
from anze.public.models import Disclosure


def live_disclosures():
    return Disclosure.objects.filter(published_at__isnull=False, withdrawn_at__isnull=True)


@declare(PUBLIC)
def portal_home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/portal_home.html", {"disclosures": live_disclosures()[:5]})


@declare(PUBLIC)
def tip_submit(request: HttpRequest) -> HttpResponse:
    """举报 — the tracking code is shown once on the answer page; only its hash is kept."""
    form = TipForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tip, code = services.submit_tip(
                kind=data["kind"],
                region=data["region"],
                subject=data["subject"],
                place=data["place"],
                description=data["description"],
                photos=data["photos"],
                identity=form.identity(),
                client_address=client_ip(request) or "",
            )
        except PhotoError as exc:
            form.add_error("photos", exc.message_zh)
            status = 413 if exc.code == "too_large" else 400
        except errors.RateLimitedError as exc:
            form.add_error(None, exc.message_zh)
            status = 429
        except errors.PublicError as exc:
            field = (
                "phone"
                if exc.code == "identity_phone"
                else ("id_number" if exc.code == "identity_id_number" else "name")
            )
            form.add_error(field, exc.message_zh)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Redirect after the post, so a refresh shows the answer again instead of filing a second tip.
            # The code travels to the answer page in a signed, short-lived cookie of the reporter's own
            # browser, shown once and then deleted: the server keeps only the code's hash.
            response = redirect("public:tip_received")
            response.set_signed_cookie(
                RECEIPT_COOKIE,
                code,
                salt=RECEIPT_SALT,
                max_age=RECEIPT_SECONDS,
                path=reverse("public:tip_received"),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Strict",
            )
            return response
    return render(request, "public/tip_form.html", {"form": form}, status=status)


RECEIPT_COOKIE = "anze_tip_receipt"
RECEIPT_SALT = "anze.public.tip_receipt"
RECEIPT_SECONDS = 600


@declare(PUBLIC)
def tip_received(request: HttpRequest) -> HttpResponse:
    """The answer to a filed tip: its tracking code, once. A refresh finds no code and says so."""
    code = request.get_signed_cookie(RECEIPT_COOKIE, default=None, salt=RECEIPT_SALT, max_age=RECEIPT_SECONDS)
    response = render(request, "public/tip_received.html", {"code": code})
    response.delete_cookie(RECEIPT_COOKIE, path=reverse("public:tip_received"), samesite="Strict")
    return response


@declare(PUBLIC)
def tip_track(request: HttpRequest) -> HttpResponse:
    """查询 — status and the public reply only; no internal notes, no identity."""
    form = TrackForm(request.POST or None)
    tip = None
    not_found = False
    if request.method == "POST" and form.is_valid():
        tip = services.find_by_tracking_code(form.cleaned_data["code"])
        not_found = tip is None
    return render(request, "public/tip_track.html", {"form": form, "tip": tip, "not_found": not_found})


@declare(PUBLIC)
def disclosure_list(request: HttpRequest) -> HttpResponse:
    return render(request, "public/disclosure_list.html", {"disclosures": live_disclosures()[:100]})


@declare(PUBLIC)
def disclosure_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    disclosure = live_disclosures().filter(public_id=public_id).first()
    if disclosure is None:
        raise Http404(_("没有这条曝光信息。"))
    return render(request, "public/disclosure_detail.html", {"disclosure": disclosure})
