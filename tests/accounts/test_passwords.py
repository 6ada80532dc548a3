"""Every user changes his password, and resets it by e-mail (issue 12: agents and managers
had neither), and sessions end after MAILLON_SESSION_IDLE_HOURS of inactivity."""

import datetime
import html
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from tests.factories import DEFAULT_PASSWORD, SiteFactory, agent_of

pytestmark = pytest.mark.django_db

NEW = "Nouveau-Passe-2026"


def text(response) -> str:
    return html.unescape(response.content.decode())


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _log_in(client, username, password=DEFAULT_PASSWORD):
    return client.post("/compte/connexion/", {"username": username, "password": password})


@pytest.fixture
def agent():
    user = agent_of(SiteFactory())
    user.email = "camille@example.org"
    user.save()
    return user


def test_an_agent_changes_his_password_from_his_page(client, agent):
    client.force_login(agent)
    home = text(client.get("/compte/"))
    assert "Changer mon mot de passe" in home
    page = client.get("/compte/mot-de-passe/")
    assert "Ancien mot de passe" in text(page)
    wrong = client.post(
        "/compte/mot-de-passe/",
        {"old_password": "faux", "new_password1": NEW, "new_password2": NEW},
    )
    assert "Votre ancien mot de passe est incorrect" in text(wrong)
    done = client.post(
        "/compte/mot-de-passe/",
        {"old_password": DEFAULT_PASSWORD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert "Votre mot de passe a été modifié" in text(done)
    assert _logged_in(client)  # still logged in after the change
    client.logout()
    _log_in(client, agent.username, NEW)
    assert _logged_in(client)


def test_a_forgotten_password_is_reset_by_e_mail(client, agent):
    login_page = text(client.get("/compte/connexion/"))
    assert "Mot de passe oublié" in login_page
    sent = client.post("/compte/mot-de-passe/oublie/", {"email": "Camille@example.org"})
    assert sent.status_code == 302
    assert "Un courriel" in text(client.get(sent["Location"]))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["camille@example.org"]
    assert "mot de passe" in message.subject.lower()
    link = re.search(r"http://testserver(/compte/mot-de-passe/nouveau/\S+/)", message.body)[1]
    form = client.get(link, follow=True)
    assert "Nouveau mot de passe" in text(form)
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert "Votre mot de passe a été enregistré" in text(done)
    _log_in(client, agent.username, NEW)
    assert _logged_in(client)
    client.logout()
    assert "plus valide" in text(client.get(link, follow=True))  # used once


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, agent):
    sent = client.post("/compte/mot-de-passe/oublie/", {"email": "personne@example.org"})
    assert sent.status_code == 302
    assert mail.outbox == []


def test_a_session_ends_after_the_idle_time(client, agent):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600  # the shipped default
    start = datetime.datetime(2026, 3, 2, 8, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        _log_in(client, agent.username)
        for _ in range(3):  # working: a request every 3 hours keeps him in
            clock.shift(datetime.timedelta(hours=3))
            assert client.get("/compte/").status_code == 200
        clock.shift(datetime.timedelta(hours=8, minutes=6))  # a night away
        assert client.get("/compte/").status_code == 302
