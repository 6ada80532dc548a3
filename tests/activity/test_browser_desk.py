"""In a real browser: an agent records a visit with two requests by keyboard only, sees it in
today's log, edits it; an agent of another organisation cannot see it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillon.activity.models import Visit
from maillon.activity.rollups_verify import rollups_compare
from maillon.network.selectors import site_timezone
from tests.accessibility import axe_problems, contrast_problems
from tests.activity.factories import record_visit, seed_reference_data
from tests.factories import DEFAULT_PASSWORD, SiteFactory, agent_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ready_to_type(page) -> None:
    """Wait for the quick field to hold the focus. Chromium applies `autofocus` at its next
    rendering step, which can come after the load event on a busy machine: keystrokes typed
    before it go to the page's body (CI lost a visit that way)."""
    expect(page.locator("[name=quick]")).to_be_focused()


def _login(page, user) -> None:
    page.goto("/activite/guichet/")
    assert "/compte/connexion/" in page.url
    page.get_by_label("Identifiant").fill(user.username)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^[^?]*/activite/guichet/"))


def test_agent_records_a_visit_by_keyboard_and_edits_it(page):
    seed_reference_data()
    site = SiteFactory(name="PIMMS du Port")
    other_site = SiteFactory(name="PIMMS d'ailleurs")
    agent, stranger = agent_of(site), agent_of(other_site)

    _login(page, agent)
    _ready_to_type(page)
    keystrokes = "caf2 cpam3"
    page.keyboard.type(keystrokes)
    page.keyboard.press("Enter")
    print(f"\ndesk visit: {len(keystrokes) + 1} keystrokes")
    assert len(keystrokes) + 1 <= 12
    status = page.get_by_role("status").filter(has_text="Passage enregistré")
    status.wait_for()
    log = page.locator(".desk-log")
    assert (
        "CAF · Famille - Scolarité · Information (par défaut) · Résolu lors du passage (par défaut)"
        in log.inner_text()
    )
    assert "CPAM · Social - Santé" in log.inner_text()
    _ready_to_type(page)  # next visitor at once
    visit = Visit.objects.get()
    assert visit.requests.count() == 2

    page.get_by_role("link", name=re.compile("^Modifier")).click()
    page.get_by_label("Demandes du passage").fill("caf2 cpam3/io")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    page.wait_for_url(re.compile(r"^[^?]*/activite/guichet/"))
    assert (
        "CPAM · Social - Santé · Information · Réorienté" in page.locator(".desk-log").inner_text()
    )

    page.get_by_role("button", name=re.compile("Se déconnecter")).click()
    _login(page, stranger)
    assert "Aucun passage enregistré aujourd'hui." in page.locator(".desk-log").inner_text()
    assert "CPAM" not in page.locator(".desk-log").inner_text()
    response = page.goto(f"/activite/passages/{visit.pk}/")
    assert response.status == 404


def test_desk_outreach_and_workshop_pages_pass_axe(page):
    pytest.importorskip("axe_playwright_python")
    seed_reference_data()
    site = SiteFactory(name="PIMMS du Port")
    agent = agent_of(site)
    visit = record_visit(agent, site)  # the log has a row, with its buttons
    _login(page, agent)
    assert axe_problems(page) == [], "guichet"
    for url in (
        f"/activite/passages/{visit.pk}/",
        "/activite/mediation-sortante/",
        "/activite/ateliers/",
    ):
        page.goto(url)
        assert axe_problems(page) == [], url
    # the desk right after a deletion, with « Passage supprimé — Annuler »
    page.goto(f"/activite/passages/{visit.pk}/supprimer/")
    page.get_by_role("button", name="Supprimer définitivement").click()
    page.get_by_role("status").filter(has_text="Passage supprimé —").wait_for()
    assert axe_problems(page) == [], "guichet après une suppression"


def test_every_link_and_button_of_the_desk_tabs_is_readable(page):
    """The tabs and « Supprimer » were white on white (the header's link colour); axe only
    lists equal colours as "needs review". Each tab, in each state, is measured."""
    seed_reference_data()
    site = SiteFactory(name="PIMMS du Port")
    agent = agent_of(site)
    record_visit(agent, site)
    _login(page, agent)
    for tab in ("Passages", "Médiation sortante", "Ateliers collectifs"):
        page.get_by_role("navigation", name="Activité").get_by_role("link", name=tab).click()
        page.wait_for_load_state()
        # each link and button as drawn, hovered and focused
        assert contrast_problems(page) == [], tab
    page.get_by_role("link", name="Passages").click()
    assert page.get_by_role("link", name=re.compile("^Supprimer")).is_visible()


def _focus_and_press(page, locator, key: str = "Enter") -> None:
    """Reach a control and activate it from the keyboard."""
    locator.focus()
    page.keyboard.press(key)


def test_a_mediator_s_day_by_keyboard(page):
    """Record a visit, edit it (its requests replaced, not added), record yesterday's visit the
    next morning, delete one after confirming it, then undo the deletion: by keyboard, and the
    rollups stay exact after every step."""
    seed_reference_data()
    site = SiteFactory(name="PIMMS du Port")
    agent = agent_of(site)
    _login(page, agent)
    _ready_to_type(page)
    page.keyboard.type("caf2/ar cpam3/ov")
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Passage enregistré").wait_for()
    visit = Visit.objects.get()

    _focus_and_press(page, page.get_by_role("link", name=re.compile("^Modifier")))
    page.wait_for_url(re.compile(r"/activite/passages/\d+/$"))
    _ready_to_type(page)  # was the page's body
    assert page.evaluate("document.activeElement.value") == "caf2/ar cpam3/ov"
    page.keyboard.press("End")
    page.keyboard.type(" 13")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^[^?]*/activite/guichet/"))
    assert visit.requests.count() == 3  # replaced: 2 + 1 typed (it saved 2 + 3)
    assert page.locator(f"#passage-{visit.pk} .request-list li").count() == 3

    yesterday = timezone.localdate(timezone=site_timezone(site)) - datetime.timedelta(days=1)
    page.get_by_label("Demandes (saisie rapide)").focus()
    page.keyboard.type("caf2")
    page.get_by_label("Date").fill(yesterday.isoformat())
    page.get_by_label("Heure").fill("16:30")
    page.get_by_label("Demandes (saisie rapide)").focus()
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Passage enregistré").wait_for()
    late = Visit.objects.exclude(pk=visit.pk).get()
    assert "Passages du " in page.locator("#log-title").inner_text()  # the log of that day
    assert late.day == yesterday
    assert "(par défaut)" in page.locator(f"#passage-{late.pk}").inner_text()

    _focus_and_press(page, page.get_by_role("link", name=re.compile("^Supprimer")))
    page.wait_for_url(re.compile(r"/supprimer/$"))
    assert Visit.objects.filter(pk=late.pk).exists()  # asked first
    _focus_and_press(page, page.get_by_role("button", name="Supprimer définitivement"))
    page.wait_for_url(re.compile(r"^[^?]*/activite/guichet/"))
    assert not Visit.objects.filter(pk=late.pk).exists()
    _, differences, total = rollups_compare()
    assert total == 0, differences

    # « Passage supprimé — Annuler »: undone from the keyboard, the visit is back, whole
    offer = page.get_by_role("status").filter(has_text="Passage supprimé —")
    assert offer.is_visible()
    _focus_and_press(page, offer.get_by_role("button", name=re.compile("^Annuler")))
    page.get_by_role("status").filter(has_text="Suppression annulée").wait_for()
    restored = Visit.objects.get(pk=late.pk)
    assert (restored.day, restored.requests.count()) == (yesterday, 1)
    assert page.locator(f"#passage-{late.pk}").is_visible()
    assert not page.get_by_role("status").filter(has_text="Passage supprimé —").count()
    _, differences, total = rollups_compare()
    assert total == 0, differences


def test_the_desk_and_the_visit_pages_fit_a_phone(page):
    """390 × 844: no horizontal scroll (the desk was 515 px wide)."""
    seed_reference_data()
    site = SiteFactory(name="Point d'accueil France Services de la communauté de communes")
    agent = agent_of(site)
    visit = record_visit(agent, site)
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, agent)
    for url in (
        f"/activite/guichet/?site={site.pk}",
        f"/activite/passages/{visit.pk}/",
        f"/activite/passages/{visit.pk}/supprimer/",
    ):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
            " > 391).map(e => e.tagName + '.' + e.className + '#' + e.id + ' '"
            " + Math.round(e.getBoundingClientRect().right)).slice(0, 12)"
        )
        assert width <= 390, (url, width, wide)
    page.goto(f"/activite/guichet/?site={site.pk}")
    _ready_to_type(page)
    page.keyboard.type("caf2 cpam3")  # the 11-keystroke path still works on a phone
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Passage enregistré").wait_for()
    assert Visit.objects.count() == 2


def test_yesterday_s_visit_opens_a_french_page_not_a_bare_403(page):
    seed_reference_data()
    site = SiteFactory(name="PIMMS du Port")
    agent = agent_of(site)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    visit = record_visit(agent, site, occurred_at=yesterday)
    _login(page, agent)
    response = page.goto(f"/activite/passages/{visit.pk}/")
    assert response.status == 403
    assert page.get_by_role("heading", name="Ce passage ne peut plus être modifié").is_visible()
    assert "responsable" in page.get_by_role("alert").inner_text()
