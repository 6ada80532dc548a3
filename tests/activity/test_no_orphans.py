"""The fact tables carry no database foreign key to the taxonomies (issue 19, decision 1): no
write path may store a taxonomy id that does not exist. Each path is given every kind of unknown
code and refuses it; the facts then hold no orphan (`taxonomy_orphans`, which the first test
shows does find one)."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from maillon.activity.exchange import COLUMNS, activity_import, import_agent
from maillon.activity.models import Request, Visit
from maillon.activity.rollups_verify import TAXONOMY_REFERENCES, taxonomy_orphans
from maillon.activity.services import RequestInput, VisitInput, visit_input_update, visit_record
from maillon.orchestration.generators.activity import activity_generate
from tests.factories import SiteFactory, agent_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
NO_ORPHAN = {f"{table}.{column}": 0 for table, column, _ in TAXONOMY_REFERENCES}
# (field of VisitInput / RequestInput, unknown code)
UNKNOWN_VISIT = [("channel", "a-velo"), ("age_band", "centenaire")]
UNKNOWN_REQUEST = [
    ("partner", "inconnu"),
    ("theme", "pas-un-theme"),
    ("help_kind", "pas-une-aide"),
    ("outcome", "pas-une-issue"),
]


@time_machine.travel(NOON, tick=False)
def test_the_database_would_take_an_orphan_and_the_check_finds_it():
    site = SiteFactory()
    visit = visit_record(
        agent=agent_of(site), site_id=site.pk, requests=[RequestInput(theme="famille")]
    ).object
    assert taxonomy_orphans() == NO_ORPHAN
    with connection.cursor() as cursor:  # what no write path does: the database lets it in
        cursor.execute(
            "UPDATE activity_request SET theme_id = 987654 WHERE visit_id = %s", [visit.pk]
        )
    assert taxonomy_orphans()["activity_request.theme_id"] == 1


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("single", [True, False], ids=["single-statement", "one-per-table"])
def test_the_desk_and_its_corrections_refuse_every_unknown_code(settings, single):
    settings.ACTIVITY_SINGLE_STATEMENT = single
    site = SiteFactory()
    agent = agent_of(site)
    for field, code in UNKNOWN_VISIT:
        with pytest.raises(ValidationError):
            visit_record(
                agent=agent,
                site_id=site.pk,
                requests=[RequestInput(theme="famille")],
                **{field: code},
            )
    for field, code in UNKNOWN_REQUEST:
        request = RequestInput(**{"theme": "famille", field: code})  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            visit_record(agent=agent, site_id=site.pk, requests=[request])
    assert not Visit.objects.exists()
    visit = visit_record(
        agent=agent, site_id=site.pk, requests=[RequestInput(theme="famille")]
    ).object
    for field, code in UNKNOWN_REQUEST:
        request = RequestInput(**{"theme": "famille", field: code})  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            visit_input_update(actor=agent, visit=visit, data=VisitInput(requests=[request]))
    assert Request.objects.get(visit=visit).theme.code == "famille"
    assert taxonomy_orphans() == NO_ORPHAN


def _unknown_code_lines(site_id: int) -> list[str]:
    """One valid visit, then one visit per unknown code of each vocabulary (codes and labels),
    and a theme given as a taxonomy's numeric id, which is not a code."""
    good = {c: "" for c in COLUMNS} | {
        "point_accueil": str(site_id),
        "date": "2026-03-09",
        "heure": "10:00",
        "canal": "sur-site",
        "theme": "famille",
    }
    columns = {"channel": "canal", "age_band": "tranche_age", "partner": "partenaire"}
    columns |= {"theme": "theme", "help_kind": "aide", "outcome": "issue"}
    rows = [good | {"passage": "ok"}]
    for n, (field, code) in enumerate([*UNKNOWN_VISIT, *UNKNOWN_REQUEST, ("theme", "1")]):
        rows.append(good | {"passage": f"bad{n}", columns[field]: code})
    return [";".join(row[c] for c in COLUMNS) for row in rows]


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    "use_copy",
    [
        pytest.param(False, id="portable"),
        # the set-based import runs on PostgreSQL only (deselected from a SQLite run)
        pytest.param(True, id="set-based", marks=pytest.mark.postgresql),
    ],
)
def test_both_import_paths_refuse_every_unknown_code(tmp_path: Path, use_copy):
    site = SiteFactory()
    path = tmp_path / "codes.csv"
    lines = _unknown_code_lines(site.pk)
    path.write_text("\n".join([";".join(COLUMNS), *lines]) + "\n", encoding="utf-8")
    report = activity_import(path, agent=import_agent(), use_copy=use_copy, skip_invalid=True)
    assert len(report.problems) == len(lines) - 1
    assert (report.visits, report.requests) == (1, 1)
    assert Request.objects.get().theme.code == "famille"
    assert taxonomy_orphans() == NO_ORPHAN


def test_the_generator_writes_only_existing_terms():
    site = SiteFactory()
    report = activity_generate(sites=[site], agent=import_agent(), months=1, scale=0.05, seed=3)
    assert report.requests > 0
    assert taxonomy_orphans() == NO_ORPHAN
