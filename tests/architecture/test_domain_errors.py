"""A domain `NotFound` is answered by each edge the way `Http404` was: the French 404 page for
pages, a JSON 404 for the API (its tests), a command error for commands (the export tests)."""

import pytest
from django.urls import reverse

from maillon.core.errors import NotFound
from tests.factories import SiteFactory, agent_of


def test_not_found_has_a_french_message_by_default_or_the_one_given():
    assert str(NotFound()) == "Introuvable, ou non autorisé pour votre compte."
    assert str(NotFound("Point d'accueil 3 inconnu.")) == "Point d'accueil 3 inconnu."


@pytest.mark.django_db
def test_a_page_whose_selector_raises_not_found_answers_the_french_404_page(client):
    """`site_get` raises NotFound for a site the agent may not see: the middleware turns it
    into Django's 404 with the project's French page."""
    agent = agent_of(SiteFactory())
    foreign = SiteFactory()
    client.force_login(agent)
    response = client.get(reverse("network:site_detail", args=[foreign.pk]))
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
