"""In a real browser, keyboard only: a manager edits a site's hours with the editor and sees
the public page updated; he invites an agent who accepts and lands on the desk of that site;
the network head's journal shows both changes."""

import re

import pytest
from django.core import mail

from maillon.accounts import invitations
from maillon.accounts.enums import Role
from maillon.geo.selectors import commune_get
from maillon.geo.services import geo_import
from maillon.network.models import NetworkMembership, Site
from tests.factories import (
    DEFAULT_PASSWORD,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    SiteFactory,
    manager_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.goto("/compte/connexion/")
    page.get_by_label("Identifiant").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/compte/$"))


def replace_text(page, text: str) -> None:
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_hours_invitation_and_journal(page, browser, live_server):
    geo_import()
    network = NetworkFactory()
    organisation = OrganisationFactory(name="PIMMS Lyon")
    NetworkMembership.objects.create(network=network, organisation=organisation)
    lyon8 = commune_get(code="69388")
    site = SiteFactory(
        organisation=organisation,
        name="PIMMS Lyon 8e",
        postal_code="69008",
        commune=lyon8,
        opening_hours="Mo-Fr 09:00-12:00",
    )
    manager = manager_of(organisation)
    head = MembershipFactory(role=Role.NETWORK_ADMIN, network=network).user

    # 1. the manager edits the hours with the keyboard and sees the live preview
    log_in(page, manager.username)
    page.goto(f"/reseau/points-d-accueil/{site.pk}/horaires/")
    page.get_by_label("Mardi").focus()
    replace_text(page, "9h-12h, 13h30-17h")
    page.keyboard.press("Tab")  # to Wednesday
    page.keyboard.press("Tab")  # to Thursday
    page.keyboard.press("Tab")  # to Friday
    page.keyboard.press("Tab")  # to Saturday
    replace_text(page, "9h30-12h")
    preview = page.locator("#hours-preview")
    preview.get_by_text("samedi 9 h 30–12 h").wait_for()  # refreshed live (htmx)
    assert "21 h d'ouverture par semaine" in preview.inner_text()
    page.get_by_label("Samedi").focus()
    page.keyboard.press("Enter")  # the form's default button saves
    page.wait_for_url(re.compile(rf"/reseau/points-d-accueil/{site.pk}/$"))
    assert page.get_by_text("Les horaires ont été enregistrés.").is_visible()
    assert Site.objects.get(pk=site.pk).opening_hours == (
        "Mo,We-Fr 09:00-12:00; Tu 09:00-12:00,13:30-17:00; Sa 09:30-12:00; PH off"
    )  # « fermé les jours fériés », the editor's explicit default

    page.goto(f"/lieux/{site.pk}/")
    saturday = page.get_by_role("row", name=re.compile("^Samedi"))
    assert "9 h 30–12 h" in saturday.inner_text()

    # 2. he invites an agent on this site
    page.goto(f"/compte/structures/{organisation.pk}/membres/")
    page.get_by_label("Courriel de la personne invitée").focus()
    page.keyboard.type("agent.nouveau@example.org")
    page.keyboard.press("Tab")  # role: agent is the default
    page.keyboard.press("Tab")
    page.get_by_label("Point d'accueil").select_option(label="PIMMS Lyon 8e")
    page.get_by_label("Courriel de la personne invitée").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Invitation envoyée à agent.nouveau@example.org.").wait_for()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/compte/invitation/\S+/)", mail.outbox[0].body)[1]

    # 3. the agent accepts in his own browser and lands on the desk of that site
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    agent_page = context.new_page()
    agent_page.set_default_timeout(10_000)
    agent_page.goto(link)
    agent_page.get_by_label("Prénom").focus()
    agent_page.keyboard.type("Camille")
    agent_page.keyboard.press("Tab")
    agent_page.keyboard.type("Martin")
    agent_page.keyboard.press("Tab")
    replace_text(agent_page, "camille")
    agent_page.keyboard.press("Tab")
    agent_page.keyboard.type("un-Mot-de-passe-solide-42")
    agent_page.keyboard.press("Tab")
    agent_page.keyboard.type("un-Mot-de-passe-solide-42")
    agent_page.keyboard.press("Enter")
    agent_page.wait_for_url(re.compile(re.escape(invitations.desk_url(site)) + "$"))
    assert agent_page.get_by_text("Bienvenue : vous avez rejoint PIMMS Lyon 8e.").is_visible()
    context.close()

    # 4. the network head reads both in the journal
    page.get_by_role("button", name=re.compile("Se déconnecter")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    log_in(page, head.username)
    page.goto("/journal/")
    journal = page.locator("table.journal").inner_text()
    assert "Horaires (syntaxe OpenStreetMap)" in journal
    assert "Sa 09:30-12:00" in journal
    assert "acceptation" in journal
    assert "invitation" in journal
    assert "agent.nouveau@example.org" in journal


def test_address_postal_code_lists_communes_and_map_sets_coordinates(page):
    geo_import()
    organisation = OrganisationFactory(name="PIMMS Lyon")
    lyon8 = commune_get(code="69388")
    site = SiteFactory(
        organisation=organisation,
        name="PIMMS Lyon 8e",
        postal_code="69008",
        commune=lyon8,
        latitude=lyon8.latitude,
        longitude=lyon8.longitude,
    )
    manager = manager_of(organisation)
    log_in(page, manager.username)
    page.goto(f"/reseau/points-d-accueil/{site.pk}/modifier/")
    assert page.locator("#site-map .leaflet-marker-icon").count() == 1  # the small map is shown
    page.get_by_label("Code postal").focus()
    replace_text(page, "69100")
    commune = page.get_by_label("Commune")
    page.locator("#id_commune option", has_text="Villeurbanne").wait_for(state="attached")
    assert "Villeurbanne" in commune.inner_text()
    page.locator("#site-map").click(position={"x": 450, "y": 220})  # adjust the point on the map
    assert page.get_by_label("Latitude").input_value() != str(lyon8.latitude)
    page.get_by_label("Code postal").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/reseau/points-d-accueil/{site.pk}/$"))
    saved = Site.objects.get(pk=site.pk)
    assert saved.commune.name == "Villeurbanne"
    assert saved.latitude != lyon8.latitude
