import secrets
import string
import subprocess
import sys

import pytest

from maillon.core.env import env_rate, parse_rate
from maillon.core.text import fold, search_key


def _settings_error(env: dict) -> str:
    code = "import maillon.config.settings"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MAILLON_ENV": "production"}, "SECRET_KEY"),
        ({"MAILLON_ENV": "production", "SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS"),
        (
            {
                "MAILLON_ENV": "production",
                "SECRET_KEY": "x" * 50,
                "ALLOWED_HOSTS": "a",
                "DEBUG": "1",
            },
            "DEBUG",
        ),
        ({"DEBUG": "maybe"}, "DEBUG must be a boolean"),
        (
            {"MAILLON_PUBLIC_API_RATE": "120/minute"},
            "MAILLON_PUBLIC_API_RATE: expected N/PERIOD (N ≥ 1, PERIOD one of "
            "s|sec|m|min|h|hour|day) or off, got '120/minute'",
        ),
        ({"MAILLON_PUBLIC_API_RATE": "beaucoup"}, "MAILLON_PUBLIC_API_RATE: expected N/PERIOD"),
    ],
    ids=["no-secret", "no-hosts", "debug", "bad-bool", "bad-rate-period", "bad-rate"],
)
def test_production_settings_fail_fast(env, message):
    assert message in _settings_error(env)


def test_production_settings_load_when_complete():
    env = {"MAILLON_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "maillon.example"}
    assert _settings_error(env) == ""


@pytest.mark.parametrize(
    ("raw", "rate"),
    [
        ("120/min", (120, 60)),
        ("5/s", (5, 1)),
        (" 1000/h ", (1000, 3600)),
        ("20000/day", (20000, 86400)),
        ("120", (120, 60)),
        ("off", None),
        ("", None),
    ],
)
def test_public_api_rate_read_from_the_environment(raw, rate, monkeypatch):
    """The documented forms of MAILLON_PUBLIC_API_RATE (`.env.example` ships `120/min`)."""
    monkeypatch.setenv("MAILLON_PUBLIC_API_RATE", raw)
    assert parse_rate(env_rate("MAILLON_PUBLIC_API_RATE", "120/min")) == rate


def test_text_folding():
    assert fold("L'Haÿ-les-Roses") == "l hay les roses"
    assert search_key("Ste-Foy-lès-Lyon") == "sainte foy les lyon"
    assert search_key("Saint-Étienne") == search_key("st etienne")


def test_production_settings_pass_the_deploy_checks_without_a_warning(tmp_path):
    """`maillon check --deploy` as an operator runs it: production mode, a random 50-character
    SECRET_KEY, ALLOWED_HOSTS, nothing else set."""
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {
        "PATH": "/usr/bin:/bin",
        "MAILLON_ENV": "production",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
        "ALLOWED_HOSTS": "maillon.example.org",
        "MAILLON_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "maillon", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_first_request_after_the_database_dropped_the_connection_is_served():
    """A persistent connection killed by the server (restart, failover, idle timeout): the next
    request checks it and reconnects instead of answering 500 (`CONN_HEALTH_CHECKS`). Requests
    go through the WSGI handler as in production (the test client skips the connection
    checks)."""
    import psycopg
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import RequestFactory

    handler = WSGIHandler()

    def status_of(path: str) -> str:
        statuses = []
        environ = RequestFactory().get(path).environ
        body = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(body)
        body.close()
        return statuses[0]

    assert status_of("/") == "200 OK"
    backend_pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    assert status_of("/") == "200 OK"
