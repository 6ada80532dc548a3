import subprocess
import sys

import pytest

from maillon.config.env import env_rate, parse_rate
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
