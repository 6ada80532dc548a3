"""Login throttling (django-axes, in the database: shared by every web worker).

Issue 12, M5 and "login throttling": /admin/login/ was not throttled; the hand-written throttle
counted per worker process, keyed on username + address (spraying across users never throttled)
and ignored MAILLON_BEHIND_PROXY (behind a proxy anyone locked a named user out in 5 tries).
"""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import override_settings

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/compte/connexion/"
LIMIT = 10
LOCKED = "Trop de tentatives de connexion échouées"


@pytest.fixture(autouse=True)
def _no_cache():
    cache.clear()  # the old throttle counted in the cache; a lock must not come from there


def _post(client, username: str, password: str, address: str, url: str = LOGIN, **headers):
    return client.post(
        url,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_admin_login_is_throttled(client):
    root = get_user_model().objects.create_superuser("racine", "r@example.org", DEFAULT_PASSWORD)
    for _ in range(30):
        _post(client, root.username, "faux", "203.0.113.7", url="/admin/login/")
    response = _post(client, root.username, DEFAULT_PASSWORD, "203.0.113.7", url="/admin/login/")
    assert not _logged_in(client)
    assert LOCKED in response.content.decode()


def test_password_spraying_across_users_from_one_address_is_throttled(client):
    users = [UserFactory() for _ in range(LIMIT + 1)]
    for user in users[:LIMIT]:
        _post(client, user.username, "Printemps2026!", "198.51.100.9")
    response = _post(client, users[LIMIT].username, DEFAULT_PASSWORD, "198.51.100.9")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not _logged_in(client)


def test_the_count_is_shared_by_every_worker(client):
    """The old throttle counted in each process's memory: a cleared local cache reset it."""
    user = UserFactory()
    for _ in range(LIMIT):
        _post(client, user.username, "faux", "198.51.100.10")
        cache.clear()  # another worker: nothing of this in its memory
    _post(client, user.username, DEFAULT_PASSWORD, "198.51.100.10")
    assert not _logged_in(client)


@override_settings(MAILLON_BEHIND_PROXY=True)
def test_behind_a_proxy_the_client_address_is_the_forwarded_one(client):
    """Every request comes from the proxy's address; the attacker's is in X-Forwarded-For."""
    attacked = UserFactory()
    for _ in range(LIMIT + 5):
        _post(
            client, f"x{_}", "faux", "10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.66"
        )  # spraying from one forwarded address
    _post(
        client, attacked.username, DEFAULT_PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.66"
    )
    assert not _logged_in(client)
    # the real user, behind the same proxy, from his own address, is not locked out
    _post(client, attacked.username, DEFAULT_PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.8")
    assert _logged_in(client)


def test_spraying_one_account_from_many_addresses_spares_the_users_own_address(client):
    user = UserFactory()
    home = "192.0.2.10"
    _post(client, user.username, DEFAULT_PASSWORD, home)  # he has logged in from home before
    assert _logged_in(client)
    client.logout()
    for n in range(LIMIT * 2):  # a botnet: every try from a new address
        _post(client, user.username, "faux", f"203.0.113.{n + 1}")
    _post(client, user.username, DEFAULT_PASSWORD, "203.0.113.200")
    assert not _logged_in(client), "the account is locked for addresses it never used"
    _post(client, user.username, DEFAULT_PASSWORD, home)
    assert _logged_in(client), "but its owner still logs in from his own address"


def test_the_lock_lifts_after_the_cool_off_even_if_the_attacker_keeps_trying(client):
    user = UserFactory()
    start = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(LIMIT):
            _post(client, user.username, "faux", "198.51.100.20")
        clock.shift(datetime.timedelta(minutes=10))
        _post(client, user.username, "faux", "198.51.100.20")  # during the lock
        clock.shift(datetime.timedelta(minutes=6))
        _post(client, user.username, DEFAULT_PASSWORD, "198.51.100.20")
        assert _logged_in(client)
