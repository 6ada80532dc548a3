"""The set-based import (PostgreSQL) and the portable one report the same problems, count the
same rows and write the same visits, on files full of edge cases."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from maillon.activity.exchange import COLUMNS, activity_import, import_agent, setbased
from maillon.activity.models import ActivityPolicy, HelpKind, Request, Theme, Visit
from maillon.activity.rollups_verify import rollups_compare
from maillon.network.models import NetworkMembership
from tests.factories import NetworkFactory, SiteFactory

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)


def edge_lines(site) -> list[str]:
    s = site.pk
    return [
        f"a;{s};2025-11-03;09:15;sur-site;25-39;oui;non;20;caf;famille;accompagnement;resolu;non",
        f"a;{s};03/11/2025;9:15;Sur site;;non;;;CPAM;Social - Santé;;à revoir;1",  # same visit
        f"b;{s};2025-11-03;10:00;sur-site;;;;;;logement;;;",
        f"a;{s};2025-11-03;09:15;sur-site;;;;;;logement;;;",  # a again: not consecutive
        f";{s};2025-11-03;10:00;sur-site;;;;;;logement;;;",  # no key
        f"c;{s};2025-11-03;10:00;sur-site;;;;;;logement;;;",
        f";{s};2025-11-03;10:00;sur-site;;;;;;logement;;;",  # no key: ends c
        f"c;{s};2025-11-03;10:00;sur-site;;;;;;logement;;;",  # c again
        f"d;{s};2025-11-03;10:00;sur-site;;;;;;energie-eau;;;",  # expired theme
        f"e;{s};2025-11-03;10:00;sur-site;;;;;;;;;",  # no theme
        f"f;{s};2025-11-03;25:00;sur-site;;;;;;logement;;;",  # bad time
        f"g;{s};2025-13-03;10:00;sur-site;;;;;;logement;;;",  # bad date
        f"h;{s};1999-12-31;10:00;sur-site;;;;;;logement;;;",  # before the opening
        f"i;{s};2025-11-03;10:00;à vélo;;;;;;logement;;;",  # unknown channel
        f"j;{s};2025-11-03;10:00;sur-site;;;;999;;logement;;;",  # duration out of bounds
        f"k;{s};2025-11-03;10:00;sur-site;;;peut-être;;;logement;;;",  # bad first visit
        f"l;{s};2025-11-03;10:00;sur-site;;;;;;logement;pas-une-aide;;",  # bad help
        f"m;{s};2025-11-03;10:00;sur-site;;;;;;logement;;pas-une-issue;",  # bad outcome
        f"n;{s};2025-11-03;10:00;sur-site;;;;;;logement;;;peut-être",  # bad follow-up
        f"o;{s};2025-11-03;10:00;sur-site;;;;;inconnu;logement;;;",  # unknown partner
        f"p;{s};2025-11-03;10:00;sur-site;;;;;;logement;;;",
        f"p;{s};2025-11-03;10:00;sur-site;;oui;;;;famille;;;",  # qpv differs: same visit
        f"p;{s};2025-11-03;10:01;sur-site;;;;;;famille;;;",  # another time
        f"q;{s};2025-10-26;02:30;sur-site;;;;;;logement;;;",  # a repeated hour (Paris)
        f"r;{s};2025-03-30;02:30;sur-site;;;;;;logement;;;",  # a skipped hour (Paris)
        f"r;{s};2025-03-30;03:30;sur-site;;;;;;logement;;;",  # same instant, another time
        "t;fs:inconnu;2025-11-03;10:00;sur-site;;;;;;logement;;;",  # unknown site
        *[f"u;{s};2025-11-03;10:00;sur-site;;;;;;logement;;;"] * 21,  # 21 requests
        f"v;{s};2025-11-03;10:00;sur-site;;;;;;logement;;;",
        f"v;{s};2025-11-03;10:00;sur-site;centenaire;;;;;logement;;;",  # bad age band
        f"w;{s};2025-11-03;10:00;sur-site;;;;;;logement;;;",
    ]


def _write(tmp_path: Path, lines: list[str], name: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([";".join(COLUMNS), *lines]) + "\n", encoding="utf-8")
    return path


def _import(tmp_path, lines, *, use_copy, skip_invalid, name, text=None):
    rejects = tmp_path / f"{name}.rejets.csv"
    path = _write(tmp_path, lines, f"{name}.csv")
    if text is not None:  # the file's exact bytes
        path.write_bytes(text.encode("utf-8"))
    report = activity_import(
        path,
        agent=import_agent(),
        use_copy=use_copy,
        skip_invalid=skip_invalid,
        rejects_path=rejects,
        again=True,
    )
    rows = rejects.read_text(encoding="utf-8").splitlines() if skip_invalid else []
    return report, rows


def _visits() -> list[tuple]:
    return [
        (v.site_id, v.day, v.occurred_at, v.channel_id, v.qpv_resident, v.duration_minutes,
         [(r.position, r.partner_id, r.theme_id, r.help_kind_id, r.outcome_id, r.follow_up,
           r.help_defaulted, r.outcome_defaulted)
          for r in v.requests.order_by("position")])
        for v in Visit.objects.order_by("pk")
    ]  # fmt: skip


@time_machine.travel(NOON, tick=False)
def test_the_portable_path_reports_each_rejected_visit_once(tmp_path):
    """Runs on every database: the portable path's answers to the edge cases, line by line."""
    site = SiteFactory()
    Theme.objects.filter(code="energie-eau").update(valid_until=datetime.date(2025, 1, 1))
    report, rejects = _import(
        tmp_path, edge_lines(site), use_copy=False, skip_invalid=True, name="portable"
    )
    assert [(p.line, p.column) for p in report.problems] == [
        (5, "passage"),
        (6, "passage"),
        (8, "passage"),
        (9, "passage"),
        (10, "theme"),
        (11, "theme"),
        (12, "heure"),
        (13, "date"),
        (14, "date"),
        (15, "canal"),
        (16, "duree"),
        (17, "premiere_visite"),
        (18, "aide"),
        (19, "issue"),
        (20, "suite"),
        (21, "partenaire"),
        (24, "passage"),
        (27, "passage"),
        (28, "point_accueil"),
        (49, "passage"),
        (51, "tranche_age"),
    ]
    assert "doivent se suivre" in report.problems[0].reason
    assert "n'est pas valable le 03/11/2025" in report.problems[4].reason
    assert (report.visits, report.requests) == (5, 6)  # a, b, c, q, w
    assert report.rejected_rows == len(rejects) - 1 == 45
    assert rollups_compare()[2] == 0


@pytest.mark.postgresql
@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("skip_invalid", [True, False], ids=["skip-invalid", "all-or-nothing"])
def test_set_based_and_portable_imports_give_the_same_answers(tmp_path, skip_invalid):
    site = SiteFactory()
    Theme.objects.filter(code="energie-eau").update(valid_until=datetime.date(2025, 1, 1))
    _assert_same_answers(tmp_path, edge_lines(site), skip_invalid)


def _assert_same_answers(tmp_path, lines, skip_invalid, text=None):
    portable, portable_rejects = _import(
        tmp_path, lines, use_copy=False, skip_invalid=skip_invalid, name="portable", text=text
    )
    written = _visits()
    Request.objects.all().delete()
    Visit.objects.all().delete()
    call_command("rollups_verify", repair=True)
    set_based, set_based_rejects = _import(
        tmp_path, lines, use_copy=True, skip_invalid=skip_invalid, name="set-based", text=text
    )
    assert set_based.problems == portable.problems
    assert [str(p) for p in set_based.problems] == [str(p) for p in portable.problems]
    counts = ("rows", "visits", "requests", "rejected_rows", "written")
    assert [getattr(set_based, c) for c in counts] == [getattr(portable, c) for c in counts]
    assert set_based_rejects == portable_rejects
    assert _visits() == written
    assert rollups_compare()[2] == 0


def _strict_site():
    """A site whose network's policy defaults the help to « accompagnement » and chose no
    default outcome (the outcome is required there)."""
    site = SiteFactory()
    network = NetworkFactory()
    NetworkMembership.objects.create(network=network, organisation=site.organisation)
    ActivityPolicy.objects.create(
        network=network, default_help_kind=HelpKind.objects.get(code="accompagnement")
    )
    return site


def default_lines(site, strict) -> list[str]:
    s, t = site.pk, strict.pk
    return [
        f"a;{s};2025-11-03;09:15;sur-site;;;;;caf;famille;;;",  # fallback: both defaulted
        f"a;{s};2025-11-03;09:15;sur-site;;;;;cpam;logement;orientation;;",  # outcome only
        f"b;{t};2025-11-03;10:00;sur-site;;;;;caf;famille;;resolu;",  # network's help
        f"c;{t};2025-11-03;10:00;sur-site;;;;;caf;famille;information;;",  # no default outcome
    ]


@pytest.mark.parametrize(
    "use_copy", [False, pytest.param(True, marks=pytest.mark.postgresql)], ids=["rows", "copy"]
)
@time_machine.travel(NOON, tick=False)
def test_an_empty_help_or_outcome_takes_the_networks_default_and_is_marked_defaulted(
    tmp_path, use_copy
):
    site, strict = SiteFactory(), _strict_site()
    report, rejects = _import(
        tmp_path, default_lines(site, strict), use_copy=use_copy, skip_invalid=True, name="d"
    )
    [problem] = report.problems
    assert (problem.line, problem.column, problem.value) == (5, "issue", "")
    assert problem.reason == (
        "issue obligatoire : le réseau du point d'accueil n'a pas choisi d'issue par défaut"
    )
    assert (report.visits, report.requests, report.rejected_rows) == (2, 3, 1)
    rows = [
        (r.visit.site_id, r.help_kind.code, r.help_defaulted, r.outcome.code, r.outcome_defaulted)
        for r in Request.objects.select_related("visit", "help_kind", "outcome").order_by(
            "visit_id", "position"
        )
    ]
    assert rows == [
        (site.pk, "information", True, "resolu", True),
        (site.pk, "orientation", False, "resolu", True),
        (strict.pk, "accompagnement", True, "resolu", False),
    ]
    assert rollups_compare()[2] == 0


@pytest.mark.postgresql
@time_machine.travel(NOON, tick=False)
def test_set_based_import_stops_listing_at_max_problems_but_counts_every_row(tmp_path):
    site = SiteFactory()
    lines = [f"x{n};{site.pk};2025-11-03;10:00;sur-site;;;;;;pas-un-theme;;;" for n in range(30)]
    path = _write(tmp_path, lines, "bad.csv")
    report = activity_import(path, agent=import_agent(), use_copy=True, max_problems=10)
    assert not report.written and len(report.problems) == 10
    assert report.rejected_rows == 30 and Visit.objects.count() == 0


ENGLISH = {"passage": "visit", "point_accueil": "Site", "canal": "channel", "theme": "Thème"}


def _reordered(lines: list[str], delimiter: str) -> str:
    """The lines with their columns reversed, English headers, an unknown column, `delimiter`."""
    header = [ENGLISH.get(c, c) for c in reversed(COLUMNS)] + ["remarque"]
    rows = [[*reversed(line.split(";")), "x"] for line in lines]
    return "\n".join(delimiter.join(row) for row in [header, *rows]) + "\n"


def _plain(lines: list[str]) -> str:
    return "\n".join([";".join(COLUMNS), *lines]) + "\n"


def _spaced(lines: list[str]) -> str:
    """Every value with ASCII and non-ASCII white space around it (`str.strip()` removes it)."""
    rows = [";".join(f"\u00a0 {v}\u2003\t" for v in line.split(";")) for line in lines]
    return _plain(rows)


def _quoted(lines: list[str]) -> str:
    return _plain([";".join(f'"{v}"' for v in line.split(";")) for line in lines])


def _multiline(lines: list[str]) -> str:
    first, *others = lines
    return _plain([first.replace(";caf;", ';"c\naf";', 1), *others])


def _short_row(lines: list[str]) -> str:
    return _plain([lines[0].rsplit(";", 2)[0], *lines[1:]])  # two values fewer: padded


def _repeated_column(lines: list[str]) -> str:
    """A « theme » column before the others: the last of a repeated header wins."""
    rows = [f"pas-un-theme;{line}" for line in lines]
    return "\n".join([";".join(("theme", *COLUMNS)), *rows]) + "\n"


def _ascii_ends(lines: list[str]) -> list[str]:
    return [line.replace("Santé", "Sante") for line in lines]  # no value ends in « é »


# the file's text from the edge lines → (whether PostgreSQL parses it, whether a value may begin
# or end with white space: `PlainCsv.spaced`, then Python strips them; None: not a plain CSV)
FILES = {
    "plain": (lambda lines: _plain(_ascii_ends(lines)), True, False),
    "bom-comma-aliases-order": (
        lambda lines: "\ufeff" + _reordered(_ascii_ends(lines), ","),
        True,
        False,
    ),
    "repeated-column": (lambda lines: _repeated_column(_ascii_ends(lines)), True, False),
    "a-value-ending-in-e-acute": (_plain, False, True),  # « é » ends in a0, as a no-break space
    "white-space": (_spaced, False, True),
    "quoted": (_quoted, False, None),
    "multi-line-field": (_multiline, False, None),
    "crlf": (lambda lines: _plain(lines).replace("\n", "\r\n"), False, None),
    "blank-line": (lambda lines: _plain(lines).replace("\n", "\n\n", 3), False, None),
    # PostgreSQL refuses a row of another width: rolled back to the savepoint, Python reads it
    "short-row": (lambda lines: _short_row(_ascii_ends(lines)), False, False),
}


@pytest.mark.postgresql
@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("name", list(FILES))
def test_postgresql_parses_a_plain_csv_and_gives_the_same_answers(tmp_path, monkeypatch, name):
    site = SiteFactory()
    Theme.objects.filter(code="energie-eau").update(valid_until=datetime.date(2025, 1, 1))
    plans, staged = [], []
    plain_csv, copy_plain_csv = setbased.plain_csv, setbased.copy_plain_csv

    def plan(path):
        plans.append(plain_csv(path))
        return plans[-1]

    def stage(*args):
        staged.append(copy_plain_csv(*args))
        return staged[-1]

    monkeypatch.setattr(setbased, "plain_csv", plan)
    monkeypatch.setattr(setbased, "copy_plain_csv", stage)
    text, parsed, spaced = FILES[name]
    lines = edge_lines(site)
    _assert_same_answers(tmp_path, lines, skip_invalid=True, text=text(lines))
    assert (staged[0] is not None if staged else False) == parsed
    assert (plans[0].spaced if plans[0] else None) == spaced
