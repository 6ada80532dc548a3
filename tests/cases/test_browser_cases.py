"""In a real browser, the loop of issue 17: an agent turns a desk request into a case with the
person's consent and one attachment; the CAF referent of the site's département receives the
e-mail (captured), follows its link, answers; the agent closes the case as useful. A CAF
referent of another département reads neither the case nor its file (404); the case is in
the CAF partner report of the month with its times."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from maillon.cases import services
from maillon.cases.enums import CaseAnswer, CaseStatus, ConsentKind, Usefulness
from maillon.cases.models import Case
from maillon.geo.models import Department
from maillon.geo.services import geo_import
from maillon.network.models import Agreement
from tests.accessibility import page_problems
from tests.activity.factories import seed_reference_data
from tests.browser import log_in
from tests.cases.factories import (
    PDF,
    desk_request,
    partner,
    pdf_upload,
    referent_of,
    site_in,
)
from tests.factories import MembershipFactory, agent_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _geography():
    """A transactional test before this one flushed the official geography: load it again."""
    if not Department.objects.exists():
        geo_import()


@pytest.fixture
def inline_jobs(settings):
    """The e-mail jobs run at once, in the request that enqueues them (no worker needed)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _log_out(page) -> None:
    page.get_by_role("button", name=re.compile("Se déconnecter")).click()


def test_agent_sends_a_case_the_referent_answers_the_agent_closes_it(
    page, inline_jobs, live_server, settings, tmp_path
):
    settings.MAILLON_BASE_URL = live_server.url
    seed_reference_data()
    site = site_in("11", name="PIMMS de Carcassonne")
    agent = agent_of(site, user__email="agent@example.org")
    caf11 = referent_of("caf", "11", email="caf11@example.org").user
    caf34 = referent_of("caf", "34", email="caf34@example.org").user
    caf_viewer = MembershipFactory(partner_viewer=True, partner=partner("caf")).user
    Agreement.objects.create(partner=partner("caf"), site=site, start_date="2025-01-01")
    request = desk_request(agent, site)
    scan = tmp_path / "avis-de-situation.pdf"
    scan.write_bytes(PDF)

    # the agent, from today's log at the desk
    log_in(
        page,
        agent.username,
        start=f"/activite/guichet/?site={site.pk}",
        landing=r"/activite/guichet/",
    )
    page.locator(".desk-log").get_by_role(
        "link", name=re.compile("^Transmettre au partenaire")
    ).click()
    page.wait_for_url(re.compile(rf"/dossiers/nouveau/\?request={request.pk}$"))
    assert page.locator("#id_partner").input_value() == str(request.partner_id)
    page.get_by_label("Objet").fill("Prime d'activité suspendue depuis mars")
    page.get_by_label("Description de la situation").fill("Versement arrêté sans courrier.")
    page.get_by_label("Numéro d'allocataire (CAF)").fill("1234567")
    page.get_by_label("oral, au guichet").check()
    page.get_by_label("Consentement recueilli le").fill(timezone.localdate().isoformat())
    page.get_by_label("Pièces jointes").set_input_files(str(scan))
    page.get_by_role("button", name="Transmettre le dossier").click()
    page.wait_for_url(re.compile(r"/dossiers/\d+/$"))
    page.get_by_role("status").filter(has_text="Dossier transmis au partenaire").wait_for()
    case = Case.objects.get()
    assert case.status == CaseStatus.NEW and case.allocataire_number == "1234567"
    assert page.get_by_role("link", name="avis-de-situation.pdf").is_visible()
    request.refresh_from_db()
    assert request.outcome.code == "dossier-transmis"

    # the CAF referent of the Aude, and only him, is told by e-mail
    assert [m.to for m in mail.outbox] == [["caf11@example.org"]]
    link = re.search(r"https?://\S+/dossiers/\d+/", mail.outbox[0].body).group(0)
    _log_out(page)
    log_in(page, caf11.username, start=link, landing=rf"/dossiers/{case.pk}/$")
    page.get_by_role("heading", name="Prime d'activité suspendue depuis mars").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="avis-de-situation.pdf").click()
    assert download.value.path().read_bytes() == PDF
    page.get_by_label("résolu", exact=True).check()
    page.get_by_label("Message à l'agent (facultatif)").fill("Versement rétabli ce jour.")
    page.get_by_role("button", name="Enregistrer la réponse").click()
    page.get_by_role("status").filter(has_text="Dossier traité").wait_for()
    case.refresh_from_db()
    assert case.status == CaseStatus.ANSWERED and case.answer == CaseAnswer.SOLVED
    assert case.first_answer_at is not None
    assert ["agent@example.org"] in [m.to for m in mail.outbox]

    # a CAF referent of the Hérault reads neither the case nor its file
    _log_out(page)
    log_in(page, caf34.username)
    assert page.goto(f"/dossiers/{case.pk}/").status == 404
    attachment = case.attachments.get()
    assert page.goto(f"/dossiers/{case.pk}/pieces/{attachment.pk}/").status == 404
    page.goto("/dossiers/")
    assert "Prime d'activité" not in page.content()

    # the agent sees it waiting on him from his home page and closes it as useful
    page.goto("/compte/")
    _log_out(page)
    log_in(page, agent.username)
    page.get_by_role("link", name="1 en attente de moi").click()
    page.get_by_role("link", name="Prime d'activité suspendue depuis mars").click()
    assert "Versement rétabli ce jour." in page.locator(".case-thread").inner_text()
    page.get_by_label("oui", exact=True).check()
    page.get_by_role("button", name="Clore le dossier").click()
    page.get_by_role("status").filter(has_text="Dossier clos").wait_for()
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.useful == Usefulness.YES
    assert case.closed_at is not None and case.due_on is None

    # the case is in the CAF partner report of the month, with its times
    _log_out(page)
    log_in(page, caf_viewer.username)
    page.goto(f"/rapports/partenaire/?partenaire=caf&periode={timezone.localdate():%Y-%m}")
    section = page.get_by_role("region", name="Dossiers transmis aux partenaires")
    summary = section.get_by_role("table", name="Tableau de bord des dossiers transmis")

    def cells(label: str) -> list[str]:
        row = summary.get_by_role("row").filter(has_text=label).first
        return row.inner_text().split("\t")[1:]

    assert cells("Dossiers transmis")[0] == "1"
    assert cells("Délai médian de première réponse")[0].strip() == "0"
    assert cells("Part « utile pour l'usager »")[0].strip().startswith("100")


def test_case_pages_pass_the_accessibility_checks_and_fit_a_phone(page):
    pytest.importorskip("axe_playwright_python")
    seed_reference_data()
    site = site_in("11", name="PIMMS de Carcassonne")
    agent = agent_of(site)
    referent = referent_of("caf", "11").user
    case = services.case_open(
        request_id=desk_request(agent, site).pk,
        by=agent,
        subject="Prime d'activité suspendue",
        description="Versement arrêté.",
        consent_kind=ConsentKind.ORAL,
        consent_on=timezone.localdate(),
        attachments=[pdf_upload()],
    )
    services.message_post(case=case, by=referent, body="Je regarde ce dossier.")
    fresh = desk_request(agent, site)
    page.set_viewport_size({"width": 390, "height": 844})
    for user, urls in (
        (
            agent,
            [
                "/dossiers/?file=all",
                f"/dossiers/{case.pk}/",
                f"/dossiers/nouveau/?request={fresh.pk}",
            ],
        ),
        (referent, ["/dossiers/?file=all", f"/dossiers/{case.pk}/", "/compte/"]),
    ):
        log_in(page, user.username)
        for url in urls:
            page.goto(url)
            assert page_problems(page) == {}, url
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{url}: {width} px wide"
        _log_out(page)
