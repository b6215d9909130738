"""Ending every session of one user (lockout): sessions are database-backed, so scan the live ones."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

SCAN_CHUNK = 500


def end_user_sessions(user: Any) -> int:
    """Delete the user's unexpired sessions; returns how many. Bounded to live rows, read in chunks."""
    wanted = str(user.pk)
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=SCAN_CHUNK)
        if str(session.get_decoded().get(SESSION_KEY)) == wanted
    ]
    if keys:
        Session.objects.filter(session_key__in=keys).delete()
    return len(keys)
