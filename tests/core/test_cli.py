import pytest
from django.core.management import call_command

from maillon.accounts.models import User
from maillon.cli import command_argv
from maillon.network.models import Site


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["maillon", "import", "geo"], ["maillon", "import_geo"]),
        (
            ["maillon", "import", "france-services", "f.csv"],
            ["maillon", "import_france_services", "f.csv"],
        ),
        (
            ["maillon", "bench", "desk", "--clients", "32"],
            ["maillon", "bench_desk", "--clients", "32"],
        ),
        (["maillon", "demo"], ["maillon", "demo"]),
        (["maillon", "check"], ["maillon", "check_data"]),
        (["maillon", "check", "--deploy"], ["maillon", "check", "--deploy"]),
        (["maillon", "check", "--system"], ["maillon", "check"]),
        (["maillon", "import", "--help"], ["maillon", "import", "--help"]),
    ],
    ids=["geo", "france-services", "bench", "demo", "check", "deploy", "system", "help"],
)
def test_command_argv(argv, expected):
    assert command_argv(argv) == expected


@pytest.mark.django_db
def test_demo_loads_everything_and_prints_the_accounts(capsys):
    call_command("demo", no_serve=True)
    out = capsys.readouterr().out
    assert Site.objects.filter(fs_id__isnull=False).count() == 2845
    for username in ("reseau", "gestionnaire", "agent", "partenaire"):
        assert username in out
        assert User.objects.get(username=username).memberships.filter(is_active=True).exists()
    assert User.objects.get(username="agent").check_password("agent-demo-2020")
    # Started again on the same database, it changes nothing and duplicates nothing.
    call_command("demo", no_serve=True)
    assert Site.objects.filter(fs_id__isnull=False).count() == 2845
