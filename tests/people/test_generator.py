import datetime

import pytest

from maillon.network.models import NetworkMembership
from maillon.orchestration.generators.staff import staff_generate
from maillon.people.models import Employee, Exit
from maillon.people.selectors import positive_exit_rate, trained_agents_count
from tests.factories import NetworkFactory, OrganisationFactory, SiteFactory

START, END = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)


@pytest.mark.django_db
def test_demo_staff_is_deterministic_plausible_and_added_once():
    network = NetworkFactory()
    organisations = [OrganisationFactory() for _ in range(3)]
    for organisation in organisations:
        NetworkMembership.objects.create(network=network, organisation=organisation)
        for _ in range(4):
            SiteFactory(organisation=organisation)
    report = staff_generate(organisations=organisations, start=START, end=END)
    assert report.employees == Employee.objects.count() == 3 * 4 * 7
    exits = Exit.objects.all()
    assert report.exits == exits.count() and 0.25 < exits.count() / report.employees < 0.6
    assert all(START < e.date <= END for e in exits)
    rate = positive_exit_rate(exits=exits)
    assert 40 <= rate.rate <= 90
    # every site has at least the two trained France Services advisers the label asks for
    for site in organisations[0].sites.all():
        assert trained_agents_count(site=site, on=START) >= 2
    first = sorted(Employee.objects.values_list("first_name", "last_name", "role"))
    again = staff_generate(organisations=organisations, start=START, end=END)
    assert (again.employees, again.skipped) == (0, 3)
    Employee.objects.all().delete()
    staff_generate(organisations=organisations, start=START, end=END)
    assert sorted(Employee.objects.values_list("first_name", "last_name", "role")) == first
