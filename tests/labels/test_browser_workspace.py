"""In a real browser, the network head's labelling workspace: he files an application for a
site and records its audit, holds a committee that labels three sites on a wave date, and finds
them in the pipeline, in the coverage (cantons covered +3) and, marked new, in the list of
labelled sites of that date."""

import pytest

from maillon.accounts.enums import Role
from maillon.geo.services import geo_import
from maillon.labels.enums import FRANCE_SERVICES, AuditOutcome
from maillon.labels.models import LabelApplication, LabelProgramme
from maillon.labels.services import application_file, audit_record
from maillon.network.models import Network
from maillon.orchestration.importers.pimms import pimms_network_import
from tests.browser import log_in
from tests.factories import MembershipFactory
from tests.labels.factories import candidate_sites

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_network_head_labels_three_sites_in_a_committee(page):
    # a transactional test starts from a flushed database: the migration's programme is gone
    LabelProgramme.objects.get_or_create(slug=FRANCE_SERVICES, defaults={"name": "France Services"})
    geo_import()
    pimms_network_import()
    pimms = Network.objects.get(slug="pimms")
    head = MembershipFactory(role=Role.NETWORK_ADMIN, network=pimms).user
    first, *others = candidate_sites(pimms)
    for site in others:  # two applications already audited
        application = application_file(actor=head, site=site, filed_on=_day("2026-01-06"))
        audit_record(
            actor=head,
            application=application,
            auditor="Cabinet Audit Conseil",
            date=_day("2026-02-11"),
            outcome=AuditOutcome.FAVOURABLE,
        )
    log_in(page, head.username)

    # file the application of the first site, then record its audit
    page.goto(f"/label/points-d-accueil/{first.pk}/label/")
    page.get_by_label("Déposée le").fill("2026-01-05")
    page.get_by_role("button", name="Déposer la candidature").click()
    page.get_by_text("Candidature déposée le 5 janvier 2026").first.wait_for()
    page.get_by_label("Date de l'audit").fill("2026-02-10")
    page.get_by_label("Auditeur").fill("Cabinet Audit Conseil")
    page.get_by_label("Résultat").select_option(label="favorable")
    page.get_by_label("Remarques").fill("Accueil conforme au cahier des charges.")
    page.get_by_role("button", name="Enregistrer l'audit").click()
    page.get_by_text("Audit du 10 février 2026 enregistré.").wait_for()
    # (the self-check attached at filing is checked in test_workspace: a transactional test
    # may run after another one has flushed the criteria the data migration creates)
    assert LabelApplication.objects.get(site=first).status == "audited"

    # the committee labels the three audited applications on the wave date
    page.goto("/label/parcours/")
    page.get_by_role("link", name="Enregistrer un comité").click()
    page.get_by_label("Date du comité").fill("2026-03-02")
    page.get_by_label("Date de la vague (effet des labels)").fill("2026-04-01")
    for site in (first, *others):
        page.get_by_label(site.name).select_option(label="favorable")
    page.get_by_role("button", name="Enregistrer le comité et ses décisions").click()
    page.get_by_text("3 décision(s)").wait_for()

    # the pipeline on the wave date, filtered by that wave
    page.get_by_label("Situation au", exact=True).fill("2026-04-01")
    page.get_by_label("Vague de labellisation").select_option(
        label="Comité de labellisation du 2 mars 2026 (2 mars 2026)"
    )
    page.get_by_role("button", name="Afficher").click()
    rows = page.locator("tr.state-labelled")
    assert rows.count() == 3
    assert "labellisé depuis le 1er avril 2026" in rows.first.inner_text()

    # the coverage: three more cantons covered since the day before the wave
    page.get_by_role("navigation").get_by_role("link", name="Couverture").click()
    page.get_by_label("Couverture au", exact=True).fill("2026-04-01")
    page.get_by_label("Comparer avec la situation au").fill("2026-03-31")
    page.get_by_role("button", name="Calculer").click()
    difference = page.locator(".coverage-difference").inner_text()
    assert "3 nouveaux points d'accueil labellisés, cantons couverts +3" in difference

    # the published list of that date marks the three new
    page.get_by_role("navigation").get_by_role("link", name="Listes labellisées").click()
    page.get_by_label("Liste des points d'accueil labellisés au").fill("2026-04-01")
    page.get_by_label("Marquer d'un astérisque les nouveaux depuis le").fill("2026-03-31")
    page.get_by_role("button", name="Afficher la liste").click()
    assert page.locator(".new-mark").count() == 3
    assert "3 nouveaux" in page.get_by_role("table").locator("caption").inner_text()


def _day(text):
    import datetime

    return datetime.date.fromisoformat(text)
