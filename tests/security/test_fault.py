"""A worker killed under load loses and duplicates no acknowledged write.

`maillon serve` (gunicorn, 2 workers) on its own database; one client per agent posts visits
with an Idempotency-Key and, when a request fails (its worker was killed), sends it again with
the same key until it is acknowledged, as the desk does. Twice during the run the workers are
killed with SIGKILL in the middle of requests (gunicorn forks others). Afterwards every
acknowledged key names exactly one stored visit, no visit is stored without its key (nothing
doubled by a retry), and the rollups equal the facts. Bounded: 8 s of load on each database.

On PostgreSQL the server uses the test database (a transactional test: it sees what the test
commits); on SQLite a migrated file of its own (the test database lives in memory)."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from maillon.bench import desk as bench
from maillon.core.management.commands.serve import gunicorn_argv
from tests.security.processes import maillon, venv_path

AGENTS = 6
LOAD_SECONDS = 8.0
KILLS = 2
MAX_ATTEMPTS = 50

SEED = """
import json
from maillon.accounts.enums import Role
from maillon.accounts.services import api_token_create, user_create_with_membership
from maillon.activity.models import Channel
from maillon.network.models import Organisation, Site
if not Channel.objects.exists():  # a transactional test before this one flushed the taxonomies
    from tests.activity.factories import seed_reference_data
    seed_reference_data()
organisation = Organisation.objects.create(name="PIMMS de l'essai de panne", kind="association")
agents = []
for i in range(%(agents)d):
    site = Site.objects.create(organisation=organisation, name=f"Panne {i}")
    user = user_create_with_membership(
        username=f"panne{i}", password="panne-essai-1", role=Role.AGENT, site=site
    )
    agents.append((api_token_create(user=user, name="panne", scope="write")[1], site.pk))
print(json.dumps(agents))
"""

CHECK = """
import json
from pathlib import Path
from maillon.activity.models import IdempotencyKey, Visit
from maillon.activity.rollups_verify import rollups_compare
acked = json.loads(Path(%(path)r).read_text())
bound = dict(IdempotencyKey.objects.filter(key__in=list(acked)).values_list("key", "object_id"))
print(json.dumps({
    "stored": Visit.objects.filter(pk__in=list(acked.values())).count(),
    "mismatched": sum(1 for key, pk in acked.items() if bound.get(key) != pk),
    "visits": Visit.objects.count(),
    "keys": IdempotencyKey.objects.filter(kind="visit").count(),
    "rollup_differences": rollups_compare()[2],
}))
"""


async def _agent(port, token, site_id, name, deadline, acked, failed):
    client = bench._Client(port, token, keep_alive=False)
    body = json.dumps({**bench.VISIT_BODY, "site_id": site_id}).encode()
    n = 0
    while time.monotonic() < deadline:
        n += 1
        key = f"{name}-{n}"
        for _attempt in range(MAX_ATTEMPTS):
            status, data = await client.post(body, key)
            if status in (200, 201) and data:
                acked[key] = data["id"]
                break
            failed[str(status)] = failed.get(str(status), 0) + 1
    client.close()


async def _load_with_kills(port: int, server_pid: int, agents) -> tuple[dict, dict, list]:
    acked: dict[str, int] = {}
    failed: dict[str, int] = {}
    killed: list[int] = []
    deadline = time.monotonic() + LOAD_SECONDS

    async def killer():
        for _ in range(KILLS):
            await asyncio.sleep(LOAD_SECONDS / (KILLS + 1))  # the faults' schedule, not a wait
            # every worker, so that requests are surely cut in the middle
            for worker in bench.child_pids(server_pid):
                os.kill(worker, signal.SIGKILL)
                killed.append(worker)

    await asyncio.gather(
        killer(),
        *(
            _agent(port, token, site_id, f"agent{i}", deadline, acked, failed)
            for i, (token, site_id) in enumerate(agents)
        ),
    )
    return acked, failed, killed


def _database_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'fault.sqlite3'}"
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.mark.parametrize(
    "backend",
    [
        "sqlite",
        pytest.param(
            "postgresql",
            marks=[pytest.mark.postgresql, pytest.mark.django_db(transaction=True)],
        ),
    ],
)
def test_a_worker_killed_under_load_loses_and_doubles_no_acknowledged_write(backend, tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DATABASE_URL": _database_url(backend, tmp_path),
        "MAILLON_DATA_DIR": str(tmp_path),
        "PATH": venv_path(),
    }
    if backend == "sqlite":
        maillon(env, "migrate", "--noinput")
    agents = json.loads(maillon(env, "shell", "-c", SEED % {"agents": AGENTS}))
    port = bench.free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    # `maillon serve`'s server, the application loaded before the workers fork (--preload):
    # a killed worker's successor serves at once, so the load goes on during the run
    argv = gunicorn_argv(gunicorn, bind=f"127.0.0.1:{port}", workers=2, threads=2)
    server = subprocess.Popen(
        [*argv, "--preload"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        bench.wait_for_port(port)
        # in a thread of their own: the browser tests' Playwright may run an event loop here
        with ThreadPoolExecutor(max_workers=1) as thread:
            warm_up = thread.submit(bench._post, port, agents[0][0], b"{}", "warm-up")
            assert warm_up.result()[0] == 422
            load = thread.submit(asyncio.run, _load_with_kills(port, server.pid, agents))
            acked, failed, killed = load.result()
        workers_after = bench.child_pids(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    assert len(killed) >= KILLS and not set(killed) & set(workers_after)  # gunicorn replaced them
    assert len(acked) >= 30 and failed, failed  # requests were cut, and retried
    path = tmp_path / "acked.json"
    path.write_text(json.dumps(acked))
    check = json.loads(maillon(env, "shell", "-c", CHECK % {"path": str(path)}))
    print(
        f"\n{backend}: {len(acked)} acknowledged visits, {len(killed)} workers killed, "
        f"failed attempts retried {failed}, check {check}"
    )
    assert check == {
        "stored": len(acked),  # no acknowledged write lost
        "mismatched": 0,  # each key names the visit it acknowledged
        "visits": check["keys"],  # no visit without its key: no retry doubled one
        "keys": check["keys"],
        "rollup_differences": 0,
    }
    assert check["visits"] >= len(acked)
