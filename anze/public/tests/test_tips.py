import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from PIL import Image

from anze.accounts.roles import Role
from anze.audit.models import AuditEvent
from anze.prevention.choices import HiddenDangerSource, HiddenDangerStatus
from anze.prevention.images import PhotoError
from anze.prevention.tests.factories import jpeg_bytes, png_bytes
from anze.public import errors
from anze.public.choices import RewardStatus, TipStatus
from anze.public.models import RewardRule, Tip, TipPhoto
from anze.public.services import (
    approve_reward,
    assign_tip,
    find_by_tracking_code,
    mark_duplicate,
    pay_reward,
    propose_reward,
    read_identity,
    submit_tip,
    verify_tip,
)
from conftest import make_user

IDENTITY = {"name": "李举报", "phone": "13912345678", "id_number": "37130219800101123X"}


def _submit(org, **kw):
    fields = dict(
        kind="hidden_danger",
        region=org["lanshan"],
        subject="兰山化工",
        place="罐区",
        description="液氨储罐无检测报警",
        client_address="203.0.113.9",
    )
    fields.update(kw)
    return submit_tip(**fields)


def test_anonymous_tip_stores_no_identity_and_only_a_hash_of_the_code(org):
    tip, code = _submit(org)
    assert not tip.is_real_name and tip.identity_ciphertext is None
    assert code not in tip.tracking_hash and code.replace("-", "") not in tip.tracking_hash
    assert find_by_tracking_code(code) == tip
    assert find_by_tracking_code(code.lower().replace("-", " ")) == tip
    assert find_by_tracking_code("AAAA-BBBB-CCCC-DDDD") is None
    event = AuditEvent.objects.get(action="public.submit_tip")
    assert code not in str(event.after)


def test_real_name_block_is_encrypted_at_rest(org):
    tip, _code = _submit(org, identity=IDENTITY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM public_tip WHERE id = %s", [tip.pk])
        raw = repr(cursor.fetchone())
    for value in IDENTITY.values():
        assert value not in raw
    assert bytes(Tip.objects.get(pk=tip.pk).identity_ciphertext)[:1] == b"\x01"
    column_names = {f.column for f in Tip._meta.get_fields() if hasattr(f, "column")}
    assert not column_names & {"name", "phone", "id_number", "reporter_name", "reporter_phone"}


def test_only_the_office_reads_the_identity_and_every_read_is_audited(org, alice, bob, dave):
    tip, _ = _submit(org, identity=IDENTITY)
    assert read_identity(actor=alice, tip=tip) == IDENTITY
    masked = read_identity(actor=alice, tip=tip, masked=True)
    assert masked["phone"] == "139****5678" and "1980" not in masked["id_number"]
    for other in (bob, dave):
        with pytest.raises(errors.NotAllowedError):
            read_identity(actor=other, tip=tip)
    reads = AuditEvent.objects.filter(action="public.read_identity")
    assert reads.filter(success=True).count() == 2 and reads.filter(success=False).count() == 2


def test_office_of_another_city_cannot_read(org):
    from anze.org.choices import RegionLevel
    from anze.org.models import Region

    jinan = Region.objects.create(
        code="370100", name="济南市", level=RegionLevel.CITY, parent=org["shandong"]
    )
    other = make_user("eve", (Role.OFFICE, {"region": jinan}))
    tip, _ = _submit(org, identity=IDENTITY)
    with pytest.raises(errors.NotAllowedError):
        read_identity(actor=other, tip=tip)


def test_identity_needs_name_and_valid_phone(org):
    with pytest.raises(errors.PublicError) as exc:
        _submit(org, identity={"name": "x", "phone": "12"})
    assert exc.value.code == "identity_phone"
    with pytest.raises(errors.PublicError):
        _submit(org, identity={"name": "", "phone": "13912345678"})
    assert Tip.objects.count() == 0


def _jpeg_with_exif():
    image = Image.new("RGB", (32, 32), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    exif[0x0132] = "2026:03:01 10:00:00"
    exif[0x8825] = {1: "N", 2: (35.0, 3.0, 0.0), 3: "E", 4: (118.0, 21.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"secret comment")
    data = out.getvalue()
    assert b"SecretCam" in data and Image.open(io.BytesIO(data)).getexif()
    return data


def test_photo_exif_is_stripped(org):
    tip, _ = _submit(org, photos=[_jpeg_with_exif(), png_bytes()])
    photos = TipPhoto.objects.filter(tip=tip)
    assert photos.count() == 2
    for photo in photos:
        data = photo.file.read()
        assert b"SecretCam" not in data and b"secret comment" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG"
            assert not image.getexif()
            assert "exif" not in image.info and "comment" not in image.info
        assert tip.description not in photo.file.name and photo.file.name.endswith(f"{photo.sm3}.jpg")


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>",
        b"MZ\x90\x00executable",
        b"\xff\xd8\xff\xe0 truncated garbage",
        b"",
    ],
)
def test_non_images_are_refused_by_content(org, data):
    with pytest.raises(PhotoError):
        _submit(org, photos=[data])
    assert Tip.objects.count() == 0


def test_oversized_photo_is_refused(org, settings):
    settings.ANZE_PHOTO_MAX_BYTES = 1000
    with pytest.raises(PhotoError) as exc:
        _submit(org, photos=[jpeg_bytes(size=(400, 400)) + b"\0" * 2000])
    assert exc.value.code == "too_large"


def test_rate_limit_per_address(org, settings):
    settings.ANZE_PUBLIC_TIPS_PER_HOUR = 3
    now = timezone.now()
    for _ in range(3):
        _submit(org, now=now)
    with pytest.raises(errors.RateLimitedError):
        _submit(org, now=now)
    _submit(org, now=now, client_address="198.51.100.7")  # another address is not affected
    _submit(org, now=now + dt.timedelta(hours=2))  # the window has passed
    assert Tip.objects.count() == 5


def test_triage_verification_makes_a_hidden_danger(org, alice, charlie, lanshan_enterprise):
    tip, code = _submit(org)
    tip = assign_tip(actor=alice, tip=tip, unit=org["lanshan_emergency"])
    assert tip.status == TipStatus.ASSIGNED
    tip = verify_tip(actor=charlie, tip=tip, founded=True, note="现场核实", enterprise=lanshan_enterprise)
    assert tip.status == TipStatus.VERIFIED
    hd = tip.hidden_danger
    assert hd.source == HiddenDangerSource.PUBLIC_REPORT and hd.status == HiddenDangerStatus.REGISTERED
    assert hd.enterprise == lanshan_enterprise
    assert "属实" in find_by_tracking_code(code).public_reply


def test_unassigned_tip_cannot_be_verified(org, charlie):
    tip, _ = _submit(org)
    with pytest.raises(errors.TransitionError):
        verify_tip(actor=charlie, tip=tip, founded=True, note="")
    tip.refresh_from_db()
    assert tip.status == TipStatus.SUBMITTED


def test_first_valid_report_wins(org, alice):
    first, _ = _submit(org)
    second, _ = _submit(org)
    with pytest.raises(errors.PublicError) as exc:
        mark_duplicate(actor=alice, tip=first, original=second)
    assert exc.value.code == errors.NOT_FIRST
    second = mark_duplicate(actor=alice, tip=second, original=first)
    assert second.status == TipStatus.DUPLICATE and second.duplicate_of == first
    with pytest.raises(errors.TransitionError):
        assign_tip(actor=alice, tip=second, unit=org["lanshan_emergency"])


def _verified(org, alice, charlie, **kw):
    tip, _ = _submit(org, **kw)
    assign_tip(actor=alice, tip=tip, unit=org["lanshan_emergency"])
    return verify_tip(actor=charlie, tip=tip, founded=True, note="属实")


def test_reward_approval_and_payment(org, alice, charlie, bob):
    tip = _verified(org, alice, charlie)
    reward = propose_reward(actor=alice, tip=tip, fine=Decimal("50000"))
    assert reward.amount == Decimal("7500.00") and reward.status == RewardStatus.PROPOSED
    with pytest.raises(errors.NotAllowedError) as exc:
        approve_reward(actor=alice, reward=reward)
    assert exc.value.code == errors.APPROVER_IS_PROPOSER
    with pytest.raises(errors.TransitionError):
        pay_reward(actor=alice, reward=reward, reference="x")
    other_office = make_user("olivia", (Role.OFFICE, {"region": org["linyi"]}))
    reward = approve_reward(actor=other_office, reward=reward)
    reward = pay_reward(actor=alice, reward=reward, reference="财付2026-001")
    assert reward.status == RewardStatus.PAID and reward.paid_at


def test_reward_minimum_and_concealed_accident_cap(org, alice, charlie):
    small = propose_reward(actor=alice, tip=_verified(org, alice, charlie), fine=Decimal("1000"))
    assert small.amount == Decimal("3000")
    accident = _verified(org, alice, charlie, kind="concealed_accident")
    reward = propose_reward(actor=alice, tip=accident, accident_grade="major", concealed_deaths=8)
    assert reward.amount == Decimal("300000")


def test_reward_rule_in_force_applies(org, alice, charlie):
    RewardRule.objects.create(
        region=org["linyi"],
        effective_from=dt.date(2000, 1, 1),
        rate=Decimal("0.2"),
        minimum=Decimal("5000"),
        maximum=Decimal("100000"),
    )
    reward = propose_reward(actor=alice, tip=_verified(org, alice, charlie), fine=Decimal("1000000"))
    assert reward.amount == Decimal("100000") and reward.rule is not None


def test_unverified_tip_gets_no_reward(org, alice):
    tip, _ = _submit(org)
    with pytest.raises(errors.PublicError) as exc:
        propose_reward(actor=alice, tip=tip, fine=Decimal(1))
    assert exc.value.code == errors.NOT_VERIFIED


def test_missing_pii_key_is_a_clear_error(settings, org):
    from django.core.exceptions import ImproperlyConfigured

    from anze.public.apps import check_pii_key

    assert check_pii_key() == []
    settings.ANZE_PII_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="ANZE_PII_KEY"):
        _submit(org, identity=IDENTITY)
    assert [e.id for e in check_pii_key()] == ["anze.public.E001"]
    settings.ANZE_PII_KEY = "zz"
    assert check_pii_key()[0].id == "anze.public.E001"


def test_identity_block_is_bound_to_its_tip(org, alice):
    from anze.public.crypto import DecryptionError

    first, _ = _submit(org, identity=IDENTITY)
    second, _ = _submit(org, identity={"name": "乙", "phone": "13800000000"})
    Tip.objects.filter(pk=second.pk).update(identity_ciphertext=first.identity_ciphertext)
    second.refresh_from_db()
    with pytest.raises(DecryptionError):
        read_identity(actor=alice, tip=second)
