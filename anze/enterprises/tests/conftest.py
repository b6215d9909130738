"""Fixtures of the enterprises tests: industries, the Linyi rule set, departments and enterprise users."""

from __future__ import annotations

import datetime as dt

import pytest

from anze.accounts.roles import Role
from conftest import make_user

TODAY = dt.date(2025, 6, 16)  # a Monday, with working days around it
NOW = dt.datetime(2025, 6, 16, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def reference(org):
    """Industries, the city's industry → department map and the initial rule set, as the demo loads them."""
    from anze.enterprises import seed

    seed.load_industries()
    seed.seed_supervisors(org["linyi"])
    rule_set = seed.load_rule_set(org["linyi"])
    return {"rule_set": rule_set}


@pytest.fixture
def make_enterprise(reference, org):
    """Register an enterprise through the service (actor None: the system)."""
    from anze.enterprises import services
    from anze.enterprises.generate import credit_code
    from anze.enterprises.models import Industry

    serial = iter(range(1, 10_000))

    def _make(industry="26", region="luozhuang", employees=100, **fields):
        data = {
            "name": fields.pop("name", f"测试企业{industry}-{employees}"),
            "credit_code": fields.pop("credit_code", credit_code(next(serial), org[region].code)),
            "region": org[region],
            "industry": Industry.objects.get(code=industry),
            "employee_count": employees,
            **fields,
        }
        return services.create_enterprise(actor=None, **data)

    return _make


@pytest.fixture
def erin(org):
    """An enterprise user (Role.ENTERPRISE) not yet bound to any enterprise."""
    return make_user("erin", (Role.ENTERPRISE, {}), display_name="企业 Erin")
