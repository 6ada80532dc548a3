import subprocess
import sys

import pytest

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
    ],
    ids=["no-secret", "no-hosts", "debug", "bad-bool"],
)
def test_production_settings_fail_fast(env, message):
    assert message in _settings_error(env)


def test_production_settings_load_when_complete():
    env = {"MAILLON_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "maillon.example"}
    assert _settings_error(env) == ""


def test_text_folding():
    assert fold("L'Haÿ-les-Roses") == "l hay les roses"
    assert search_key("Ste-Foy-lès-Lyon") == "sainte foy les lyon"
    assert search_key("Saint-Étienne") == search_key("st etienne")
