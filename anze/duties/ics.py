"""The iCalendar (RFC 5545) feed of due dates: all-day events, written by the `icalendar` library
(escaping, folding, value types), and summaries that tell two duties apart."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from icalendar import Calendar, Event

TITLE_CHARS = 40


def short_titles(titles: Iterable[str], *, limit: int = TITLE_CHARS) -> dict[str, str]:
    """Each title cut to `limit` characters with "…"; titles that would look the same once cut keep
    enough characters to differ (their whole text if need be)."""
    distinct = sorted(set(titles))
    result: dict[str, str] = {}
    groups: dict[str, list[str]] = defaultdict(list)
    for title in distinct:
        groups[title[:limit]].append(title)
    for prefix, members in groups.items():
        if len(members) == 1:
            title = members[0]
            result[title] = title if len(title) <= limit else f"{prefix}…"
            continue
        # Keep each title up to just past where it parts from its neighbours.
        for title in members:
            longest = max(_common_prefix(title, other) for other in members if other != title)
            keep = max(limit, longest + 8)
            result[title] = title if len(title) <= keep else f"{title[:keep]}…"
    return result


def _common_prefix(left: str, right: str) -> int:
    count = 0
    for a, b in zip(left, right, strict=False):
        if a != b:
            break
        count += 1
    return count


def calendar(events: Iterable[dict[str, Any]], *, name: str, now: dt.datetime) -> bytes:
    """VCALENDAR bytes; each event has uid, day, summary, description and url."""
    feed = Calendar()
    feed.add("prodid", "-//Anze//duties//ZH")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", name)
    feed.add("x-wr-timezone", "Asia/Shanghai")
    stamp = now.astimezone(dt.UTC)
    for item in events:
        day: dt.date = item["day"]
        event = Event()
        event.add("uid", f"{item['uid']}@anze")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", item["summary"])
        event.add("description", item.get("description", ""))
        if item.get("url"):
            event.add("url", item["url"])
        event.add("transp", "TRANSPARENT")
        feed.add_component(event)
    return feed.to_ical()
