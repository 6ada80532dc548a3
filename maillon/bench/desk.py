"""Benchmarks of the desk write path and of the bulk import (figures, not tests).

`maillon bench desk` creates (or recreates) a PostgreSQL database of its own, migrates it,
creates sites and agents with API tokens, starts gunicorn with several workers on it, drives it
over loopback with N concurrent clients for a bounded time (each POST a visit with 2 requests and
an Idempotency-Key; a few are retried on purpose), then measures the raw insert rate of the same
rows with the same concurrency, and finally checks that every acknowledged write is stored
exactly once and that the rollups equal the facts.
"""

import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import psycopg

DEFAULT_DESK_URL = "postgres://postgres@127.0.0.1:5432/maillon_bench_desk"
DEFAULT_IMPORT_URL = "postgres://postgres@127.0.0.1:5432/maillon_bench_import"
VISIT_REQUESTS: list[dict[str, str | bool]] = [
    {"partner": "caf", "theme": "famille", "help_kind": "accompagnement"},
    {"partner": "cpam", "theme": "social-sante", "outcome": "a-revoir", "follow_up": True},
]
VISIT_BODY = {"channel": "sur-site", "requests": VISIT_REQUESTS}
WARM_UP_SECONDS = 2.0  # of load before the measured run (its writes are not counted)
RETRY_EVERY = 20  # one request in 20 is sent twice with the same key


def recreate_database(url: str) -> None:
    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"maillon_\w*bench\w*", name):  # never drop a database of real data
        raise ValueError("bench databases are named maillon_…bench…")
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
    cpu_seconds: float = 0.0  # CPU time of the client processes themselves


def _request_bytes(token: str, body: bytes, key: str, keep_alive: bool) -> bytes:
    return (
        f"POST /api/v1/visits HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nIdempotency-Key: {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    ).encode() + body


async def _read_response(reader) -> tuple[int, bytes, bool]:
    """Status, body and whether the server keeps the connection (a minimal HTTP/1.1 reader:
    the load generator shares the 2 cores with the server, so it must cost little)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, body, headers.get("connection", "") != "close"


class _Client:
    """One simulated client: one POST at a time, a new connection for each unless keep-alive."""

    def __init__(self, port: int, token: str, keep_alive: bool) -> None:
        self.port, self.token, self.keep_alive = port, token, keep_alive
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, body: bytes, key: str) -> tuple[int | str, dict | None]:
        try:
            if self.streams is None:
                self.streams = await asyncio.open_connection("127.0.0.1", self.port)
            reader, writer = self.streams
            writer.write(_request_bytes(self.token, body, key, self.keep_alive))
            status, data, open_ = await asyncio.wait_for(_read_response(reader), 10)
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
            self.close()
            return type(exc).__name__, None
        if not (self.keep_alive and open_):
            self.close()
        return status, (json.loads(data) if status in (200, 201) else None)

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


def _post(port: int, token: str, body: bytes, key: str) -> tuple[int | str, dict | None]:
    """One POST outside the load (the warm-up)."""

    async def once():
        return await _Client(port, token, keep_alive=False).post(body, key)

    return asyncio.run(once())


async def _client_loop(
    port, token, site_id, name, deadline, result: ClientResult, keep_alive, retries=True
):
    client = _Client(port, token, keep_alive)
    body = json.dumps({**VISIT_BODY, "site_id": site_id}).encode()
    n = 0
    while time.monotonic() < deadline:
        n += 1
        key = f"{name}-{n}"
        started = time.perf_counter()
        status, data = await client.post(body, key)
        result.latencies.append(time.perf_counter() - started)
        if status == 201 and data:
            result.acked[key] = data["id"]
        else:
            result.errors[str(status)] = result.errors.get(str(status), 0) + 1
        if retries and n % RETRY_EVERY == 0 and status == 201:
            again, data2 = await client.post(body, key)
            if again == 200 and data2 and data2["id"] == result.acked[key]:
                result.retries_consistent += 1
            else:
                result.retries_inconsistent += 1
    client.close()


def client_process(
    port: int,
    agents: list[tuple[str, int]],
    name: str,
    seconds: float,
    keep_alive: bool = False,
    retries: bool = True,
):
    """One OS process running one asyncio task per agent; returns its ClientResult."""
    result = ClientResult()
    deadline = time.monotonic() + seconds

    async def main():
        await asyncio.gather(
            *(
                _client_loop(
                    port, token, site_id, f"{name}-{i}", deadline, result, keep_alive, retries
                )
                for i, (token, site_id) in enumerate(agents)
            )
        )

    cpu = time.process_time()
    asyncio.run(main())
    result.cpu_seconds = time.process_time() - cpu
    return result


def drive(
    port: int,
    agents: list[tuple[str, int]],
    seconds: float,
    processes: int,
    keep_alive: bool = False,
    retries: bool = True,
    prefix: str = "c",
):
    chunks = [agents[i::processes] for i in range(processes)]
    with ProcessPoolExecutor(max_workers=processes) as pool:
        futures = [
            pool.submit(client_process, port, chunk, f"{prefix}{i}", seconds, keep_alive, retries)
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
        merged.cpu_seconds += r.cpu_seconds
        for k, v in r.errors.items():
            merged.errors[k] = merged.errors.get(k, 0) + v
    return merged


def cpu_seconds(pids) -> dict[int, float]:
    """CPU time (user + system) of each live process (Linux /proc), to report what each side
    costs per visit whatever else the machine is running."""
    tick = os.sysconf("SC_CLK_TCK")
    times = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / tick
    return times


def child_pids(parent: int) -> list[int]:
    children = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == parent:
                        children.append(int(name))
            except OSError:
                continue
    return children


def backend_pids(dsn: str) -> list[int]:
    """PostgreSQL server processes serving the bench database (same machine)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        ).fetchall()
    return [row[0] for row in rows]


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


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


RAW_SQL = (
    "WITH visit AS (INSERT INTO activity_visit (site_id, agent_id, occurred_at, day, channel_id,"
    " created_at, updated_at) VALUES (%s, %s, now(), current_date, %s, now(), now())"
    " RETURNING id),"
    " requests AS (INSERT INTO activity_request (visit_id, position, partner_id, theme_id,"
    " help_kind_id, outcome_id, follow_up) SELECT visit.id, r.* FROM visit CROSS JOIN"
    " (VALUES (0, %s::bigint, %s::bigint, %s::bigint, %s::bigint, %s::boolean),"
    " (1, %s, %s, %s, %s, %s)) AS r RETURNING id, outcome_id)"
    " INSERT INTO activity_followup (request_id, site_id, due_on, reference, created_at)"
    " SELECT id, %s, current_date + %s::integer, '', now() FROM requests WHERE outcome_id = %s"
)


@dataclass(frozen=True)
class FollowUpRule:
    """What opens a follow-up (the « à revoir » outcome id) and its delay in days."""

    outcome_id: int
    days: int


def raw_insert_rate(
    dsn: str, rows: list[tuple], clients: int, seconds: float, follow_up: FollowUpRule
) -> float:
    """Visits/s inserting the same rows straight with psycopg (one statement per visit with its
    2 requests and the follow-up of the « à revoir » one), with the same concurrency and no
    application in between."""
    counts = [0] * clients
    deadline = time.monotonic() + seconds

    def worker(i: int) -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            n = 0
            while time.monotonic() < deadline:
                site_id, agent_id, channel_id, requests = rows[(i + n * clients) % len(rows)]
                conn.execute(
                    RAW_SQL,
                    (site_id, agent_id, channel_id, *requests[0], *requests[1], site_id)
                    + (follow_up.days, follow_up.outcome_id),
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


@dataclass
class Run:
    """One load run against a gunicorn: what the clients saw and the CPU each side spent."""

    result: ClientResult
    elapsed: float
    server_cpu: float  # seconds, gunicorn's workers
    database_cpu: float  # seconds, PostgreSQL's backends of the bench database
    load: float  # 1-minute load average at the end


def serve_and_drive(
    *,
    app: str,
    env: dict[str, str],
    agents: list[tuple[str, int]],
    options: dict,
    warm_body: bytes = b"{}",
    retries: bool = True,
) -> Run:
    """Start gunicorn on `app` (the `--workers`/`--threads` of `options`), warm it up with one
    POST of `warm_body`, drive it with the clients, stop it; the same for the product and its
    floor, so that they differ only by the application."""
    port = free_port()
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    server = subprocess.Popen(  # noqa: S603
        [gunicorn, app, "--bind", f"127.0.0.1:{port}", "--workers", str(options["workers"])]
        + ["--threads", str(options["threads"]), "--log-level", "warning"],
        env=env,
    )
    try:
        wait_for_port(port)
        _post(port, agents[0][0], warm_body, "warm-up")  # import everything once
        # then every worker and thread: a worker imports the views on its first request
        drive(port, agents, WARM_UP_SECONDS, 1, options["keep_alive"], False, prefix="warm")
        time.sleep(1)
        dsn = env["DATABASE_URL"]
        workers_before = cpu_seconds(child_pids(server.pid))
        backends_before = cpu_seconds(backend_pids(dsn))
        started = time.monotonic()
        result = drive(
            port,
            agents,
            options["seconds"],
            options["client_processes"],
            keep_alive=options["keep_alive"],
            retries=retries,
        )
        elapsed = time.monotonic() - started
        server_cpu = cpu_used(workers_before, cpu_seconds(child_pids(server.pid)))
        database_cpu = cpu_used(backends_before, cpu_seconds(backend_pids(dsn)))
        load = os.getloadavg()[0]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return Run(result, elapsed, server_cpu, database_cpu, load)


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
