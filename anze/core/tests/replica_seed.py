"""Fill an empty PostgreSQL database for the replica test (`python -m anze.core.tests.replica_seed`).

The tables come straight from the models, as pytest-django's --nomigrations makes them: the migrations take
minutes on a busy machine and the routing does not depend on them. Then charlie, in his unit.
"""

from __future__ import annotations

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402


class _NoMigrations(dict):
    def __contains__(self, item: object) -> bool:
        return True

    def __getitem__(self, item: object) -> None:
        return None


settings.MIGRATION_MODULES = _NoMigrations()
call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)

from anze.accounts.roles import Role  # noqa: E402
from anze.org.choices import RegionLevel, UnitKind  # noqa: E402
from anze.org.models import Region, Unit  # noqa: E402
from conftest import make_user  # noqa: E402

shandong = Region.objects.create(code="370000", name="山东省", level=RegionLevel.PROVINCE)
linyi = Region.objects.create(code="371300", name="临沂市", level=RegionLevel.CITY, parent=shandong)
luozhuang = Region.objects.create(code="371311", name="罗庄区", level=RegionLevel.COUNTY, parent=linyi)
unit = Unit.objects.create(
    name="临沂市罗庄区应急管理局",
    short_name="罗庄区应急局",
    kind=UnitKind.GOVERNMENT_DEPARTMENT,
    region=luozhuang,
)
make_user("charlie", (Role.UNIT, {"unit": unit}), display_name="罗庄应急 Charlie")
