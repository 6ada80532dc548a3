"""In a real browser: the API's documentation page works under the site's CSP, from local
files only, after login; it has a language, one h1 (Swagger UI's), landmarks and no
accessibility finding."""

import pytest

from tests.accessibility import axe_problems
from tests.browser import log_in
from tests.factories import SiteFactory, agent_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_after_login_without_csp_violation_or_outside_request(page, live_server):
    user = agent_of(SiteFactory())
    problems, outside = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    log_in(page, user.username, start="/api/docs", landing=r"/api/docs$")
    page.get_by_text("/api/v1/visits", exact=True).first.wait_for(timeout=30_000)
    assert page.locator(".opblock").count() > 10
    assert not [p for p in problems if "Content Security Policy" in p], problems
    assert outside == []
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.locator("h1").count() == 1  # Swagger UI's title of the API
    assert page.get_by_text("Documentation de l'API Maillon").is_visible()
    assert page.locator("header").count() >= 1 and page.locator("main").count() == 1
    assert page.locator(".opblock-summary-control a[href]").count() == 0  # no link in a button
    assert axe_problems(page) == []
