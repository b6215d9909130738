"""Test data for prevention: an enterprise (made directly, the enterprises app's services are not needed)
and hidden dangers at any point of the loop."""

from __future__ import annotations

import datetime as dt
import io
import itertools

from PIL import Image

_counter = itertools.count(1)


def make_industry(code: str = "C26", name: str = "化学原料和化学制品制造业"):
    from anze.enterprises.models import Industry

    industry, _ = Industry.objects.get_or_create(code=code, defaults={"name": name, "section": "C"})
    return industry


def make_enterprise(region, *, county=None, supervising_unit=None, name: str | None = None, industry=None):
    from anze.enterprises.models import Enterprise

    n = next(_counter)
    return Enterprise.objects.create(
        name=name or f"测试企业{n}",
        credit_code=f"91371300MA{n:08d}",
        region=region,
        county=county or region,
        industry=industry or make_industry(),
        employee_count=50,
        supervising_unit=supervising_unit,
    )


def jpeg_bytes(*, with_exif: bool = False, size=(40, 30)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if with_exif:
        exif = Image.Exif()
        exif[0x010F] = "SecretCam"  # Make
        exif[0x0110] = "Model-X"  # Model
        exif[0x8825] = {1: "N", 2: (35.0, 3.0, 0.0), 3: "E", 4: (118.0, 21.0, 0.0)}  # GPS
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 255)).save(out, format="PNG")
    return out.getvalue()


def report(enterprise, actor, *, grade: str = "general", register: bool = False, **overrides):
    from anze.prevention.services import report_hidden_danger

    today = dt.date(2026, 3, 2)
    fields = dict(
        source="self_check",
        grade=grade,
        title="配电箱未接地",
        description="二车间配电箱外壳未接地",
        place="二车间",
        responsible_person="张三",
        found_on=today,
        deadline=today + dt.timedelta(days=10),
    )
    fields.update(overrides)
    return report_hidden_danger(actor=actor, enterprise=enterprise, register=register, **fields)


SIX_ELEMENTS = dict(
    objectives="消除接地隐患",
    methods="更换配电箱并接地",
    funding="2万元",
    organization="设备科 李四",
    timeline="10日内",
    safety_measures="断电挂牌，备用电源",
)
