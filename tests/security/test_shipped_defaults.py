"""Maillon as shipped: a real server started with the environment of `.env.example` and nothing
else (no setting overridden), on a fresh migrated SQLite database with a little data. Every
anonymous page and every public API operation, enumerated from the URL resolver and the
OpenAPI document, answers without a server error.

A test that overrides a setting never sees the value the product ships with: the public API
once answered 500 to every request because `.env.example` gave `MAILLON_PUBLIC_API_RATE` in a
form the code did not read."""

import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

from maillon.bench.desk import free_port
from tests.security.endpoints import all_endpoints
from tests.security.processes import ROOT, maillon, venv_path

STARTUP_TIMEOUT = 60

SEED = """
from maillon.geo.models import Commune, Department, PostalCode, Region
from maillon.network.models import Organisation, Site
region = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
department = Department.objects.create(code="69", name="Rhône", region=region)
commune = Commune.objects.create(
    code="69388", kind="ARM", name="Lyon 8e Arrondissement", department=department,
    region=region, search_name="lyon 8e arrondissement", latitude=45.73, longitude=4.87,
)
PostalCode.objects.create(code="69008", commune=commune)
organisation = Organisation.objects.create(name="PIMMS de Lyon", kind="association")
site = Site.objects.create(
    organisation=organisation, name="PIMMS Lyon 8e", kind="fixed", commune=commune,
    address="1 rue Paul Cazeneuve", postal_code="69008", latitude=45.73, longitude=4.87,
    opening_hours="Mo-Fr 09:00-12:00,13:30-17:00",
)
print(site.pk, commune.code)
"""


def shipped_environment() -> dict[str, str]:
    """The variables `.env.example` sets, as an operator copying it would have them."""
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def get(url: str) -> tuple[int, bytes]:
    try:
        with OPENER.open(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(_NoRedirect)  # a redirect is an answer, not followed


@pytest.fixture(scope="module")
def shipped_server(tmp_path_factory):
    """`maillon serve` with `.env.example`'s environment and a temporary data directory."""
    data_dir = tmp_path_factory.mktemp("shipped")
    env = {
        "PATH": venv_path(),
        "HOME": str(data_dir),
        **shipped_environment(),
        "MAILLON_DATA_DIR": str(data_dir),
    }

    maillon(env, "migrate", "--noinput")
    site_pk, commune_code = maillon(env, "shell", "-c", SEED).split()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "maillon", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        cwd=data_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    listening = threading.Event()
    log: list[str] = []

    def drain():
        for line in server.stderr:
            log.append(line)
            if "Listening at" in line:
                listening.set()
        listening.set()  # the server stopped: the test reports its log

    threading.Thread(target=drain, daemon=True).start()
    try:
        listening.wait(STARTUP_TIMEOUT)
        assert server.poll() is None, "the server did not start:\n" + "".join(log)
        yield {
            "base": f"http://127.0.0.1:{port}",
            "values": {
                "pk": site_pk,
                "site_id": site_pk,
                "code": commune_code,
                "fmt": "csv",
                "token": "invitation-inconnue",
            },
            "log": log,
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_every_public_endpoint_answers_without_server_error_with_the_shipped_settings(
    shipped_server,
):
    base, values = shipped_server["base"], shipped_server["values"]
    pages, api_operations = all_endpoints()
    public_operations = [op for op in api_operations if op.public]
    urls = [page.url(values) for page in pages if page.public]
    urls += [op.url(values) for op in public_operations if op.method == "get"]
    # a search too, not only the empty form
    urls += ["/?q=lyon", "/api/v1/public/sites?q=lyon", "/api/v1/geo/communes?q=lyon"]
    assert len(public_operations) >= 4 and len(urls) >= 12

    answers = {url: get(base + url) for url in urls}

    errors = {url: status for url, (status, _) in answers.items() if status >= 500}
    assert errors == {}, "".join(shipped_server["log"][-40:])
    status, body = answers["/api/v1/public/sites?q=lyon"]
    assert status == 200
    assert [item["name"] for item in json.loads(body)["items"]] == ["PIMMS Lyon 8e"]
