"""Error pages in French, with the shipped settings (DEBUG off): 400, 403, 404 and 500 say what
happened in the site's words and offer a way back; no technical detail. A locked visit says why
and who can correct it."""

import datetime

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.activity.factories import record_visit
from tests.factories import SiteFactory, UserFactory, agent_of, manager_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
ENGLISH = ("Not Found", "Bad Request", "Forbidden", "Server Error", "requested resource")


def _text(response) -> str:
    return response.content.decode()


def _assert_french_page_with_a_way_back(html: str) -> None:
    assert '<html lang="fr">' in html
    assert 'href="/"' in html
    for english in ENGLISH:
        assert english not in html
    assert "Traceback" not in html


def test_a_missing_page_answers_a_french_404_with_a_way_back(client, settings):
    assert settings.DEBUG is False
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = _text(response)
    assert "Page introuvable" in html
    assert "/cette-page-n-existe-pas/" in html
    assert 'href="/compte/connexion/"' in html
    _assert_french_page_with_a_way_back(html)


def test_a_logged_in_user_gets_back_to_his_space(client):
    client.force_login(UserFactory())
    html = _text(client.get("/cette-page-n-existe-pas/"))
    assert 'href="/compte/"' in html and "Mon espace" in html


def test_a_bad_request_answers_a_french_400(client):
    response = client.get("/", HTTP_HOST="hote-inconnu.example")
    assert response.status_code == 400
    html = _text(response)
    assert "Requête incorrecte" in html
    _assert_french_page_with_a_way_back(html)


def test_the_500_page_is_french_and_needs_neither_request_context_nor_database(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = _text(response)
    assert "Erreur du serveur" in html
    _assert_french_page_with_a_way_back(html)


def test_a_form_posted_without_its_csrf_token_answers_a_french_403():
    response = Client(enforce_csrf_checks=True).post("/compte/connexion/", {"username": "x"})
    assert response.status_code == 403
    html = _text(response)
    assert "formulaire a expiré" in html
    _assert_french_page_with_a_way_back(html)


def test_a_locked_visit_says_why_and_who_can_correct_it(client):
    site = SiteFactory(organisation__name="PIMMS Lyon")
    agent = agent_of(site)
    manager = manager_of(site.organisation, user__first_name="Awa", user__last_name="Diallo")
    with time_machine.travel(NOON, tick=False):
        visit = record_visit(agent, site)
    with time_machine.travel(NOON + datetime.timedelta(days=1), tick=False):
        client.force_login(agent)
        response = client.get(reverse("activity:visit_edit", args=[visit.pk]))
    assert response.status_code == 403
    html = _text(response)
    assert "Ce passage ne peut plus être modifié" in html
    assert "se modifie le jour même, par l&#x27;agent qui l&#x27;a enregistré" in html
    assert "puis pendant 7 jours par un responsable" in html
    assert "10 mars 2026" in html
    assert "« PIMMS Lyon »" in html
    assert str(manager) == "Awa Diallo"
    assert "Awa Diallo" in html
    _assert_french_page_with_a_way_back(html)
