"""What training adds to the pages and schedules of the lower apps, registered in TrainingConfig.ready()."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.core.navigation import NavItem, NavSection

_KEEPERS = frozenset({Role.OFFICE, Role.COUNTY, Role.UNIT, Role.LEADER, Role.INSPECTOR, Role.AUDITOR})
_CANDIDATES = frozenset({Role.ENTERPRISE, Role.OFFICE, Role.COUNTY, Role.UNIT, Role.LEADER, Role.INSPECTOR})

NAV_SECTION = NavSection(
    _("培训考试"),
    (
        NavItem(_("我的考试"), "training:my_exams", "pencil-square", _CANDIDATES),
        NavItem(_("考试场次"), "training:sitting_list", "calendar-check", _KEEPERS),
        NavItem(_("题库"), "training:bank_list", "journal-text", _KEEPERS),
        NavItem(_("答卷"), "training:attempt_list", "file-earmark-check", _KEEPERS),
        NavItem(_("考核合格证"), "training:certificate_list", "award", _KEEPERS | {Role.ENTERPRISE}),
        NavItem(_("考试统计"), "training:statistics", "bar-chart", _KEEPERS),
        NavItem(_("机关学习"), "training:study_list", "book", _KEEPERS),
    ),
)


def home_panel(request) -> dict[str, Any] | None:
    """A candidate's exams to take (open now or coming), and for keepers the certificates expiring soon."""
    from anze.training.models import EXPIRING_DAYS, Candidate, Certificate

    user = request.user
    now = timezone.now()
    pending = Candidate.objects.filter(user_id=user.pk, sitting__closes_at__gt=now).exclude(
        attempt__status__in=["submitted", "timed_out"]
    )
    today = timezone.localdate()
    expiring = Certificate.objects.restrict(user, "view").filter(
        expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=EXPIRING_DAYS)
    )
    expired = Certificate.objects.restrict(user, "view").filter(expires_on__lt=today)
    context = {
        "pending": list(pending.select_related("sitting").order_by("sitting__opens_at")[:5]),
        "pending_count": pending.count(),
        "expiring": expiring.count(),
        "expired": expired.count(),
        "my_url": reverse("training:my_exams"),
        "expiring_url": reverse("training:certificate_list") + "?state=expiring",
        "expired_url": reverse("training:certificate_list") + "?state=expired",
        "now": now,
    }
    if not context["pending_count"] and not context["expiring"] and not context["expired"]:
        return None
    return context


def expire_job(now: dt.datetime) -> int:
    from anze.training.services import expire_attempts

    return expire_attempts(now)


def remind_job(now: dt.datetime) -> int:
    from anze.training.services import remind_expiring

    return remind_expiring(now)


def deliver_notice(kind: str, facts: dict[str, Any]) -> None:
    """A certificate about to expire: its holder (and the enterprise's users) hear it in the inbox."""
    from anze.training.services import CERTIFICATE_EXPIRING

    if kind != CERTIFICATE_EXPIRING:
        return
    from anze.enterprises.models import EnterpriseMembership
    from anze.supervision.choices import EventKind
    from anze.supervision.services import notify
    from anze.training.models import Certificate

    certificate = Certificate.objects.select_related("enterprise").get(pk=facts["certificate_id"])
    title = _("考核合格证将于 %(day)s 到期：%(holder)s") % {
        "day": f"{certificate.expires_on:%Y-%m-%d}",
        "holder": certificate.holder,
    }
    body = _("%(enterprise)s %(post)s %(holder)s 的安全生产知识和管理能力考核合格证（%(number)s）即将到期，请及时参加复训考核，"
             "逾期未取得新证的，企业将被判定为不合规。") % {
        "enterprise": certificate.enterprise.name, "post": certificate.get_post_display(),
        "holder": certificate.holder, "number": certificate.number,
    }  # fmt: skip
    users = set(
        EnterpriseMembership.objects.filter(enterprise_id=certificate.enterprise_id).values_list(
            "user_id", flat=True
        )
    )
    if certificate.user_id:
        users.add(certificate.user_id)
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.filter(pk__in=users):
        notify(
            kind=EventKind.REMIND,
            obj=f"certificate{certificate.pk}-{certificate.expires_on:%Y%m%d}",
            user=user,
            title=str(title),
            body=str(body),
            now=facts["now"],
        )


def demo(*, stdout, now: dt.datetime) -> None:
    from anze.training.demo import run

    run(stdout=stdout, now=now)
