"""`maillon bench all`: the table it writes from the figures the benches record (canned here:
the benches themselves are figures, not tests, and take minutes)."""

import json

import pytest

from maillon.bench.management.commands.bench_all import STEPS, step_argv
from maillon.bench.results import (
    RESULTS_VARIABLE,
    BenchResult,
    markdown_table,
    result_record,
    results_read,
)

DESK = BenchResult(
    workload="desk write (HTTP, 32 clients)",
    figure=251.4,
    limit=602.0,
    unit="visits/s",
    limit_label="Django floor",
    ratio=251.4 / 602.0,
    goal=0.40,
    load=3.21,
    note="p95 180 ms",
)
SEARCH = BenchResult(
    workload="directory search (2,843 sites, postgresql)",
    figure=35.0,
    limit=30.0,
    unit="ms",
    limit_label="target p95 <",
    ratio=30.0 / 35.0,
    goal=1.0,
    load=2.5,
)
IMPORT = BenchResult(
    workload="import (50,000 rows, postgresql)",
    figure=61234.0,
    limit=342044.0,
    unit="rows/s",
    limit_label="raw COPY",
    ratio=61234.0 / 342044.0,
    load=4.0,
)


def test_the_table_has_a_line_per_figure_with_its_limit_ratio_verdict_and_load():
    table = markdown_table([DESK, SEARCH, IMPORT], missing=["reports"])
    assert table.splitlines() == [
        "| workload | figure | limit | ratio | load (1 min) |",
        "|---|---|---|---|---|",
        "| desk write (HTTP, 32 clients) | 251 visits/s — p95 180 ms | Django floor 602 visits/s"
        " | 0.42 (goal ≥ 0.40) ✓ | 3.21 |",
        "| directory search (2,843 sites, postgresql) | 35.0 ms | target p95 < 30.0 ms"
        " | 0.86 (goal ≥ 1.00) ✗ | 2.50 |",
        "| import (50,000 rows, postgresql) | 61 234 rows/s | raw COPY 342 044 rows/s"
        " | 0.18 | 4.00 |",
        "| reports | failed: no figure | — | — | — |",
    ]


def test_a_bench_records_its_figure_only_for_bench_all(tmp_path, monkeypatch):
    monkeypatch.delenv(RESULTS_VARIABLE, raising=False)
    result_record(DESK)  # no collection under way: nothing written anywhere
    target = tmp_path / "results.jsonl"
    monkeypatch.setenv(RESULTS_VARIABLE, str(target))
    result_record(DESK)
    result_record(BenchResult(**{**json.loads(json.dumps(vars(SEARCH))), "load": None}))
    read = results_read(target)
    assert read[0] == DESK
    assert read[1].workload == SEARCH.workload and read[1].load is not None  # measured now
    assert results_read(tmp_path / "absent.jsonl") == []


@pytest.mark.parametrize("quick", [True, False])
def test_every_bench_gets_its_own_database_and_the_directory_the_reports_one(quick, tmp_path):
    commands = {}
    for step in STEPS:
        argv, env = step_argv(step, "postgres://db/maillon_x_bench", quick, tmp_path)
        commands.setdefault(argv[0], []).append((argv, env))
    assert set(commands) == {"bench_desk", "bench_import", "bench_reports", "bench_directory"}
    desk = [argv for argv, _env in commands["bench_desk"]]
    assert [a for a in desk[0] if a.startswith("--clients")] == ["--clients=32"]
    assert [a for a in desk[1] if a.startswith("--clients")] == ["--clients=4"]
    assert "--database-url=postgres://db/maillon_x_bench_desk" in desk[0]
    [(directory, env)] = commands["bench_directory"]
    assert env == {"DATABASE_URL": "postgres://db/maillon_x_bench_reports"}
    assert not any(a.startswith("--database-url") for a in directory)
    [(imports, _env)] = commands["bench_import"]
    assert ("--rows=50000" in imports) is quick
    assert f"--file={tmp_path / 'activity.csv'}" in imports
