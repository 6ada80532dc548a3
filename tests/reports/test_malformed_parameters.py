"""Malformed ids and months in the report pages and their API answer 4xx with a French
message, never 500: `str.isdigit()` accepts « ² » where `int()` refuses it, and a month near
year 1 or 9999 overflows the calendar when the report computes its end or the period before."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from maillon.accounts.enums import Role
from maillon.accounts.services import api_token_create
from maillon.network.models import NetworkMembership, Partner
from maillon.reports.periods import FIRST_YEAR, LAST_YEAR, Period
from maillon.reports.scopes import scope_get
from tests.factories import MembershipFactory, NetworkFactory, SiteFactory, manager_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
OUT_OF_RANGE = f"La période doit être comprise entre {FIRST_YEAR} et {LAST_YEAR}."


@pytest.fixture
def head():
    """A network head who also manages the site's organisation and reads CAF's report."""
    site = SiteFactory()
    network = NetworkFactory()
    NetworkMembership.objects.create(
        network=network, organisation=site.organisation, start_date=datetime.date(2020, 1, 1)
    )
    user = manager_of(site.organisation)
    MembershipFactory(user=user, network_admin=True, network=network)
    MembershipFactory(user=user, role=Role.PARTNER_VIEWER, partner=Partner.objects.get(code="caf"))
    user.site = site
    return user


PAGES = {
    "key-figures": "/rapports/chiffres-cles/",
    "dashboard": "/rapports/tableau-de-bord/",
    "monthly": "/rapports/mensuel/",
    "partner": "/rapports/partenaire/",
}
MONTHS = {
    "debut-9999-12": ("debut=9999-12", OUT_OF_RANGE),
    "debut-0001-01": ("debut=0001-01", OUT_OF_RANGE),
    "fin-0001-01": ("debut=0001-01&fin=0001-01", OUT_OF_RANGE),
    "periode-9999": ("periode=9999", OUT_OF_RANGE),
    "periode-0001-01..2024-01": ("periode=0001-01..2024-01", OUT_OF_RANGE),
}


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("query", MONTHS.values(), ids=MONTHS.keys())
@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_a_month_out_of_range_answers_400_with_a_french_message(client, head, page, query):
    client.force_login(head)
    params, message = query
    response = client.get(f"{page}?{params}")
    assert response.status_code == 400
    assert message in response.content.decode()


IDS = {
    "site-superscript": ("/rapports/chiffres-cles/?perimetre=site:%C2%B2", 400),
    "organisation-superscript": ("/rapports/chiffres-cles/?perimetre=organisation:%C2%B2", 400),
    "site-beyond-bigint": ("/rapports/chiffres-cles/?perimetre=site:99999999999999999999", 400),
    "dashboard-superscript": ("/rapports/tableau-de-bord/?perimetre=site:%C2%B2", 400),
    "monthly-superscript": ("/rapports/mensuel/?point_accueil=%C2%B2", 404),
    "monthly-beyond-bigint": ("/rapports/mensuel/?point_accueil=99999999999999999999", 404),
}


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(("url", "status"), IDS.values(), ids=IDS.keys())
def test_a_malformed_id_answers_4xx_with_a_french_message(client, head, url, status):
    client.force_login(head)
    response = client.get(url)
    assert response.status_code == status
    assert "inconnu ou non autorisé" in response.content.decode()


API = {
    "key-figures-superscript": ("/api/v1/reports/key-figures?scope=site:%C2%B2&period=2024", 404),
    "key-figures-9999": ("/api/v1/reports/key-figures?scope=site:{site}&period=9999", 422),
    "key-figures-0001": ("/api/v1/reports/key-figures?scope=site:{site}&period=0001-01", 422),
    "monthly-0001": ("/api/v1/reports/monthly?site={site}&period=0001-01", 422),
    "partner-9999": ("/api/v1/reports/partner?partner=caf&period=9999-12", 422),
}


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(("url", "status"), API.values(), ids=API.keys())
def test_the_report_api_answers_4xx_to_malformed_parameters(client, head, url, status):
    _token, raw = api_token_create(user=head, name="test")
    response = client.get(url.format(site=head.site.pk), headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == status, response.content


@pytest.mark.parametrize(
    "text",
    ["1989", "2101", "0001-01", "9999-12", "1990-01..2101-01", "٢٠٢٤", "２０２４"],
    ids=["1989", "2101", "0001-01", "9999-12", "range-end", "arabic-digits", "fullwidth"],
)
def test_period_parse_refuses_years_out_of_range_and_non_ascii_digits(text):
    with pytest.raises(ValidationError):
        Period.parse(text)


def test_the_period_before_the_first_supported_year_is_still_computed():
    """The comparison of a dashboard on 1990 reads the year before: computed, never typed."""
    previous = Period.year(FIRST_YEAR).previous()
    assert (previous.start, previous.end) == (
        datetime.date(FIRST_YEAR - 1, 1, 1),
        datetime.date(FIRST_YEAR - 1, 12, 31),
    )
    assert Period.parse(Period.year(LAST_YEAR).code) == Period.year(LAST_YEAR)


@pytest.mark.parametrize(
    "key", ["site:²", "site:٣", "organisation:¹", "site:99999999999999999999", "site:-1"]
)
def test_scope_get_treats_a_malformed_id_as_not_found(head, key):
    from maillon.core.errors import NotFound

    with pytest.raises(NotFound):
        scope_get(user=head, key=key)
