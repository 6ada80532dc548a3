"""The AFNOR social-mediation certification of the PIMMS (January 2020) in the key figures and
on the pipeline; the MSAP recognition beside it."""

import datetime

from maillon.accounts.enums import Role
from maillon.labels.enums import AFNOR_SOCIAL_MEDIATION
from maillon.labels.models import Certification
from maillon.labels.pipeline import label_pipeline
from maillon.labels.selectors import organisations_certified_on
from maillon.network.models import Organisation, Site
from maillon.reports.keyfigures import key_figures
from maillon.reports.periods import Period
from maillon.reports.rendering.block import key_figures_block
from maillon.reports.scopes import scope_get
from tests.factories import MembershipFactory

D = datetime.date


def test_the_network_is_certified_from_february_2020_on_in_the_key_figures(pimms):
    organisations = Organisation.objects.in_network(pimms).count()
    sites = Site.objects.in_network(pimms)
    # "en janvier 2020": surely certified once January is over, never on a made-up day
    assert organisations_certified_on(standard=AFNOR_SOCIAL_MEDIATION, day=D(2020, 1, 15)) == 0
    assert (
        organisations_certified_on(standard=AFNOR_SOCIAL_MEDIATION, day=D(2020, 2, 1), sites=sites)
        == organisations
    )
    head = MembershipFactory(role=Role.NETWORK_ADMIN, network=pimms).user
    figures = key_figures(
        scope=scope_get(user=head, key="network:pimms"),
        period=Period.year(2020),
        labelled_on=D(2020, 10, 14),
    )
    assert figures.value("certified_organisations") == organisations
    markdown = key_figures_block(figures).markdown()
    assert f"**{organisations}** structures certifiées « médiation sociale »" in markdown


def test_certifications_show_on_the_pipeline_with_their_certifier_and_expiry(pimms):
    site = Site.objects.get(external_id="narbonne")
    Certification.objects.create(
        organisation=site.organisation,
        standard="MSAP",
        name="Maison de services au public",
        certifier="Préfecture de l'Aude",
        granted_on=D(2017, 3, 1),
        granted_latest=D(2017, 3, 1),
        precision="day",
        valid_until=D(2019, 12, 31),
        source="arrêté",
    )
    rows = label_pipeline(sites=Site.objects.filter(pk=site.pk), day=D(2018, 6, 1)).rows
    assert [(c.standard, c.certifier) for c in rows[0].certifications] == [
        ("MSAP", "Préfecture de l'Aude")
    ]
    later = label_pipeline(sites=Site.objects.filter(pk=site.pk), day=D(2020, 6, 1)).rows
    assert [c.standard for c in later[0].certifications] == [AFNOR_SOCIAL_MEDIATION]
