"""The network head's labelling workspace: the pipeline page and its downloads, the steps of a
site's label, the committee, the correction of a wrong decision, the settings."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from maillon.accounts.enums import Role
from maillon.journal.models import JournalEntry
from maillon.labels.enums import ApplicationStatus, DecisionOutcome
from maillon.labels.models import Certification, LabelApplication, LabelDecision, LabelSettings
from maillon.labels.publications import labelled_sites_list
from maillon.network.models import Site
from tests.factories import MembershipFactory, agent_of, manager_of
from tests.labels.factories import candidate_sites

D = datetime.date


@pytest.fixture
def head(pimms):
    return MembershipFactory(role=Role.NETWORK_ADMIN, network=pimms).user


@pytest.fixture
def head_client(client, head):
    client.force_login(head)
    return client


def test_pipeline_page_counts_filters_and_downloads(head_client, django_assert_max_num_queries):
    url = "/label/parcours/?on=2020-10-14"
    with django_assert_max_num_queries(16):
        response = head_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "53 points d'accueil labellisés" in html
    assert "labellisé depuis le 1er janvier 2020" in html
    loire = head_client.get(url + "&departement=42").content.decode()
    assert loire.count('class="state-labelled"') == 3
    csv = head_client.get(url + "&format=csv")
    assert csv.content.startswith("\ufeff".encode())
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Région;Département (code);")
    assert sum("labellisé depuis le 1er septembre 2020" in line for line in lines) == 13
    xlsx = head_client.get(url + "&format=xlsx&etat=labelled")
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.worksheets[1].max_row == 1 + 53


def test_a_manager_reads_his_own_sites_only_and_cannot_act(client, pimms):
    site = Site.objects.get(external_id="narbonne")
    client.force_login(manager_of(site.organisation))
    html = client.get("/label/parcours/?on=2020-10-14").content.decode()
    assert "lecture seule" in html
    assert site.name in html
    assert "Montreynaud" not in html
    assert client.get(f"/label/points-d-accueil/{site.pk}/label/").status_code == 200
    response = client.post(
        f"/label/points-d-accueil/{site.pk}/retrait/",
        {"withdraw-effective_date": "2021-01-01", "withdraw-reason": "non"},
    )
    assert response.status_code == 404
    assert not LabelDecision.objects.filter(site=site, outcome="withdrawn").exists()


def test_an_agent_gets_a_404(client, pimms):
    client.force_login(agent_of(Site.objects.get(external_id="narbonne")))
    assert client.get("/label/parcours/").status_code == 404


def _file_and_audit(client, site, filed_on="2026-01-05"):
    client.post(
        f"/label/points-d-accueil/{site.pk}/candidature/",
        {"file-filed_on": filed_on, "file-kind": "initial", "file-source": ""},
    )
    client.post(
        f"/label/points-d-accueil/{site.pk}/audit/",
        {
            "audit-date": "2026-02-10",
            "audit-auditor": "Cabinet Audit Conseil",
            "audit-outcome": "favourable",
            "audit-conclusion": "Accueil conforme.",
        },
    )
    return LabelApplication.objects.get(site=site)


def test_file_audit_and_committee_then_the_list_marks_them_new(head_client, head, pimms):
    sites = candidate_sites(pimms)
    applications = [_file_and_audit(head_client, site) for site in sites]
    assert applications[0].status == ApplicationStatus.AUDITED
    assert applications[0].self_check, "the self-check of the filing day is attached"
    response = head_client.post(
        "/label/comite/?reseau=pimms",
        {
            "date": "2026-03-02",
            "effective_date": "2026-04-01",
            "name": "",
            "source": "",
            **{f"verdict_{a.pk}": "favourable" for a in applications},
        },
    )
    assert response.status_code == 302
    listing = labelled_sites_list(network=pimms, on=D(2026, 4, 1), new_since=D(2026, 3, 31))
    assert listing.new == 3
    assert JournalEntry.objects.filter(actor=head, object_repr__contains="labellisé").count() == 3


def test_a_wrong_decision_is_corrected_both_stay_and_the_list_follows(head_client, head, pimms):
    site = Site.objects.get(external_id="narbonne")
    wrong = LabelDecision.objects.get(site=site)
    response = head_client.post(
        f"/label/points-d-accueil/{site.pk}/correction/",
        {
            "correction-decision": str(wrong.pk),
            "correction-outcome": DecisionOutcome.GRANTED,
            "correction-effective_date": "2020-09-01",
            "correction-reason": "Labellisé à la vague de septembre, pas en janvier.",
        },
    )
    assert response.status_code == 302
    assert LabelDecision.objects.filter(site=site).count() == 2
    jan = labelled_sites_list(network=pimms, on=D(2020, 1, 1))
    assert jan.total == 32
    page = head_client.get(f"/label/points-d-accueil/{site.pk}/label/").content.decode()
    assert "corrigée" in page and "pas en janvier" in page
    entry = JournalEntry.objects.get(object_id=str(wrong.superseded_by.pk))
    assert entry.actor == head
    with pytest.raises(Exception, match="never deleted"):
        wrong.delete()


def test_withdrawal_needs_a_reason(head_client, pimms):
    site = Site.objects.get(external_id="narbonne")
    url = f"/label/points-d-accueil/{site.pk}/retrait/"
    refused = head_client.post(
        url, {"withdraw-effective_date": "2021-01-01", "withdraw-reason": ""}
    )
    assert refused.status_code == 400
    head_client.post(
        url, {"withdraw-effective_date": "2021-01-01", "withdraw-reason": "Fermeture du local"}
    )
    assert LabelDecision.objects.get(site=site, outcome="withdrawn").reason == "Fermeture du local"


def test_settings_waves_and_certifications(head_client, pimms):
    url = "/label/parametres/?reseau=pimms"
    assert head_client.get(url).status_code == 200
    head_client.post(url, {"action": "settings", "renewal_months": "60", "warning_days": "30"})
    assert LabelSettings.objects.get(network=pimms).renewal_months == 60
    head_client.post(
        url,
        {"action": "wave", "name": "Comité de juin", "date": "2030-06-30", "effective_date": ""},
    )
    pipeline = head_client.get("/label/parcours/").content.decode()
    assert "prochain comité le 30 juin 2030" in pipeline
    organisation = Site.objects.get(external_id="narbonne").organisation
    head_client.post(
        url,
        {
            "action": "certification",
            "organisation": str(organisation.pk),
            "standard": "MSAP",
            "certifier": "Préfecture de l'Aude",
            "granted_on": "2018-05-01",
            "valid_until": "",
            "source": "arrêté préfectoral",
        },
    )
    assert Certification.objects.filter(standard="MSAP", certifier="Préfecture de l'Aude").exists()


def test_coverage_by_department_and_the_difference_between_two_dates(head_client):
    response = head_client.get("/label/couverture/?on=2020-10-14&since=2020-02-01")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Depuis le 1er février 2020 : 13 nouveaux points d'accueil labellisés" in html
    assert "Loire (42)" in html
    nav = head_client.get("/label/parcours/").content.decode()
    assert 'href="/label/couverture/"' in nav


def test_press_kit_is_the_list_with_new_ones_marked_and_the_key_figures(head_client):
    from docx import Document

    url = "/label/dossier-de-presse/?reseau=pimms"
    assert head_client.get(url).status_code == 200
    response = head_client.get(url + "&on=2020-10-14&new_since=2020-02-01&year=2019")
    assert response["Content-Disposition"].endswith('dossier-de-presse-pimms-2020-10-14.docx"')
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "au 14 octobre 2020" in text
    assert "Dont 13 nouveaux depuis le 1er février 2020." in text
    assert "Chiffres clés" in text
    assert "labellisés « France Services »" in text
    cells = [row.cells[2].text for row in document.tables[0].rows]
    assert sum(cell.endswith(" *") for cell in cells) == 13


def test_coverage_map_has_one_named_point_per_department_with_labelled_sites(head_client):
    html = head_client.get("/label/couverture/?on=2020-01-01").content.decode()
    assert 'id="dashboard-map"' in html
    assert html.count("data-lat=") == 20  # the 33 sites of 1 January 2020 in 20 départements
    labels = re.findall(r'data-label="([^"]+)"', html)
    assert len(labels) == 20
    assert all(
        re.search(r" : \d+ points? labellisés?, \d+ cantons? couverts? sur \d+$", label)
        for label in labels
    ), labels
    later = head_client.get("/label/couverture/?on=2020-10-14&since=2020-02-01").content.decode()
    assert "depuis le 1er février 2020 :" in later


def test_press_kit_as_pdf_has_the_list_and_the_key_figures(head_client):
    from pypdf import PdfReader

    url = "/label/dossier-de-presse/?reseau=pimms&on=2020-10-14&new_since=2020-02-01&year=2019"
    response = head_client.get(url + "&format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('dossier-de-presse-pimms-2020-10-14.pdf"')
    assert response.content.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "au 14 octobre 2020" in text
    assert "53 points d'accueil labellisés dans 22 départements" in text
    assert "13 nouveaux" in text
    assert "Chiffres clés" in text
    assert "labellisés « France Services »" in text
    page = head_client.get("/label/dossier-de-presse/?reseau=pimms").content.decode()
    assert "Télécharger le dossier de presse (PDF)" in page
