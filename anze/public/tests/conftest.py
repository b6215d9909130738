import pytest

from anze.prevention.tests.factories import make_enterprise


@pytest.fixture
def lanshan_enterprise(org):
    return make_enterprise(org["lanshan"], supervising_unit=org["lanshan_emergency"], name="兰山化工")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
