"""Back-office: a manager keeps his sites, hours, stops and agreements true."""

import datetime
import html

import pytest
import time_machine
from django.urls import reverse

from maillon.geo.selectors import commune_get
from maillon.journal.enums import JournalAction
from maillon.journal.models import JournalEntry
from maillon.network import services
from maillon.network.models import Agreement, Site, Stop
from tests.factories import PartnerFactory
from tests.journal.world import make_world

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def world():
    return make_world()


def site_form_data(site: Site, **overrides) -> dict:
    data = {
        "version": site.version,
        "name": site.name,
        "kind": site.kind,
        "address": site.address,
        "address_complement": "",
        "postal_code": site.postal_code,
        "commune": site.commune_id,
        "latitude": site.latitude if site.latitude is not None else "",
        "longitude": site.longitude if site.longitude is not None else "",
        "phone": "",
        "email": "",
        "appointment_url": "",
        "appointment_required": "unknown",
        "wheelchair_accessible": "unknown",
        "public_note": "",
        "is_public": "on",
    }
    data.update(overrides)
    return data


def hours_data(version: int, **days) -> dict:
    data = {"version": version, "public_holidays": "closed", "holiday_hours": ""}
    for code in ("mo", "tu", "we", "th", "fr", "sa", "su"):
        data[code] = days.get(code, "")
    return data


# --- site identity, address, contact -----------------------------------------------------------


def test_manager_moves_a_site_to_another_commune_and_coordinates_follow(client, world):
    client.force_login(world.manager_a)
    villeurbanne = commune_get(code="69266")
    response = client.post(
        reverse("network:site_edit", args=[world.site_a.pk]),
        site_form_data(
            world.site_a,
            postal_code="69100",
            commune=villeurbanne.pk,
            phone="04 78 00 00 00",
            appointment_url="https://rdv.example.org/pimms",
            wheelchair_accessible="true",
        ),
    )
    assert response.status_code == 302
    site = Site.objects.get(pk=world.site_a.pk)
    assert site.commune == villeurbanne
    assert (site.latitude, site.longitude) == (villeurbanne.latitude, villeurbanne.longitude)
    assert site.wheelchair_accessible is True
    assert site.version == 2
    entry = JournalEntry.objects.for_object(site).get()
    assert entry.actor == world.manager_a
    assert entry.action == JournalAction.UPDATE
    assert entry.changes["commune"] == [
        "Lyon 8e Arrondissement (69388)",
        "Villeurbanne (69266)",
    ]
    assert entry.changes["phone"] == ["", "04 78 00 00 00"]
    assert entry.site_id == site.pk and entry.organisation_id == world.org_a.pk


def test_adjusted_coordinates_are_kept(client, world):
    client.force_login(world.manager_a)
    client.post(
        reverse("network:site_edit", args=[world.site_a.pk]),
        site_form_data(world.site_a, latitude="45.7342", longitude="4.8695"),
    )
    site = Site.objects.get(pk=world.site_a.pk)
    assert (site.latitude, site.longitude) == (45.7342, 4.8695)


def test_commune_not_served_by_the_postal_code_is_refused_at_the_field(client, world):
    client.force_login(world.manager_a)
    villeurbanne = commune_get(code="69266")
    response = client.post(
        reverse("network:site_edit", args=[world.site_a.pk]),
        site_form_data(world.site_a, postal_code="69008", commune=villeurbanne.pk),
    )
    assert response.status_code == 200
    assert "ne correspond pas au code postal" in text(response)
    assert 'aria-describedby="id_commune_error"' in text(response)
    assert Site.objects.get(pk=world.site_a.pk).commune_id == world.site_a.commune_id
    assert not JournalEntry.objects.exists()


def test_postal_code_lists_its_communes_for_htmx_and_without_javascript(client, world):
    client.force_login(world.manager_a)
    options = client.get(reverse("network:communes"), {"postal_code": "42000"}).content.decode()
    assert "Saint-Étienne" in options
    response = client.post(
        reverse("network:site_edit", args=[world.site_a.pk]),
        site_form_data(world.site_a, postal_code="69100", commune="", _communes="1"),
    )
    page = text(response)
    assert response.status_code == 200
    assert "Villeurbanne" in page
    assert "errorlist" not in page
    assert Site.objects.get(pk=world.site_a.pk).version == 1


def test_second_concurrent_save_is_refused_and_overwrites_nothing(client, world):
    client.force_login(world.manager_a)
    url = reverse("network:site_edit", args=[world.site_a.pk])
    stale = site_form_data(world.site_a, phone="01 11 11 11 11")
    first = client.post(url, site_form_data(world.site_a, phone="04 72 72 72 72"))
    assert first.status_code == 302
    second = client.post(url, stale)
    assert second.status_code == 200
    assert "modifié entre-temps" in second.content.decode()
    site = Site.objects.get(pk=world.site_a.pk)
    assert site.phone == "04 72 72 72 72"
    assert site.version == 2
    assert JournalEntry.objects.for_object(site).count() == 1


def test_site_update_service_refuses_a_stale_version(world):
    with pytest.raises(services.ConcurrentModification):
        services.site_update(
            actor=world.manager_a, site=world.site_a, data={"phone": "1"}, expected_version=7
        )


def test_manager_creates_a_site_in_his_organisation(client, world):
    client.force_login(world.manager_a)
    lyon3 = commune_get(code="69383")
    response = client.post(
        reverse("network:site_create", args=[world.org_a.pk]),
        site_form_data(
            Site(name="Antenne Lyon 3e", kind="antenna", address="1 place Guichard"),
            version=1,
            postal_code="69003",
            commune=lyon3.pk,
        ),
    )
    assert response.status_code == 302
    site = Site.objects.get(name="Antenne Lyon 3e")
    assert site.organisation == world.org_a
    assert site.latitude == lyon3.latitude
    assert JournalEntry.objects.for_object(site).get().action == JournalAction.CREATE


# --- organisation identity --------------------------------------------------------------------


def test_invalid_siret_is_refused_at_the_field(client, world):
    client.force_login(world.manager_a)
    response = client.post(
        reverse("network:organisation_edit", args=[world.org_a.pk]),
        {"name": "PIMMS Lyon", "siret": "12345678901234", "kind": "association"},
    )
    assert response.status_code == 200
    assert "clé de contrôle" in text(response)
    world.org_a.refresh_from_db()
    assert world.org_a.siret == ""


def test_valid_siret_is_saved_and_journalled(client, world):
    client.force_login(world.manager_a)
    response = client.post(
        reverse("network:organisation_edit", args=[world.org_a.pk]),
        {"name": "PIMMS Lyon", "siret": "732 829 320 00074", "kind": "association"},
    )
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    assert world.org_a.siret == "73282932000074"
    assert JournalEntry.objects.for_object(world.org_a).get().changes["siret"] == [
        "",
        "73282932000074",
    ]


def test_organisation_page_lists_its_sites_only(client, world):
    client.force_login(world.manager_a)
    page = client.get(reverse("network:organisation_detail", args=[world.org_a.pk])).content
    assert "PIMMS Lyon 8e" in page.decode()
    assert "Saint-Étienne centre" not in page.decode()


# --- opening hours editor ---------------------------------------------------------------------


def test_hours_editor_stores_osm_and_the_public_page_shows_it(client, world):
    client.force_login(world.manager_a)
    response = client.post(
        reverse("network:site_hours", args=[world.site_a.pk]),
        {
            **hours_data(
                1, mo="9h-12h, 13h30-17h", tu="9h-12h, 13h30-17h", we="9h-12h", sa="9h30-12h"
            ),
            "exc0_start": "2026-08-03",
            "exc0_end": "2026-08-21",
            "exc0_label": "congés d'été",
        },
    )
    assert response.status_code == 302
    site = Site.objects.get(pk=world.site_a.pk)
    assert site.opening_hours == (
        "Mo,Tu 09:00-12:00,13:30-17:00; We 09:00-12:00; Sa 09:30-12:00; PH off; "
        '2026 Aug 03-2026 Aug 21 off "congés d\'été"'
    )
    public = client.get(reverse("directory:site", args=[site.pk])).content.decode()
    assert "9 h 30–12 h" in public
    entry = JournalEntry.objects.for_object(site).get()
    assert entry.changes["opening_hours"][1] == site.opening_hours


def test_hours_editor_reads_back_what_it_wrote(client, world):
    world.site_a.opening_hours = 'Mo-Fr 09:00-12:00; PH 10:00-12:00; 2026 Dec 24 off "Noël"'
    world.site_a.save()
    client.force_login(world.manager_a)
    page = client.get(reverse("network:site_hours", args=[world.site_a.pk])).content.decode()
    assert 'value="09:00-12:00"' in page
    assert 'value="2026-12-24"' in page
    assert 'value="Noël"' in page
    assert 'value="hours" id="id_public_holidays_2" checked' in page or "checked" in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9h-12h, 11h-14h", "se chevauchent"),
        ("14h-12h", "la fin doit suivre le début"),
        ("le matin", "n'est pas une plage horaire"),
    ],
    ids=["overlap", "end-before-start", "not-a-range"],
)
def test_bad_hours_are_refused_at_the_day(client, world, typed, message):
    client.force_login(world.manager_a)
    response = client.post(
        reverse("network:site_hours", args=[world.site_a.pk]), hours_data(1, tu=typed)
    )
    page = text(response)
    assert response.status_code == 200
    assert message in page
    assert 'aria-describedby="id_tu_helptext id_tu_error"' in page
    assert Site.objects.get(pk=world.site_a.pk).opening_hours == world.site_a.opening_hours


def test_a_closure_in_the_reference_week_reads_back_as_saved(client, world):
    """The usual week is read on the week of 2025-03-10: an exception that day once came back
    as "open every Monday" in the form, the preview and the next save."""
    client.force_login(world.manager_a)
    url = reverse("network:site_hours", args=[world.site_a.pk])
    typed = {**hours_data(1, tu="9h-12h"), "exc0_start": "2025-03-10", "exc0_hours": "0h15-0h30"}
    assert client.post(url, typed).status_code == 302
    expression = "Tu 09:00-12:00; PH off; 2025 Mar 10 00:15-00:30"
    assert Site.objects.get(pk=world.site_a.pk).opening_hours == expression

    page = client.get(url)
    assert page.context["form"].initial["mo"] == ""
    assert page.context["preview_lines"][0] == ("lundi", "fermé")
    assert client.post(url, {**typed, "version": 2}).status_code == 302
    assert Site.objects.get(pk=world.site_a.pk).opening_hours == expression


def test_an_exception_before_1900_is_refused_and_nothing_is_stored(client, world):
    client.force_login(world.manager_a)
    response = client.post(
        reverse("network:site_hours", args=[world.site_a.pk]),
        {**hours_data(1, mo="9h-12h"), "exc0_start": "0025-08-03"},
    )
    assert response.status_code == 200
    assert "Indiquez une date à partir de l'année 1900." in text(response)
    assert Site.objects.get(pk=world.site_a.pk).opening_hours == world.site_a.opening_hours


def test_hours_preview_renders_french_and_weekly_total(client, world):
    client.force_login(world.manager_a)
    response = client.post(
        reverse("network:site_hours_preview", args=[world.site_a.pk]),
        hours_data(1, mo="9h-12h, 14h-17h", fr="9h-12h"),
    )
    page = text(response)
    assert "Lundi 9 h–12 h, 14 h–17 h" in page
    assert "9 h d&#x27;ouverture par semaine" in page or "9 h d'ouverture par semaine" in page


def test_hours_preview_without_javascript(client, world):
    client.force_login(world.manager_a)
    response = client.post(
        reverse("network:site_hours", args=[world.site_a.pk]),
        {**hours_data(1, mo="10h-12h"), "_preview": "1"},
    )
    assert "Lundi 10 h–12 h" in text(response)
    assert Site.objects.get(pk=world.site_a.pk).version == 1


def test_concurrent_hours_save_is_refused(client, world):
    client.force_login(world.manager_a)
    url = reverse("network:site_hours", args=[world.site_a.pk])
    assert client.post(url, hours_data(1, mo="9h-12h")).status_code == 302
    response = client.post(url, hours_data(1, mo="14h-18h"))
    assert "modifié entre-temps" in text(response)
    assert Site.objects.get(pk=world.site_a.pk).opening_hours.startswith("Mo 09:00-12:00")


# --- stops -------------------------------------------------------------------------------------


def test_monthly_stop_second_and_fourth_monday(client, world):
    client.force_login(world.manager_a)
    givors = commune_get(code="69091")
    response = client.post(
        reverse("network:stop_list", args=[world.site_a.pk]),
        {
            "postal_code": "69700",
            "commune": givors.pk,
            "place": "Place de la mairie",
            "days": ["0"],
            "weeks": ["2", "4"],
            "hours_text": "9h-12h",
        },
    )
    assert response.status_code == 302
    stop = Stop.objects.get(site=world.site_a)
    assert stop.schedule == "Mo[2,4] 09:00-12:00"
    page = client.get(reverse("network:stop_list", args=[world.site_a.pk])).content.decode()
    assert "2e et 4e lundis du mois, 9 h–12 h" in page
    assert JournalEntry.objects.for_site(world.site_a.pk).filter(action="create").count() == 1


def test_stop_outside_the_sites_region_is_refused(client, world):
    client.force_login(world.manager_a)
    paris = commune_get(code="75101")
    response = client.post(
        reverse("network:stop_list", args=[world.site_a.pk]),
        {
            "postal_code": "75001",
            "commune": paris.pk,
            "place": "Place",
            "days": ["1"],
            "hours_text": "9h-12h",
        },
    )
    assert "hors de la région" in text(response)
    assert not Stop.objects.exists()


def test_stop_edit_and_delete_are_journalled(client, world):
    client.force_login(world.manager_a)
    givors = commune_get(code="69091")
    stop = services.stop_create(
        actor=world.manager_a,
        site=world.site_a,
        data={"commune": givors, "place": "Marché", "schedule": "Th 09:00-12:00"},
    )
    edit = client.get(reverse("network:stop_edit", args=[world.site_a.pk, stop.pk]))
    assert 'value="69700"' in edit.content.decode()
    response = client.post(
        reverse("network:stop_edit", args=[world.site_a.pk, stop.pk]),
        {
            "postal_code": "69700",
            "commune": givors.pk,
            "place": "Marché couvert",
            "days": ["3"],
            "weeks": ["-1"],
            "hours_text": "9h-12h",
        },
    )
    assert response.status_code == 302
    stop.refresh_from_db()
    assert stop.schedule == "Th[-1] 09:00-12:00"
    client.post(reverse("network:stop_delete", args=[world.site_a.pk, stop.pk]))
    assert not Stop.objects.exists()
    actions = list(JournalEntry.objects.for_site(world.site_a.pk).values_list("action", flat=True))
    assert actions == ["delete", "update", "create"]


# --- agreements and partners ------------------------------------------------------------------


def test_agreement_with_dates_and_scope(client, world):
    client.force_login(world.manager_a)
    caf = PartnerFactory(code="caf-test", name="CAF test", kind="national")
    response = client.post(
        reverse("network:agreement_list", args=[world.site_a.pk]),
        {"partner": caf.pk, "start_date": "2025-01-01", "end_date": "", "scope": "prestations"},
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(site=world.site_a)
    assert agreement.scope == "prestations"
    assert JournalEntry.objects.for_object(agreement).get().changes["partner"] == [None, "CAF test"]


@pytest.mark.parametrize(
    ("partner_kwargs", "start", "end", "message"),
    [
        ({}, "2025-06-01", "2025-01-01", "doit suivre son début"),
        ({"valid_until": datetime.date(2020, 12, 31)}, "2025-01-01", "", "plus valable"),
    ],
    ids=["end-before-start", "partner-expired"],
)
def test_bad_agreement_is_refused(client, world, partner_kwargs, start, end, message):
    client.force_login(world.manager_a)
    partner = PartnerFactory(**partner_kwargs)
    response = client.post(
        reverse("network:agreement_list", args=[world.site_a.pk]),
        {"partner": partner.pk, "start_date": start, "end_date": end, "scope": ""},
    )
    assert message in text(response)
    assert not Agreement.objects.exists()


def test_network_head_maintains_partners(client, world):
    client.force_login(world.head)
    response = client.post(
        reverse("network:partner_create"),
        {
            "name": "Enedis",
            "short_name": "",
            "code": "enedis-test",
            "kind": "local",
            "valid_from": "2024-01-01",
            "valid_until": "",
            "website": "",
            "owner": world.head.memberships.get().network.pk,
        },
    )
    assert response.status_code == 302
    entry = JournalEntry.objects.get(object_repr="Enedis")
    assert entry.organisation_id is None
    assert entry.action == JournalAction.CREATE


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=datetime.UTC), tick=False)
def test_public_page_announces_upcoming_closures(client, world):
    world.site_a.opening_hours = (
        'Mo-Fr 09:00-12:00; PH off; 2026 Jan 02 off "passé"; '
        '2026 Aug 03-2026 Aug 21 off "congés d\'été"; 2027 Jun 01 off "trop loin"'
    )
    world.site_a.save()
    page = text(client.get(reverse("directory:site", args=[world.site_a.pk])))
    assert "Fermetures et horaires exceptionnels à venir" in page
    assert "du 3 août 2026 au 21 août 2026 : fermé (congés d'été)" in page
    assert "passé" not in page
    assert "trop loin" not in page


def test_more_exception_rows_without_javascript_keep_what_was_typed(client, world):
    client.force_login(world.manager_a)
    response = client.post(
        reverse("network:site_hours", args=[world.site_a.pk]),
        {**hours_data(1, mo="9h-12h"), "exc0_start": "2026-12-24", "_more": "1"},
    )
    page = text(response)
    assert 'name="exc5_start"' in page
    assert 'value="2026-12-24"' in page
    assert 'value="9h-12h"' in page
    assert Site.objects.get(pk=world.site_a.pk).version == 1
