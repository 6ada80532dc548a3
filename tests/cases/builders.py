"""Cases built straight through the models (the services belong to the case pages), for the
tests of jobs, notifications, deadlines and retention."""

import datetime

from django.utils import timezone

from maillon.cases.deadlines import due_on
from maillon.cases.enums import ConsentKind
from maillon.cases.models import Case, Referent
from maillon.geo.models import Commune
from maillon.network.models import Partner, Site
from tests.factories import PartnerFactory, SiteFactory, UserFactory, agent_of


def site_in(commune_code: str, **kwargs) -> Site:
    return SiteFactory(commune=Commune.objects.filter(code=commune_code).first(), **kwargs)


def caf() -> Partner:
    return PartnerFactory(code="caf", name="Caisse d'allocations familiales", short_name="CAF")


def referent_of(
    partner: Partner, *, departments=(), sites=(), is_active: bool = True, **user
) -> Referent:
    referent = Referent.objects.create(
        user=UserFactory(**user), partner=partner, is_active=is_active
    )
    referent.departments.set(departments)
    referent.sites.set(sites)
    return referent


def case_create(
    *, site: Site, partner: Partner, sent_at: datetime.datetime | None = None, **fields
) -> Case:
    sent_at = sent_at or timezone.now()
    opened_by = fields.pop("opened_by", None) or agent_of(site)
    case = Case(
        site=site,
        partner=partner,
        opened_by=opened_by,
        subject=fields.pop("subject", "Droits bloqués"),
        consent_kind=ConsentKind.ORAL,
        consent_on=sent_at.date(),
        sent_at=sent_at,
        **fields,
    )
    case.due_on = due_on(case)
    case.save()
    return case
