"""Key rotation for reporters' identity (SECURITY.md, 等保 L3-CES1-28): blocks sealed under an old key stay
readable while ANZE_PII_OLD_KEYS lists it, and `anze pii rekey` re-encrypts them under ANZE_PII_KEY."""

import pytest
from django.core.management import CommandError, call_command

from anze.audit.models import AuditEvent
from anze.public.crypto import DecryptionError, decrypt_identity
from anze.public.models import Tip
from anze.public.services import read_identity
from anze.public.tests.test_tips import IDENTITY, _submit

pytestmark = pytest.mark.django_db

OLD = "00112233445566778899aabbccddeeff"
NEW = "ffeeddccbbaa99887766554433221100"
STRAY = "0123456789abcdef0123456789abcdef"


def _blob(tip):
    return bytes(Tip.objects.get(pk=tip.pk).identity_ciphertext)


def _opens_under(settings, key, tip):
    settings.ANZE_PII_KEY, settings.ANZE_PII_OLD_KEYS = key, []
    try:
        return decrypt_identity(_blob(tip), associated=str(tip.public_id).encode()) == IDENTITY
    except DecryptionError:
        return False


def test_rotation_keeps_blocks_readable_then_rekey_moves_them_to_the_new_key(org, alice, settings, capsys):
    settings.ANZE_PII_KEY = OLD
    tips = [_submit(org, identity=IDENTITY)[0] for _ in range(3)]
    anonymous, _code = _submit(org)
    before = {tip.pk: _blob(tip) for tip in tips}

    settings.ANZE_PII_KEY, settings.ANZE_PII_OLD_KEYS = NEW, [OLD]
    assert read_identity(actor=alice, tip=tips[0]) == IDENTITY  # readable mid-rotation
    events = AuditEvent.objects.filter(action="public.identity.rekey")

    call_command("pii", "rekey", "--dry-run")
    assert "3 block(s) would be re-encrypted" in capsys.readouterr().out
    assert {tip.pk: _blob(tip) for tip in tips} == before and not events.exists()

    call_command("pii", "rekey")
    assert "3 block(s) re-encrypted, 0 already under the current key" in capsys.readouterr().out
    assert all(_blob(tip) != before[tip.pk] for tip in tips)
    event = events.get()
    assert sorted(event.after["tips"]) == sorted(str(tip.public_id) for tip in tips)
    assert IDENTITY["phone"] not in str(event.after)
    assert Tip.objects.get(pk=anonymous.pk).identity_ciphertext is None

    settings.ANZE_PII_OLD_KEYS = [OLD]
    call_command("pii", "rekey")  # again: nothing left to do, no new event
    assert "0 block(s) re-encrypted, 3 already under the current key" in capsys.readouterr().out
    assert events.count() == 1

    assert all(_opens_under(settings, NEW, tip) for tip in tips)  # the old key is no longer needed
    assert not any(_opens_under(settings, OLD, tip) for tip in tips)


def test_a_block_no_configured_key_opens_is_reported_and_left_alone(org, settings):
    settings.ANZE_PII_KEY = STRAY
    lost, _code = _submit(org, identity=IDENTITY)
    settings.ANZE_PII_KEY = OLD
    kept, _code = _submit(org, identity=IDENTITY)
    stray_blob = _blob(lost)

    settings.ANZE_PII_KEY, settings.ANZE_PII_OLD_KEYS = NEW, [OLD]
    with pytest.raises(CommandError) as raised:
        call_command("pii", "rekey")
    assert str(lost.public_id) in str(raised.value) and "ANZE_PII_OLD_KEYS" in str(raised.value)
    assert _blob(lost) == stray_blob  # unchanged
    assert _opens_under(settings, NEW, kept)  # the readable one was still moved


def test_a_malformed_old_key_is_a_configuration_error(org, settings):
    from django.core.exceptions import ImproperlyConfigured

    tip, _code = _submit(org, identity=IDENTITY)
    settings.ANZE_PII_KEY, settings.ANZE_PII_OLD_KEYS = NEW, ["not-hex"]
    with pytest.raises(ImproperlyConfigured, match="ANZE_PII_OLD_KEYS must be 32 hex digits"):
        decrypt_identity(_blob(tip), associated=str(tip.public_id).encode())
