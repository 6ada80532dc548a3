"""Benchmarks of the desk write path and of the bulk import (figures, not tests).

`maillon bench desk` creates (or recreates) a PostgreSQL database of its own, migrates it,
creates sites and agents with API tokens, starts gunicorn with several workers on it, drives it
over loopback with N concurrent clients for a bounded time (each POST a visit with 2 requests and
an Idempotency-Key; a few are retried on purpose), then measures the raw insert rate of the same
rows with the same concurrency, and finally checks that every acknowledged write is stored
exactly once and that the rollups equal the facts.
"""

import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from http.client import HTTPConnection

import psycopg

DEFAULT_DESK_URL = "postgres://postgres@127.0.0.1:5432/maillon_h4_bench"
DEFAULT_IMPORT_URL = "postgres://postgres@127.0.0.1:5432/maillon_h4_bench_import"
VISIT_BODY = {
    "channel": "sur-site",
    "requests": [
        {"partner": "caf", "theme": "famille", "help_kind": "accompagnement"},
        {"partner": "cpam", "theme": "social-sante", "outcome": "a-revoir", "follow_up": True},
    ],
}
RETRY_EVERY = 20  # one request in 20 is sent twice with the same key


def recreate_database(url: str) -> None:
    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"maillon_h\d+_\w+", name):
        raise ValueError("bench databases are named maillon_h<n>_…")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run_inner(command: str, url: str, args: list[str]) -> int:
    """Run `maillon <command> --inner …` against `url` (its own settings, its own process)."""
    env = {**os.environ, "DATABASE_URL": url, "DB_CONN_MAX_AGE": "60"}
    maillon = os.path.join(os.path.dirname(sys.executable), "maillon")
    return subprocess.call([maillon, command, "--inner", *args], env=env)  # noqa: S603


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ClientResult:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    acked: dict[str, int] = field(default_factory=dict)  # idempotency key → visit id
    retries_consistent: int = 0
    retries_inconsistent: int = 0


def _post(port: int, token: str, body: bytes, key: str) -> tuple[int, dict | None]:
    conn = HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(
            "POST",
            "/api/v1/visits",
            body=body,
            headers={
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": key,
                "Content-Type": "application/json",
            },
        )
        response = conn.getresponse()
        data = response.read()
        return response.status, (json.loads(data) if response.status in (200, 201) else None)
    finally:
        conn.close()


def _client_thread(port, token, site_id, name, deadline, result: ClientResult, lock):
    body = json.dumps({**VISIT_BODY, "site_id": site_id}).encode()
    n = 0
    while time.monotonic() < deadline:
        n += 1
        key = f"{name}-{n}"
        started = time.perf_counter()
        try:
            status, data = _post(port, token, body, key)
        except OSError as exc:
            status, data = type(exc).__name__, None
        elapsed = time.perf_counter() - started
        with lock:
            result.latencies.append(elapsed)
            if status == 201 and data:
                result.acked[key] = data["id"]
            else:
                result.errors[str(status)] = result.errors.get(str(status), 0) + 1
        if n % RETRY_EVERY == 0 and status == 201:
            try:
                again, data2 = _post(port, token, body, key)
            except OSError:
                continue
            with lock:
                if again == 200 and data2 and data2["id"] == result.acked[key]:
                    result.retries_consistent += 1
                else:
                    result.retries_inconsistent += 1


def client_process(port: int, agents: list[tuple[str, int]], name: str, seconds: float):
    """One OS process with one thread per agent; returns its ClientResult."""
    result, lock = ClientResult(), threading.Lock()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_client_thread,
            args=(port, token, site_id, f"{name}-{i}", deadline, result, lock),
        )
        for i, (token, site_id) in enumerate(agents)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return result


def drive(port: int, agents: list[tuple[str, int]], seconds: float, processes: int):
    chunks = [agents[i::processes] for i in range(processes)]
    with ProcessPoolExecutor(max_workers=processes) as pool:
        futures = [
            pool.submit(client_process, port, chunk, f"c{i}", seconds)
            for i, chunk in enumerate(chunks)
            if chunk
        ]
        results = [f.result() for f in futures]
    merged = ClientResult()
    for r in results:
        merged.latencies += r.latencies
        merged.acked.update(r.acked)
        merged.retries_consistent += r.retries_consistent
        merged.retries_inconsistent += r.retries_inconsistent
        for k, v in r.errors.items():
            merged.errors[k] = merged.errors.get(k, 0) + v
    return merged


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def raw_insert_rate(dsn: str, rows: list[tuple], clients: int, seconds: float) -> float:
    """Visits/s inserting the same rows straight with psycopg (one transaction per visit with
    its 2 requests), with the same concurrency and no application in between."""
    counts = [0] * clients
    deadline = time.monotonic() + seconds

    def worker(i: int) -> None:
        with psycopg.connect(dsn) as conn:
            n = 0
            while time.monotonic() < deadline:
                site_id, agent_id, channel_id, requests = rows[(i + n * clients) % len(rows)]
                with conn.transaction():
                    visit_id = conn.execute(
                        "INSERT INTO activity_visit (site_id, agent_id, occurred_at, day,"
                        " channel_id, created_at, updated_at) VALUES (%s, %s, now(),"
                        " current_date, %s, now(), now()) RETURNING id",
                        (site_id, agent_id, channel_id),
                    ).fetchone()[0]
                    conn.execute(
                        "INSERT INTO activity_request (visit_id, position, partner_id, theme_id,"
                        " help_kind_id, outcome_id, follow_up) VALUES"
                        " (%s, 0, %s, %s, %s, %s, %s), (%s, 1, %s, %s, %s, %s, %s)",
                        (visit_id, *requests[0], visit_id, *requests[1]),
                    )
                n += 1
            counts[i] = n

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - started)


def summarise(result: ClientResult, seconds: float) -> dict:
    ok = len(result.acked)
    return {
        "requests": len(result.latencies),
        "acknowledged": ok,
        "throughput": ok / seconds,
        "p50_ms": percentile(result.latencies, 50) * 1000,
        "p95_ms": percentile(result.latencies, 95) * 1000,
        "p99_ms": percentile(result.latencies, 99) * 1000,
        "mean_ms": (statistics.fmean(result.latencies) * 1000) if result.latencies else 0,
        "errors": result.errors,
    }
