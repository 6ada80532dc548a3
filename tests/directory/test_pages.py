"""The public pages over HTTP: no account, French messages, light pages, locked query counts."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.urls import reverse

from maillon.geo.models import Commune
from maillon.labels.enums import FRANCE_SERVICES
from maillon.labels.models import LabelDecision, LabelProgramme
from maillon.network.enums import SiteKind
from maillon.network.models import Agreement, Partner, Site, Stop
from tests.directory.conftest import TUESDAY_MORNING
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db
PAGE_BUDGET = 200 * 1024


def text_of(response) -> str:
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#x27;", "'")


@pytest.mark.usefixtures("france_services")
class TestSearchPage:
    def test_home_without_account(self, client):
        response = client.get(reverse("directory:home"))
        assert response.status_code == 200
        assert "2 845 points d'accueil dans l'annuaire" in text_of(response).replace("\u202f", " ")

    @time_machine.travel(TUESDAY_MORNING, tick=False)
    def test_saint_etienne_results_with_distance_and_open_now(self, client):
        response = client.get(reverse("directory:home"), {"q": "saint etienne"})
        text = text_of(response)
        assert "points d'accueil — Saint-Étienne (42)" in text
        first = re.search(r'<li class="result card".*?</li>', response.content.decode(), re.S)
        assert "Saint-Étienne" in first.group(0) and "à " in first.group(0)
        assert "Ouvert maintenant" in first.group(0)
        assert 'data-lat="' in first.group(0)  # for the map

    def test_query_count_is_locked(self, client, django_assert_num_queries):
        url = reverse("directory:home")
        client.get(url, {"q": "saint etienne"})  # warm the per-process indexes
        # candidates, label stamp, page of sites (the communes of a place searched before and
        # the partners of the form are remembered)
        with django_assert_num_queries(3):
            client.get(url, {"q": "saint etienne"})
        # + the communes of a postal code not searched before, the partner and its agreements
        with django_assert_num_queries(6):
            client.get(url, {"q": "42000", "partenaire": "caf"})

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            (
                {"q": "Sant-Etienne"},
                "Aucune commune ne correspond à « Sant-Etienne » — vouliez-vous dire "
                "Saint-Étienne ?",
            ),
            ({"q": "99999"}, "Le code postal « 99999 » n'existe pas."),
            ({"lat": "40.7", "lon": "-74.0"}, "est hors de France"),
            ({"q": "Brest", "rayon": "10000"}, "La distance « 10000 km » n'est pas possible"),
            ({"q": "Brest", "rayon": "abc"}, "La distance « abc km » n'est pas possible"),
            ({"lat": "abc", "lon": "4"}, "La position transmise n'est pas lisible"),
            ({"lat": "95", "lon": "4"}, "est impossible"),
            ({"q": "Brest", "partenaire": "inconnu"}, "Le partenaire « inconnu » est inconnu"),
            ({"q": "Brest", "page": "x"}, "points d'accueil — Brest (29)"),
            ({"commune": "ZZZZZ"}, "Aucune commune n'a le code INSEE « ZZZZZ »."),
        ],
        ids=[
            "typo",
            "postal-code",
            "outside-france",
            "radius",
            "radius-text",
            "position-text",
            "position-range",
            "partner",
            "page",
            "insee",
        ],
    )
    def test_bad_input_never_fails(self, client, params, message):
        response = client.get(reverse("directory:home"), params)
        assert response.status_code == 200
        assert message in text_of(response)

    def test_typo_offers_a_link_to_the_right_commune(self, client):
        response = client.get(reverse("directory:home"), {"q": "Sant-Etienne"})
        assert 'href="?commune=42218"' in response.content.decode()
        followed = client.get(reverse("directory:home"), {"commune": "42218"})
        assert "Saint-Étienne (42)" in text_of(followed)

    def test_pages_are_light(self, client):
        html = client.get(reverse("directory:home"), {"q": "Paris"}).content
        assets = sum(
            Path(finders.find(path)).stat().st_size
            for path in (
                "maillon/maillon.css",
                "maillon/map.js",
                "directory/directory.css",
                "directory/directory.js",
            )
        )
        assert len(html) + assets < PAGE_BUDGET / 4
        site = Site.objects.filter(commune__code="42218").first()
        assert len(client.get(reverse("directory:site", args=[site.pk])).content) < 20_000

    def test_pagination_links_keep_the_search(self, client):
        response = client.get(reverse("directory:home"), {"q": "Paris", "samedi": "on"})
        html = response.content.decode()
        assert "Page 1 sur" in text_of(response)
        assert 'href="?q=Paris&amp;samedi=on&amp;page=2"' in html


@time_machine.travel(datetime.datetime(2026, 12, 21, 10, 0, tzinfo=TUESDAY_MORNING.tzinfo))
def test_site_page_hours_label_partners_closures(client):
    site = SiteFactory(
        name="PIMMS de Test",
        commune=Commune.objects.get(code="42218", kind="COM"),
        postal_code="42000",
        latitude=45.43,
        longitude=4.39,
        phone="04 77 00 00 00",
        opening_hours="Mo-Fr 09:00-12:00,13:30-17:00; PH off",
    )
    programme = LabelProgramme.objects.get(slug=FRANCE_SERVICES)
    LabelDecision.objects.create(
        site=site,
        programme=programme,
        outcome="granted",
        effective_date=datetime.date(2020, 9, 1),
        effective_latest=datetime.date(2020, 9, 1),
        source="test",
    )
    Agreement.objects.create(
        partner=Partner.objects.get(code="edf"),
        organisation=site.organisation,
        start_date=datetime.date(2024, 1, 1),
    )
    response = client.get(reverse("directory:site", args=[site.pk]))
    html = response.content.decode()
    text = text_of(response)
    assert "<title>PIMMS de Test — Saint-Étienne — Maillon</title>" in html
    assert "France Services depuis le 1er septembre 2020" in text
    assert re.search(r'<tr class="today" aria-current="date"><th scope="row">Lundi', html)
    assert "Ouvert maintenant" in text
    assert "vendredi 25 décembre 2026 : fermé (jour férié : Noël)" in text
    assert "EDF" in text and "Caisse d'allocations familiales" in text
    assert 'href="tel:0477000000"' in html
    assert "openstreetmap.org/directions?to=45.43000%2C4.39000" in html


@time_machine.travel(TUESDAY_MORNING, tick=False)
def test_mobile_site_page_lists_its_next_stops(client):
    commune = Commune.objects.get(code="42218", kind="COM")
    bus = SiteFactory(name="Bus France Services", kind=SiteKind.MOBILE, commune=commune)
    Stop.objects.create(
        site=bus, commune=commune, place="Place du marché", schedule="Th 09:00-12:00"
    )
    Stop.objects.create(site=bus, commune=commune, place="Mairie", schedule="We 14:00-17:00")
    text = text_of(client.get(reverse("directory:site", args=[bus.pk])))
    assert "Prochains arrêts" in text
    assert text.index("Mairie") < text.index("Place du marché")  # Wednesday before Thursday
    assert "prochain passage : demain à 14 h" in text


def test_private_or_missing_site_is_404(client):
    hidden = SiteFactory(is_public=False)
    assert client.get(reverse("directory:site", args=[hidden.pk])).status_code == 404
    assert client.get("/lieux/999999/").status_code == 404


def test_open_data_page_and_downloads(client):
    site = SiteFactory(commune=Commune.objects.get(code="42218", kind="COM"), postal_code="42000")
    page = client.get(reverse("directory:open_data"))
    assert "Licence Ouverte" in text_of(page)
    csv_file = client.get("/donnees/lieux-mediation-numerique.csv")
    assert csv_file["Content-Type"].startswith("text/csv")
    assert csv_file.content.decode().startswith("id,pivot,nom,commune,code_postal")
    rows = client.get("/donnees/lieux-mediation-numerique.json").json()
    mine = next(row for row in rows if row["id"] == f"maillon-{site.pk}")
    assert (mine["commune"], mine["code_insee"]) == ("Saint-Étienne", "42218")
    assert client.get("/donnees/lieux-mediation-numerique.xml").status_code == 404
