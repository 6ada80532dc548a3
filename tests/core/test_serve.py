"""`maillon serve` starts gunicorn with gthread workers: processes × threads from the options,
WEB_CONCURRENCY or the machine's cores."""

import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.fixture
def started(monkeypatch):
    """The argv gunicorn would have been started with (os.execv does not replace the tests)."""
    calls: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda path, argv: calls.append(argv))
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("MAILLON_BIND", raising=False)

    def serve(*args: str) -> dict[str, str]:
        call_command("serve", *args)
        (argv,) = calls
        calls.clear()
        return dict(zip(argv[2::2], argv[3::2], strict=True))

    return serve


def test_defaults_are_gthread_workers_from_the_cores(started, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert started() == {
        "--bind": "127.0.0.1:8000",
        "--worker-class": "gthread",
        "--workers": "3",
        "--threads": "4",
        "--access-logfile": "-",
    }


@pytest.mark.parametrize(
    ("cores", "env", "args", "workers", "threads"),
    [
        (64, None, [], "8", "4"),
        (None, None, [], "2", "4"),
        (2, "5", [], "5", "4"),
        (2, "5", ["--workers", "2", "--threads", "8"], "2", "8"),
        (2, None, ["--threads", "1"], "3", "1"),
    ],
    ids=["capped", "cores-unknown", "web-concurrency", "options-win", "one-thread"],
)
def test_processes_and_threads(started, monkeypatch, cores, env, args, workers, threads):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    if env:
        monkeypatch.setenv("WEB_CONCURRENCY", env)
    argv = started(*args)
    assert (argv["--workers"], argv["--threads"]) == (workers, threads)
    assert argv["--worker-class"] == "gthread"


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        (None, ["--threads", "0"], "au moins 1"),
        ("beaucoup", [], "WEB_CONCURRENCY doit être un nombre entier"),
    ],
    ids=["no-thread", "bad-env"],
)
def test_bad_numbers_are_refused_before_starting(started, monkeypatch, env, args, message):
    if env:
        monkeypatch.setenv("WEB_CONCURRENCY", env)
    with pytest.raises(CommandError, match=message):
        started(*args)
