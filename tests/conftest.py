"""Shared test fixtures.

- The official geography is loaded once per session into the test database, so tests use real
  communes (Lyon 8e, Saint-Étienne…). Transactional tests (live server, browser) flush the
  database afterwards: they create what they need themselves; pytest-django runs them last.
- Under CI (CI=true) a skipped test is a failure: CI provides PostgreSQL and Chromium.
"""

import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def skip_or_fail(reason: str) -> None:
    """Skip with a visible reason on a developer machine; fail under CI."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from maillon.geo.services import geo_import

    with django_db_blocker.unblock():
        geo_import()


@pytest.fixture(scope="session", autouse=True)
def _media_root(tmp_path_factory):
    """Uploaded files (case attachments) go to a temporary directory, never to ./var."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture
def pdf_rendering():
    """Tests that make PDFs: WeasyPrint needs Debian's Pango libraries."""
    from maillon.reports.rendering.pdf import pdf_available

    if not pdf_available():
        skip_or_fail(
            "WeasyPrint cannot load Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
        )


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 is slow on purpose; tests don't need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches: ids cached by an earlier test may be flushed."""
    from django.core.cache import cache

    from maillon.directory.search import clear_caches

    cache.clear()
    clear_caches()
    yield
    cache.clear()


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests: skipped with a reason on SQLite locally; under CI the SQLite run
    deselects them (the PostgreSQL run of CI covers them), since a skip there is a failure.
    SQLite-only tests (marked `sqlite`) are deselected from a PostgreSQL run."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1] == "postgresql":
        # SQLite-only tests (the SQLite run covers them) are deselected from the PostgreSQL run
        sqlite_only = [item for item in items if item.get_closest_marker("sqlite")]
        if sqlite_only:
            config.hook.pytest_deselected(items=sqlite_only)
            items[:] = [item for item in items if not item.get_closest_marker("sqlite")]
        return
    postgresql_only = [item for item in items if "postgresql" in item.keywords]
    if not postgresql_only:
        return
    if IN_CI:
        config.hook.pytest_deselected(items=postgresql_only)
        items[:] = [item for item in items if "postgresql" not in item.keywords]
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
    for item in postgresql_only:
        item.add_marker(skip)


_skipped_in_ci: list[str] = []


def pytest_runtest_logreport(report):
    if IN_CI and report.skipped:
        _skipped_in_ci.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if IN_CI and _skipped_in_ci:
        print(f"\nCI=true: {len(_skipped_in_ci)} skipped test(s) count as failures:")
        for nodeid in _skipped_in_ci:
            print(f"  {nodeid}")
        session.exitstatus = 1


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if os.path.exists(configured) else None
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    executable = chromium_path()
    if executable is None:
        skip_or_fail("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright is not installed (pip install -e '.[test]')")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
