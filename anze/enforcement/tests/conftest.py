import pytest

from anze.prevention.tests.factories import make_enterprise


@pytest.fixture
def lanshan_enterprise(org):
    return make_enterprise(org["lanshan"], supervising_unit=org["lanshan_emergency"], name="兰山化工")


@pytest.fixture
def luozhuang_enterprise(org):
    return make_enterprise(org["luozhuang"], supervising_unit=org["luozhuang_emergency"], name="罗庄机械")
