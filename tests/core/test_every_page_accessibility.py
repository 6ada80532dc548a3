"""Every page of Maillon passes the audit's checks in Chromium: axe-core, focus rings, reflow at
320 px, text spacing, and every link and button as drawn, hovered and focused.

The pages are not a hand list: they are the URL resolver's named patterns
(tests/security/endpoints.py), filled with the objects of the isolation matrix's world
(tests/security/world.py) as its rules say (access_rules.py). Each page is opened as the first
role of `ROLES` its rule lets in — the public as anonymous, the desk as its agent, a site's
settings as its manager, the label steps as the network head — and its links and buttons are
measured in each state as every other role of `ROLES` that may read it (a public page is seen
as the public; the superuser's menus are the network head's). A pattern that is
not an HTML page (a download, an action answering a POST, a fragment) is listed with its reason
in maillon/audit/pages.py, and that list is checked too: a new pattern is audited the day it is
added, or declared as no page."""

import contextlib
import time
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import resolve
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Error as PlaywrightError

from maillon.accounts import invitations
from maillon.audit.checks import audit_page
from maillon.audit.contrast import contrast_findings
from maillon.audit.pages import NOT_PAGES_NAMESPACES, not_a_page
from maillon.geo.services import geo_import
from tests.activity.factories import seed_reference_data
from tests.security.access_rules import Rule
from tests.security.endpoints import all_endpoints
from tests.security.test_isolation_matrix import _endpoints, _scopes, _url, _values
from tests.security.world import Persona, World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = (
    "anonymous",
    "agent_site_a1",
    "manager_a1",
    "partner_viewer_p",
    "network_admin_a",
    "superuser",
)
TILES = "**/*tile.openstreetmap.org/**"


def _secrets(world: World, name: str, personas: dict[str, Persona]) -> dict[str, str]:
    """The one-time links' parameters: a valid invitation, a valid password reset."""
    if name == "accounts:invitation_accept":
        return {"token": invitations.invitation_token(world.objects["invitation_org_a1"])}
    if name == "accounts:password_reset_confirm":
        user = personas["manager_a1"].user
        return {
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
    return {}


def _visits(world: World):
    """(view name, [(role, URL)…]) for every named pattern but the API's operations and the
    admin: each role of ROLES that may read it, with an object of its own scope if it has one
    (a public page: its first role only)."""
    personas = {persona.key: persona for persona in world.personas}
    pages, _ = all_endpoints()
    for endpoint in _endpoints(pages, []):
        if endpoint.access is None or endpoint.name.partition(":")[0] in NOT_PAGES_NAMESPACES:
            continue  # no rule: the isolation matrix fails; the admin: out of scope
        visits: list[tuple[Persona, str]] = []
        for key in ROLES:
            if visits and (endpoint.access.rule is Rule.PUBLIC or key == "superuser"):
                break  # the public's pages, as the public; the superuser sees a head's menus
            scope = _scopes(personas[key], endpoint.access)[0]
            if endpoint.access.rule.allows(personas[key], scope):
                values = _values(world, endpoint.access.obj, scope)
                values |= _secrets(world, endpoint.name, personas)
                visits.append((personas[key], _url(endpoint, values)))
        yield endpoint.name, visits


def _context(browser, live_server, persona: Persona):
    """A browser context logged in as `persona` (its session cookie, no login form)."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.route(TILES, lambda route: route.abort())  # nothing from the internet
    if persona.user is not None:
        client = Client()
        client.force_login(persona.user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _is_a_page(response) -> bool:
    if response.status != 200:
        return False
    if not response.headers.get("content-type", "").startswith("text/html"):
        return False
    return "<html" in response.text()[:500].lower()


def _open(page, name: str, url: str) -> tuple[bool, str]:
    """Open the page `name` at `url`: (opened, what is wrong). A pattern listed as no page is
    checked not to be one, and left closed."""
    reason = not_a_page(name)
    if reason:  # the reason holds: not a page a person reads
        if _is_a_page(page.request.get(url, max_redirects=0)):
            return False, f"an HTML page, yet listed as « {reason} »"
        return False, ""
    # a page may redirect to itself (a password reset link hides its token)
    probe = page.request.get(url)
    if not _is_a_page(probe) or resolve(urlsplit(probe.url).path).view_name != name:
        return False, (
            f"answered {probe.status}, not an HTML page: make it reachable or list it with "
            "its reason in maillon/audit/pages.py"
        )
    page.goto(url)
    with contextlib.suppress(PlaywrightError):  # maps and scripts drawn
        page.wait_for_load_state("networkidle", timeout=3000)
    return True, ""


def test_every_page_passes_the_accessibility_checks(browser, live_server):
    """Every page: the five checks as its first role, and the links and buttons in each state
    as every other role that may read it (their menus and actions differ)."""
    geo_import()
    seed_reference_data()
    world = build_world()
    pages: dict[str, object] = {}
    failures: list[str] = []
    audited = Counter()
    started = time.monotonic()
    try:
        for name, visits in _visits(world):
            if not visits:
                failures.append(f"{name}: no role of {ROLES} may read it")
            for rank, (persona, url) in enumerate(visits):
                if persona.key not in pages:
                    pages[persona.key] = _context(browser, live_server, persona)
                page = pages[persona.key]
                where = f"{url} ({name}) as {persona.key}"
                opened, problem = _open(page, name, url)
                failures += [f"{where}: {problem}"] if problem else []
                if not opened:
                    break
                if rank == 0:
                    found = audit_page(page, url).findings
                    found["structure"] = [f"{n} h1" for n in [page.locator("h1").count()] if n != 1]
                else:
                    found = {"contrast": contrast_findings(page)}
                audited["pages" if rank == 0 else "other roles"] += 1
                failures += [f"{where}: {c}: {f}" for c, fs in found.items() for f in fs]
    finally:
        for page in pages.values():
            page.context.close()
    print(
        f"\nevery page: {audited['pages']} pages audited, their links and buttons as "
        f"{audited['other roles']} more role × page, in {time.monotonic() - started:.0f} s; "
        f"{len(failures)} findings"
    )
    assert audited["pages"] >= 60
    assert failures == [], "\n".join(failures)
