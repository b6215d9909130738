"""Test helpers: append events, tamper with the database behind the triggers' back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from anze.audit.db import install_triggers, remove_triggers
from anze.audit.models import AuditEvent
from anze.audit.services import record


def append(
    count: int, *, action: str = "test.thing.update", actor: Any = None, **kwargs: Any
) -> list[AuditEvent]:
    events = []
    for i in range(count):
        with transaction.atomic():
            events.append(record(action, actor=actor, before={"n": i}, after={"n": i + 1}, **kwargs))
    return events


@contextmanager
def triggers_lifted() -> Iterator[None]:
    """Tamper as someone with the database owner's rights would: drop the triggers, then put them back."""
    remove_triggers(connection)
    try:
        yield
    finally:
        install_triggers(connection)


def raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def otp_verified(client: Any, user: Any) -> Any:
    """Mark a signed-in administrator's session as having passed TOTP, as django_otp.login() does."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="default", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
