"""The pages of each role, found the way a person finds them: from the role's home, following
the links of each page, one page per URL pattern (the resolver's view name) and role.

The URL resolver says which pattern a link reaches, so pages are counted by pattern (the
detail page of one site stands for all of them) and the patterns nobody reached are reported
with the audit: the coverage is measured, not assumed."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.urls import Resolver404, get_resolver, resolve
from playwright.sync_api import Error as PlaywrightError

from maillon.audit.pages import DOWNLOAD_FORMATS, not_a_page

# The demo's accounts (`maillon demo`), one per role, and where each one starts.
DEMO_ROLES = {
    "anonyme": ("", ""),
    "reseau": ("reseau", "reseau-demo-2020"),
    "gestionnaire": ("gestionnaire", "gestion-demo-2020"),
    "agent": ("agent", "agent-demo-2020"),
    "partenaire": ("partenaire", "caf-demo-2020"),
    "referent": ("referent-caf", "caf-referent-demo-2020"),
    "admin": ("admin", "admin-demo-2020"),
}
TILES = "**/*tile.openstreetmap.org/**"
START = (
    "/?q=PIMMS",
    "/donnees/",
    "/compte/",
    "/dossiers/",
    "/api/docs",
    "/accessibilite/",
)


@dataclass(frozen=True)
class Link:
    path: str  # with its query
    view: str  # the resolver's view name


def view_name(path: str) -> str | None:
    """The namespaced name of the pattern `path` reaches, None for what is not audited."""
    parts = urlsplit(path)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    name = match.view_name
    if not_a_page(name):  # a file, an action, a fragment, the admin (maillon/audit/pages.py)
        return None
    formats = parse_qs(parts.query).get("format", [])
    if any(value in DOWNLOAD_FORMATS for value in formats):
        return None
    return name


def all_views() -> set[str]:
    """Every named pattern that is a page (for the coverage line)."""
    found: set[str] = set()

    def walk(patterns, namespace: str = "") -> None:
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if namespace == "api" and name != "api:openapi-view":
                    continue  # the API's operations are JSON, audited by their schema
                if not not_a_page(name):
                    found.add(name)

    walk(get_resolver().url_patterns)
    return found


_LINKS = """
() => [...document.querySelectorAll("a[href]")]
  .filter((a) => a.origin === location.origin && !a.hasAttribute("download"))
  .map((a) => a.pathname + a.search)
"""


def crawl(page, *, start: tuple[str, ...] = START, limit: int = 80) -> Iterator[Link]:
    """Open pages breadth-first from `start` in the logged-in `page`, yielding each new
    pattern's first page once it is loaded (the caller audits it before the crawl goes on)."""
    queue = [path for path in start if view_name(path)]
    seen_views: set[str] = set()
    seen_paths: set[str] = set()
    while queue and len(seen_views) < limit:
        path = queue.pop(0)
        name = view_name(path)
        if name is None or name in seen_views or path in seen_paths:
            continue
        seen_paths.add(path)
        try:
            response = page.goto(path)
        except PlaywrightError:  # a page that navigates away by itself while loading
            continue
        if response is None or response.status >= 400:
            continue
        # what scripts draw after the load (maps, the API's documentation)
        with contextlib.suppress(PlaywrightError):
            page.wait_for_load_state("networkidle", timeout=5000)
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        landed = urlsplit(page.url)  # after redirects (a page that asks to log in…)
        name = view_name(landed.path + (f"?{landed.query}" if landed.query else ""))
        if name is None or name in seen_views:
            continue
        seen_views.add(name)
        links = page.evaluate(_LINKS)
        yield Link(path, name)
        queue.extend(link for link in links if link not in seen_paths)


def log_in(page, username: str, password: str) -> None:
    page.goto("/compte/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if "/connexion/" in page.url:
        raise RuntimeError(f"could not log in as {username}")


def pages_of_roles(
    browser, base_url: str, roles: dict[str, tuple[str, str]], *, limit: int
) -> Iterator[tuple[str, Link, object]]:
    """(role, link, page) for every page each role reaches, in a fresh context per role."""
    for role, (username, password) in roles.items():
        context = browser.new_context(base_url=base_url, locale="fr-FR")
        context.route(TILES, lambda route: route.abort())  # nothing from the internet
        page = context.new_page()
        if username:
            log_in(page, username, password)
        for link in crawl(page, limit=limit):
            yield role, link, page
        context.close()
