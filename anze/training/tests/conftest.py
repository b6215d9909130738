import pytest


@pytest.fixture
def reference(org):
    """Industries, departments and the city's rule set with the two certificate rules adopted."""
    from anze.enterprises.tests.factories import load_reference
    from anze.training.compliance import adopt_certificate_rules

    load_reference(org["linyi"])
    adopt_certificate_rules(actor=None, region=org["linyi"])
    return org


@pytest.fixture
def bank(org):
    from anze.training.tests.factories import make_bank

    return make_bank(org["linyi"], unit=org["city_emergency"])


@pytest.fixture
def paper(bank):
    from anze.training.tests.factories import make_paper

    return make_paper(bank)


@pytest.fixture
def sitting(paper, org):
    from anze.training.tests.factories import make_sitting

    return make_sitting(paper, org["linyi"], unit=org["city_emergency"])
