"""The live checks of the public data in `maillon check` and on the network head's quality
page: each finding says what is wrong and links to the page that fixes it."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from maillon.accounts.enums import Role
from maillon.core.importing import Problem
from maillon.directory.enums import ImportKind
from maillon.directory.import_records import import_record_save
from maillon.geo.models import Commune
from maillon.network.models import NetworkMembership, Site, Stop
from maillon.orchestration.quality import data_quality_findings
from maillon.orchestration.quality.live import PER_CHECK
from tests.factories import MembershipFactory, NetworkFactory, OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 3)


@pytest.fixture
def network_sites():
    network = NetworkFactory()
    organisation = OrganisationFactory()
    NetworkMembership.objects.create(network=network, organisation=organisation)
    lyon8 = Commune.objects.get(code="69388")
    saint_etienne = Commune.objects.get(code="42218")
    good = SiteFactory(
        organisation=organisation,
        name="Bien tenu",
        commune=lyon8,
        postal_code="69008",
        latitude=lyon8.latitude,
        longitude=lyon8.longitude,
        opening_hours="Mo-Fr 09:00-12:00; PH off",
        info_confirmed_on=DAY,
    )
    no_hours = SiteFactory(
        organisation=organisation,
        name="Sans horaires",
        commune=lyon8,
        postal_code="69008",
        opening_hours="",
        info_confirmed_on=DAY,
    )
    wrong = SiteFactory(
        organisation=organisation,
        name="Mal placé",
        commune=lyon8,
        postal_code="42000",  # Saint-Étienne's
        opening_hours="Mo-Fr 09:00-12:00",  # no PH
        info_confirmed_on=datetime.date(2026, 1, 5),
    )
    bus = SiteFactory(
        organisation=organisation,
        name="Bus",
        kind="mobile",
        commune=lyon8,
        postal_code="69008",
        opening_hours="Mo 09:00-12:00; PH off",
        info_confirmed_on=DAY,
    )
    stop = Stop.objects.create(
        site=bus, commune=saint_etienne, place="Place du marché", schedule="Mo 09:00-12:00"
    )
    return network, {"good": good, "no_hours": no_hours, "wrong": wrong, "bus": bus}, stop


def _by_code(findings, code):
    return [f for f in findings if f.code == code]


def test_live_checks_each_with_its_link(network_sites):
    network, sites, stop = network_sites
    import_record_save(
        kind=ImportKind.FRANCE_SERVICES,
        file_name="liste.csv",
        rows=2845,
        rejected=[Problem(2840, "insee_com", "97801", "code INSEE inconnu")],
    )
    findings = data_quality_findings(network=network, on=DAY)
    (no_hours,) = _by_code(findings, "site.no_hours")
    assert no_hours.where == f"Sans horaires (id {sites['no_hours'].pk})"
    assert no_hours.link == reverse("network:site_hours", args=[sites["no_hours"].pk])
    (holiday,) = _by_code(findings, "site.no_holiday_rule")
    assert "Mal placé" in holiday.where and "PH off" in holiday.fix
    (stale,) = _by_code(findings, "site.stale")
    assert stale.why == "confirmées le 05/01/2026, il y a plus de 6 mois"
    assert stale.link == reverse("network:site_detail", args=[sites["wrong"].pk])
    (geography,) = _by_code(findings, "site.geography_mismatch")
    assert "le code postal 42000 ne dessert pas Lyon 8e Arrondissement" in geography.why
    assert geography.link == reverse("network:site_edit", args=[sites["wrong"].pk])
    (outside,) = _by_code(findings, "stop.outside_territory")
    assert "dans le département 42, le point d'accueil dans le 69" in outside.why
    assert outside.link == reverse("network:stop_edit", args=[sites["bus"].pk, stop.pk])
    (rejected,) = _by_code(findings, "import.rejected_row")
    assert "liste.csv" in rejected.where and "ligne 2840" in rejected.where
    assert rejected.why == "« 97801 » : code INSEE inconnu"
    assert not [f for f in findings if "Bien tenu" in f.where]


def test_a_long_list_is_capped_and_says_how_many_more(network_sites):
    network, sites, _stop = network_sites
    organisation = sites["good"].organisation
    Site.objects.bulk_create(
        [Site(organisation=organisation, name=f"Sans horaires {i:03}") for i in range(PER_CHECK)]
    )
    findings = _by_code(data_quality_findings(network=network, on=DAY), "site.no_hours")
    assert len(findings) == PER_CHECK + 1
    assert findings[-1].where == "1 autres points d'accueil"


def test_the_quality_page_and_the_command_show_the_links(network_sites, client, tmp_path):
    network, sites, _stop = network_sites
    head = MembershipFactory(role=Role.NETWORK_ADMIN, network=network).user
    client.force_login(head)
    html = client.get(reverse("labels:quality"), {"reseau": network.slug}).content.decode()
    assert f'href="{reverse("network:site_hours", args=[sites["no_hours"].pk])}"' in html
    out = io.StringIO()
    path = tmp_path / "constats.csv"
    call_command("check_data", network=network.slug, csv=str(path), stdout=out)
    link = reverse("network:site_hours", args=[sites["no_hours"].pk])
    assert f"→{link}" in re.sub(r"[\s│]", "", out.getvalue())  # the table folds long cells
    assert f"/reseau/points-d-accueil/{sites['no_hours'].pk}/horaires/" in path.read_text()


def test_the_places_import_records_its_rejected_rows():
    from maillon.directory.models import ImportRecord
    from maillon.directory.services import places_import
    from tests.directory.test_opendata import example_row

    places_import(rows=[(2, {**example_row(), "code_postal": "ABCDE"})], default_source="autre")
    record = ImportRecord.objects.get(kind=ImportKind.PLACES)
    assert (record.file_name, record.rows) == ("autre", 1)
    assert record.rejected[0]["column"] == "code_postal"
