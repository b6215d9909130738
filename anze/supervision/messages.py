"""What a notice says, outside Anze and in the inbox: the unit, the item, its due date, how late, a link.

A notification row keeps what happened; this module turns it into words a person can act on. One
notification becomes one message; more than ANZE_NOTICE_DIGEST_AFTER waiting for one channel become a
digest (one message listing every unit and item), split so each part fits the robot's size limit. Times
are local (ANZE_TIME_ZONE), links absolute (ANZE_SITE_URL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.supervision.choices import Channel, EventKind

# Bytes of markdown one message may carry: WeCom refuses more than 4096, DingTalk about 20000.
MAX_BYTES = {Channel.WECOM: 3800, Channel.DINGTALK: 15000, Channel.EMAIL: 200_000}
MAX_DIGEST_LINES = 40


@dataclass(frozen=True)
class Message:
    """One message to send: a short title, the robots' markdown and plain text for email."""

    title: str
    markdown: str
    text: str


@dataclass(frozen=True)
class Notice:
    """The facts of one notification a person needs to act on it."""

    kind: str
    title: str
    unit: str
    item: str
    due_on: dt.date | None
    deadline: dt.date | None
    days_late: int | None
    path: str
    url: str
    at: dt.datetime
    note: str

    @property
    def lateness(self) -> str:
        return lateness(self.days_late)


def site_url(path: str) -> str:
    """An absolute link to `path` on the site (ANZE_SITE_URL); the bare path when the site URL is not set."""
    return f"{getattr(settings, 'ANZE_SITE_URL', '').rstrip('/')}{path}"


def local(moment: dt.datetime) -> str:
    """A time as people read it: local time, to the minute."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def lateness(days_late: int | None) -> str:
    if days_late is None:
        return ""
    if days_late > 0:
        return _("已逾期 %(days)s 天") % {"days": days_late}
    if days_late == 0:
        return _("今天到期")
    return _("还有 %(days)s 天到期") % {"days": -days_late}


def _recipient_name(notification: Any) -> str:
    for holder in (notification, notification.case, notification.occurrence):
        unit = getattr(holder, "unit", None) if holder is not None else None
        if unit is not None:
            return unit.name
    if notification.person_id:
        return notification.person.name
    if notification.user_id:
        return notification.user.get_full_name() or notification.user.get_username()
    return ""


def _circular_items(notification: Any) -> tuple[str, dt.date | None]:
    from anze.supervision.models import CircularEntry

    entries = list(
        CircularEntry.objects.filter(circular_id=notification.circular_id, unit_id=notification.unit_id)
        .select_related("case")
        .order_by("case__deadline", "case_id")
    )
    titles = "；".join(f"{e.case.title}（{e.case.number}）" for e in entries[:5])
    if len(entries) > 5:
        titles += _("等 %(count)s 件") % {"count": len(entries)}
    return titles or notification.circular.title, entries[0].case.deadline if entries else None


def notice_of(notification: Any) -> Notice:
    """The facts of a notification (its unit, occurrence, case and circular loaded or fetched)."""
    occurrence, case, circular = notification.occurrence, notification.case, notification.circular
    item, due_on, deadline = notification.title, None, None
    if occurrence is not None:
        item, due_on = occurrence.duty.title, occurrence.due_on
    if case is not None:
        item, deadline = case.title, case.deadline
        due_on = due_on or case.original_deadline
    if circular is not None and case is None:
        item, deadline = _circular_items(notification)
        due_on = due_on or deadline
    if case is not None:
        path = case.get_absolute_url()
    elif occurrence is not None:
        path = occurrence.get_absolute_url()
    elif circular is not None:
        path = circular.get_absolute_url()
    else:
        from django.urls import reverse

        path = reverse("supervision:inbox")
    moment = timezone.localtime(notification.created_at)
    days_late = (moment.date() - due_on).days if due_on else None
    return Notice(
        kind=str(EventKind(notification.kind).label)
        if notification.kind in EventKind.values
        else notification.kind,
        title=notification.title,
        unit=_recipient_name(notification),
        item=item,
        due_on=due_on,
        deadline=deadline if deadline and deadline != due_on else None,
        days_late=days_late,
        path=path,
        url=site_url(path),
        at=moment,
        note=notification.body,
    )


def _due_words(notice: Notice) -> str:
    parts = []
    if notice.due_on:
        parts.append(_("截止 %(date)s") % {"date": f"{notice.due_on:%Y-%m-%d}"})
        parts.append(notice.lateness)
    if notice.deadline:
        parts.append(_("督办期限 %(date)s") % {"date": f"{notice.deadline:%Y-%m-%d}"})
    return "，".join(p for p in parts if p)


def single(notice: Notice) -> Message:
    """One notification as one message, naming its unit, item, due date, lateness and link."""
    title = f"{notice.title}（{notice.unit}）"[:100] if notice.unit else notice.title[:100]
    facts = [
        (_("单位"), notice.unit),
        (_("事项"), notice.item),
        (_("期限"), _due_words(notice)),
    ]
    lines = [f"**{label}**：{value}" for label, value in facts if value]
    markdown = "\n\n".join(
        [f"### {title}", *lines, *([notice.note] if notice.note else []),
         f"[{_('查看详情')}]({notice.url})", f"> {_('安责')} · {local(notice.at)}"]
    )  # fmt: skip
    text = "\n".join(
        [title, *(f"{label}：{value}" for label, value in facts if value), *([notice.note] if notice.note else []),
         f"{_('详情')}：{notice.url}", f"{_('安责')} · {local(notice.at)}"]
    )  # fmt: skip
    return Message(title=title, markdown=markdown, text=text)


def _line(number: int, notice: Notice, *, markdown: bool) -> str:
    words = "，".join(p for p in (_due_words(notice),) if p)
    if markdown:
        return (
            f"{number}. 【{notice.kind}】**{notice.unit}** · {notice.item}"
            + (f" · {words}" if words else "")
            + f" · [{_('查看')}]({notice.url})"
        )
    return (
        f"{number}. 【{notice.kind}】{notice.unit} · {notice.item}"
        + (f" · {words}" if words else "")
        + (f" · {notice.url}")
    )


def digest(notices: Sequence[Notice], channel: str, *, now: dt.datetime) -> list[tuple[Message, list[int]]]:
    """The notices as few messages as fit the channel: (message, indexes of the notices it carries)."""
    limit = MAX_BYTES.get(channel, MAX_BYTES[Channel.DINGTALK])
    parts: list[list[int]] = [[]]
    size = 400  # heading and footer
    for index, notice in enumerate(notices):
        length = len(_line(index + 1, notice, markdown=True).encode("utf-8")) + 2
        if parts[-1] and (size + length > limit or len(parts[-1]) >= MAX_DIGEST_LINES):
            parts.append([])
            size = 400
        parts[-1].append(index)
        size += length
    units = len({n.unit for n in notices})
    messages = []
    for number, indexes in enumerate(parts, start=1):
        title = _("督办消息汇总：%(units)s 个单位 %(count)s 条") % {"units": units, "count": len(notices)}
        if len(parts) > 1:
            title += _("（第 %(part)s/%(parts)s 份）") % {"part": number, "parts": len(parts)}
        md_lines = [_line(i + 1, notices[i], markdown=True) for i in indexes]
        text_lines = [_line(i + 1, notices[i], markdown=False) for i in indexes]
        footer = f"{_('安责')} · {local(now)}"
        markdown = "\n\n".join([f"### {title}", "\n".join(md_lines), f"> {footer}"])
        text = "\n".join([title, *text_lines, footer])
        messages.append((Message(title=title[:100], markdown=markdown, text=text), indexes))
    return messages


def notices_of(notifications: Iterable[Any]) -> list[Notice]:
    return [notice_of(n) for n in notifications]
