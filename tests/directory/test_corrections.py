"""Freshness of a site's public information (confirmed on, reminders) and citizens' error
reports (public form, rate limit, inbox of the managers and the network head, journal)."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from maillon.accounts.enums import Role
from maillon.directory.corrections import months_before, stale_sites
from maillon.directory.models import DirectoryPolicy, ErrorReport
from maillon.journal.models import JournalEntry
from maillon.network.models import NetworkMembership, Site
from tests.directory.test_pages import text_of
from tests.factories import (
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    SiteFactory,
    agent_of,
    manager_of,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world():
    network = NetworkFactory()
    mine, other = OrganisationFactory(), OrganisationFactory()
    for organisation in (mine, other):
        NetworkMembership.objects.create(network=network, organisation=organisation)
    site, foreign = SiteFactory(organisation=mine), SiteFactory(organisation=other)
    manager = manager_of(mine, user__email="gestion@example.org")
    head = MembershipFactory(
        role=Role.NETWORK_ADMIN, network=network, user__email="tete@example.org"
    ).user
    return {
        "network": network,
        "site": site,
        "foreign": foreign,
        "manager": manager,
        "other_manager": manager_of(other, user__email="autre@example.org"),
        "head": head,
        "agent": agent_of(site),
    }


def test_months_before_keeps_the_day_or_the_end_of_month():
    assert months_before(datetime.date(2026, 12, 3), 6) == datetime.date(2026, 6, 3)
    assert months_before(datetime.date(2026, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 3, 15), 15) == datetime.date(2024, 12, 15)


@time_machine.travel(TODAY, tick=False)
def test_a_manager_confirms_in_one_click_and_the_public_page_shows_it(world, client):
    site = world["site"]
    public = client.get(reverse("directory:site", args=[site.pk]))
    assert "Informations pas encore confirmées par le gestionnaire." in text_of(public)
    client.force_login(world["manager"])
    detail = client.get(reverse("network:site_detail", args=[site.pk]))
    assert "Confirmer les informations publiques" in text_of(detail)
    response = client.post(reverse("corrections:site_confirm", args=[site.pk]))
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.info_confirmed_on == datetime.date(2026, 12, 3)
    entry = JournalEntry.objects.get(object_id=str(site.pk), changes__has_key="info_confirmed_on")
    assert entry.actor == world["manager"] and entry.note == "Informations publiques confirmées"
    client.logout()
    public = client.get(reverse("directory:site", args=[site.pk]))
    assert "Informations confirmées par le gestionnaire le 3 décembre 2026." in text_of(public)


def test_an_agent_or_another_manager_cannot_confirm(world, client):
    for user in (world["agent"], world["other_manager"]):
        client.force_login(user)
        response = client.post(reverse("corrections:site_confirm", args=[world["site"].pk]))
        assert response.status_code == 404
    assert Site.objects.get(pk=world["site"].pk).info_confirmed_on is None


@time_machine.travel(TODAY, tick=False)
def test_stale_sites_follow_the_network_policy_and_managers_are_reminded(world):
    site, foreign = world["site"], world["foreign"]
    Site.objects.filter(pk=site.pk).update(info_confirmed_on=datetime.date(2026, 9, 1))
    Site.objects.filter(pk=foreign.pk).update(info_confirmed_on=datetime.date(2026, 5, 1))
    day = datetime.date(2026, 12, 3)
    assert list(stale_sites(network=world["network"], day=day)) == [foreign]  # 6 months
    DirectoryPolicy.objects.create(network=world["network"], stale_after_months=2)
    assert set(stale_sites(network=world["network"], day=day)) == {site, foreign}

    out = io.StringIO()
    call_command("remind_stale_sites", base_url="https://maillon.example.org", stdout=out)
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {"gestion@example.org", "autre@example.org", "tete@example.org"}
    assert f"https://maillon.example.org/reseau/points-d-accueil/{site.pk}/" in (
        sent["gestion@example.org"].body
    )
    assert foreign.name not in sent["gestion@example.org"].body
    assert sent["tete@example.org"].subject == "2 points d'accueil à reconfirmer"
    assert "3 destinataires, 3 courriels envoyés" in " ".join(out.getvalue().split())


def test_cli_maps_remind_stale_sites():
    from maillon.cli import command_argv

    assert command_argv(["maillon", "remind", "stale-sites", "--dry-run"]) == [
        "maillon",
        "remind_stale_sites",
        "--dry-run",
    ]


# --- error reports -----------------------------------------------------------------------------


def test_a_citizen_reports_an_error_and_the_managers_are_told(
    world, client, django_capture_on_commit_callbacks
):
    site = world["site"]
    page = client.get(reverse("directory:site", args=[site.pk]))
    assert reverse("directory:error_report", args=[site.pk]) in page.content.decode()
    url = reverse("directory:error_report", args=[site.pk])
    assert "Signaler une erreur" in text_of(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"topic": "hours", "message": "Fermé le mercredi après-midi.", "email": ""}
        )
    assert response.status_code == 302
    assert "Merci ! Votre signalement a été transmis" in text_of(client.get(response["Location"]))
    report = ErrorReport.objects.get()
    assert (report.site, report.topic) == (site, "hours")
    assert sorted(mail.outbox[0].to) == ["gestion@example.org", "tete@example.org"]
    assert "Fermé le mercredi après-midi." in mail.outbox[0].body


def test_the_form_explains_its_errors_and_robots_are_dropped(world, client):
    url = reverse("directory:error_report", args=[world["site"].pk])
    response = client.post(url, {"topic": "", "message": "x"})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in text_of(response)
    response = client.post(url, {"topic": "hours", "message": "Mauvais horaires", "website": "x"})
    assert response.status_code == 302 and not ErrorReport.objects.exists()


def test_the_form_is_rate_limited_and_csrf_protected(world, settings):
    settings.MAILLON_ERROR_REPORT_RATE = "2/h"
    client = Client(enforce_csrf_checks=True)
    url = reverse("directory:error_report", args=[world["site"].pk])
    assert client.post(url, {"topic": "hours", "message": "Sans jeton"}).status_code == 403
    client.get(url)
    token = client.cookies["csrftoken"].value
    data = {"topic": "hours", "message": "Mauvais horaires", "csrfmiddlewaretoken": token}
    statuses = [client.post(url, data).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert ErrorReport.objects.count() == 2


def test_a_hidden_site_has_no_report_form(world, client):
    Site.objects.filter(pk=world["site"].pk).update(is_public=False)
    url = reverse("directory:error_report", args=[world["site"].pk])
    assert client.get(url).status_code == 404


def test_the_inbox_shows_managers_their_sites_reports_only(world, client):
    mine = ErrorReport.objects.create(site=world["site"], topic="hours", message="Horaires faux")
    theirs = ErrorReport.objects.create(
        site=world["foreign"], topic="address", message="Mauvaise adresse"
    )
    client.force_login(world["manager"])
    inbox = text_of(client.get(reverse("corrections:inbox")))
    assert "Horaires faux" in inbox and "Mauvaise adresse" not in inbox
    assert client.get(reverse("corrections:report", args=[theirs.pk])).status_code == 404
    client.force_login(world["head"])
    inbox = text_of(client.get(reverse("corrections:inbox")))
    assert "Horaires faux" in inbox and "Mauvaise adresse" in inbox
    client.force_login(world["agent"])
    assert "Horaires faux" not in text_of(client.get(reverse("corrections:inbox")))
    assert client.get(reverse("corrections:report", args=[mine.pk])).status_code == 404


def test_handling_a_report_is_journaled(world, client):
    report = ErrorReport.objects.create(site=world["site"], topic="hours", message="Horaires faux")
    client.force_login(world["manager"])
    url = reverse("corrections:report", args=[report.pk])
    response = client.post(url, {"note": "Horaires corrigés"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.handled_by == world["manager"] and report.handled_note == "Horaires corrigés"
    entry = JournalEntry.objects.get(object_id=str(report.pk), note="Signalement d'erreur traité")
    assert entry.site_id == world["site"].pk and entry.actor == world["manager"]
    assert "Horaires faux" not in text_of(client.get(reverse("corrections:inbox")))
    handled = text_of(client.get(reverse("corrections:inbox"), {"traites": "1"}))
    assert "Horaires faux" in handled
    assert "Traité le" in text_of(client.get(url))
