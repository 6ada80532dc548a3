"""The figures of the benches, side by side: `maillon bench all` collects one `BenchResult` per
workload from the benches it runs and writes them as one Markdown table.

Each bench command calls `result_record` with its figure and its limit measured alongside (or
its target, when no limit can be measured); the record goes, as one JSON line, to the file named
by the environment variable `MAILLON_BENCH_RESULTS` — set by `bench all` for the benches it runs,
unset otherwise (then nothing is written). The benches run in their own processes (their own
databases and settings), so a file is what joins them."""

import dataclasses
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

RESULTS_VARIABLE = "MAILLON_BENCH_RESULTS"


@dataclasses.dataclass(frozen=True)
class BenchResult:
    """One line of the table. `figure` and `limit` are values in `unit`; `ratio` is how close
    the figure comes to the limit (≥ 1 meets a target), `goal` the ratio aimed at, `load` the
    machine's 1-minute load average when the figure was measured."""

    workload: str
    figure: float
    limit: float
    unit: str
    limit_label: str
    ratio: float
    goal: float | None = None
    load: float | None = None
    note: str = ""


def result_record(result: BenchResult) -> None:
    """Append `result` to the results file of `bench all`, if one is being collected."""
    target = os.environ.get(RESULTS_VARIABLE)
    if not target:
        return
    if result.load is None:
        result = dataclasses.replace(result, load=os.getloadavg()[0])
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(dataclasses.asdict(result)) + "\n")


def results_read(path: Path) -> list[BenchResult]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [BenchResult(**json.loads(line)) for line in handle if line.strip()]


def _number(value: float, unit: str) -> str:
    text = f"{value:,.1f}" if unit == "ms" or abs(value) < 100 else f"{value:,.0f}"
    return f"{text.replace(',', ' ')} {unit}"


def _verdict(result: BenchResult) -> str:
    if result.goal is None:
        return ""
    return " ✓" if result.ratio >= result.goal else " ✗"


def markdown_table(results: Sequence[BenchResult], *, missing: Iterable[str] = ()) -> str:
    """The Markdown table of `results` (one row each), then a row per bench of `missing` that
    gave no figure (it failed: its output says why)."""
    lines = [
        "| workload | figure | limit | ratio | load (1 min) |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        goal = f" (goal ≥ {r.goal:.2f})" if r.goal is not None else ""
        note = f" — {r.note}" if r.note else ""
        load = f"{r.load:.2f}" if r.load is not None else "—"
        lines.append(
            f"| {r.workload} | {_number(r.figure, r.unit)}{note} | "
            f"{r.limit_label} {_number(r.limit, r.unit)} | "
            f"{r.ratio:.2f}{goal}{_verdict(r)} | {load} |"
        )
    lines += [f"| {name} | failed: no figure | — | — | — |" for name in missing]
    return "\n".join(lines) + "\n"
