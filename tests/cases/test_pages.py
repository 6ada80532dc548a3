"""The case pages and who reaches them: a CAF referent of the Aude reads the Aude's CAF cases
only — not the Hérault's, not a CPAM case, never a desk visit; an agent of another site gets
404; attachments answer 404 to all of them. Queues, internal notes, forms with French errors."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from maillon.cases import selectors, services
from maillon.cases.enums import CaseAnswer, CaseStatus, Side
from maillon.cases.models import Case
from tests.activity.factories import seed_reference_data
from tests.cases.factories import PDF, desk_request, open_case, pdf_upload, referent_of, site_in
from tests.factories import MembershipFactory, NetworkFactory, PartnerFactory, agent_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    seed_reference_data()
    aude, herault = site_in("11", name="PIMMS de Carcassonne"), site_in("34", name="PIMMS 34")
    agents = {"aude": agent_of(aude), "herault": agent_of(herault)}
    cases = {
        "caf11": open_case(agents["aude"], aude, attachments=[pdf_upload()]),
        "caf34": open_case(agents["herault"], herault, attachments=[pdf_upload()]),
        "cpam11": open_case(agents["aude"], aude, partner_code="cpam"),
    }
    return {
        "aude": aude,
        "herault": herault,
        "agents": agents,
        "cases": cases,
        "caf11": referent_of("caf", "11").user,
        "caf34": referent_of("caf", "34").user,
        # a referent named for one site of the Hérault, not for the whole département
        "named": referent_of("caf", sites=[herault]).user,
    }


def _urls(case: Case) -> list[str]:
    attachment = case.attachments.first()
    urls = [f"/dossiers/{case.pk}/"]
    if attachment is not None:
        urls.append(f"/dossiers/{case.pk}/pieces/{attachment.pk}/")
    return urls


def test_referent_of_the_aude_reads_only_the_aude_caf_cases(client, world):
    cases = world["cases"]
    client.force_login(world["caf11"])
    for url in _urls(cases["caf11"]):
        assert client.get(url).status_code == 200
    for name in ("caf34", "cpam11"):
        for url in _urls(cases[name]):
            assert client.get(url).status_code == 404, url
    visit = cases["caf11"].request.visit
    assert client.get(f"/activite/passages/{visit.pk}/").status_code == 404
    assert client.get(f"/activite/guichet/?site={world['aude'].pk}").status_code == 404
    queue = client.get("/dossiers/?file=all").content.decode()
    assert "PIMMS de Carcassonne" in queue and "PIMMS 34" not in queue
    assert (
        client.post(f"/dossiers/{cases['caf34'].pk}/message/", {"body": "Bonjour"}).status_code
        == 404
    )
    assert not cases["caf34"].messages.exists()


def test_referent_named_for_a_site(client, world):
    client.force_login(world["named"])
    assert client.get(f"/dossiers/{world['cases']['caf34'].pk}/").status_code == 200
    assert client.get(f"/dossiers/{world['cases']['caf11'].pk}/").status_code == 404


def test_agent_of_another_site_and_a_partner_viewer_get_404(client, world):
    partner_viewer = MembershipFactory(partner_viewer=True, partner=PartnerFactory()).user
    for user in (world["agents"]["herault"], partner_viewer):
        client.force_login(user)
        for url in _urls(world["cases"]["caf11"]):
            assert client.get(url).status_code == 404, url
        assert (
            client.post(f"/dossiers/{world['cases']['caf11'].pk}/clore/", {"useful": "yes"})
        ).status_code == 404
    assert Case.objects.filter(status=CaseStatus.CLOSED).count() == 0


def test_internal_notes_and_their_files_are_for_referents_only(client, world):
    case = world["cases"]["caf11"]
    client.force_login(world["caf11"])
    client.post(f"/dossiers/{case.pk}/note/", {"body": "Appeler le service contentieux"})
    note = case.messages.get(internal=True)
    assert "service contentieux" in client.get(f"/dossiers/{case.pk}/").content.decode()
    client.force_login(world["agents"]["aude"])
    page = client.get(f"/dossiers/{case.pk}/").content.decode()
    assert "service contentieux" not in page
    assert selectors.case_messages(case=case, side=Side.SITE).filter(pk=note.pk).count() == 0
    # a note's file (joined by the service) is 404 to the site
    attachment = services.attachment_add(
        case=case, by=world["caf11"], upload=SimpleUploadedFile("n.pdf", PDF), message=note
    )
    assert client.get(f"/dossiers/{case.pk}/pieces/{attachment.pk}/").status_code == 404


def test_open_form_prefills_the_partner_and_answers_french_errors(client, world):
    agent, site = world["agents"]["aude"], world["aude"]
    request = desk_request(agent, site)
    client.force_login(agent)
    page = client.get(f"/dossiers/nouveau/?request={request.pk}")
    assert page.status_code == 200
    assert f'<option value="{request.partner_id}" selected>' in page.content.decode()
    refused = client.post(
        "/dossiers/nouveau/",
        {
            "request": request.pk,
            "partner": request.partner_id,
            "subject": "Objet",
            "nir": "269054958815781",
            "consent_kind": "oral",
            "consent_on": "",
            "attachments": SimpleUploadedFile("faux.pdf", b"MZ not a pdf"),
        },
    )
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "La clé de ce NIR ne correspond pas" in body
    assert "Seuls les fichiers PDF, JPEG et PNG" in body
    assert "Ce champ est obligatoire" in body  # the consent's date
    assert not Case.objects.filter(request=request).exists()
    # another site's agent: 404 on the form
    client.force_login(world["agents"]["herault"])
    assert client.get(f"/dossiers/nouveau/?request={request.pk}").status_code == 404
    # a request already sent opens its case
    client.force_login(agent)
    sent = world["cases"]["caf11"]
    answer = client.get(f"/dossiers/nouveau/?request={sent.request_id}")
    assert answer.status_code == 302 and answer["Location"] == f"/dossiers/{sent.pk}/"


def test_desk_history_and_followups_link_each_request_to_its_case(client, world):
    agent, site = world["agents"]["aude"], world["aude"]
    fresh = desk_request(agent, site)
    client.force_login(agent)
    for url in (f"/activite/guichet/?site={site.pk}", "/activite/historique/"):
        page = client.get(url).content.decode()
        assert f"/dossiers/nouveau/?request={fresh.pk}" in page, url
        assert "Voir le dossier transmis" in page, url  # the requests already sent
    page = client.get(f"/activite/suites/?site={site.pk}").content.decode()
    assert f"/dossiers/nouveau/?request={fresh.pk}" in page


def test_queues_of_both_sides(world):
    agent, referent = world["agents"]["aude"], world["caf11"]
    case = world["cases"]["caf11"]
    # the referent owes the first answer
    assert case in selectors.queue(user=referent, side=Side.PARTNER, name="waiting")
    assert case not in selectors.queue(user=agent, side=Side.SITE, name="waiting")
    services.message_post(case=case, by=referent, body="Pouvez-vous joindre l'avis ?")
    assert case not in selectors.queue(user=referent, side=Side.PARTNER, name="waiting")
    assert case in selectors.queue(user=agent, side=Side.SITE, name="waiting")
    services.message_post(case=case, by=agent, body="Le voici.")
    assert case in selectors.queue(user=referent, side=Side.PARTNER, name="waiting")
    services.case_answer(case=case, by=referent, answer=CaseAnswer.SOLVED)
    assert case in selectors.queue(user=agent, side=Side.SITE, name="waiting")
    # late, and due within 24 h, from the stored due date
    other = world["cases"]["cpam11"]
    Case.objects.filter(pk=other.pk).update(due_on=timezone.localdate() - datetime.timedelta(1))
    assert list(selectors.queue(user=agent, side=Side.SITE, name="late")) == [other]
    Case.objects.filter(pk=other.pk).update(due_on=timezone.localdate())
    assert selectors.queue(user=agent, side=Side.SITE, name="soon") == [other]
    counts = selectors.queue_counts(user=referent, side=Side.PARTNER)
    assert counts["all"] == 1 and counts["late"] == 0
    # a closed case leaves the working queues but stays in « Tous », whose count is its list's
    services.case_close(case=case, by=agent, useful="yes")
    counts = selectors.queue_counts(user=referent, side=Side.PARTNER)
    listed = selectors.queue(user=referent, side=Side.PARTNER, name="all")
    assert counts["all"] == len(list(listed)) == 1 and counts["waiting"] == 0


def test_home_card_and_menu(client, world):
    client.force_login(world["caf11"])
    page = client.get("/compte/").content.decode()
    assert "Dossiers transmis" in page and "1 en attente de moi" in page
    client.force_login(world["agents"]["aude"])
    page = client.get("/compte/").content.decode()
    assert 'href="/dossiers/"' in page


def test_the_queues_page_leads_to_the_case_rules_and_the_referents(client, world):
    """The network head finds the case rules and the referents' page from the cases; a
    referent finds where to invite a colleague; an agent sees neither link."""
    head = MembershipFactory(role="network_admin", network=NetworkFactory()).user
    client.force_login(head)
    page = client.get("/dossiers/").content.decode()
    assert "/dossiers/regles/" in page and "/dossiers/referents/" in page
    assert client.get("/dossiers/regles/").status_code == 200
    client.force_login(world["caf11"])
    page = client.get("/dossiers/").content.decode()
    assert "/dossiers/regles/" not in page and "/dossiers/referents/" in page
    assert client.get("/dossiers/referents/").status_code == 200
    client.force_login(world["agents"]["aude"])
    page = client.get("/dossiers/").content.decode()
    assert "/dossiers/regles/" not in page and "/dossiers/referents/" not in page
