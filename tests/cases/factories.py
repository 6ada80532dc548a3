"""Helpers of the case tests: sites in real départements, referents, files, a case opened
from a desk request through the services."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from maillon.activity.services import RequestInput
from maillon.cases import services
from maillon.cases.enums import ConsentKind
from maillon.cases.models import Referent
from maillon.geo.models import Department
from maillon.geo.selectors import commune_get
from maillon.network.models import Partner
from tests.activity.factories import record_visit
from tests.factories import SiteFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
# INSEE codes of a commune per département used by the tests
COMMUNES = {"11": ("11069", "11000"), "34": ("34172", "34000"), "69": ("69388", "69008")}


def pdf_upload(name: str = "avis-imposition.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def site_in(department: str, **kwargs):
    code, postal_code = COMMUNES[department]
    return SiteFactory(commune=commune_get(code=code), postal_code=postal_code, **kwargs)


def partner(code: str) -> Partner:
    return Partner.objects.get(code=code)


def referent_of(code: str, *departments: str, sites=(), **user) -> Referent:
    role = Referent.objects.create(user=UserFactory(**user), partner=partner(code))
    role.departments.set(Department.objects.filter(pk__in=departments))
    role.sites.set(sites)
    return role


def desk_request(agent, site, *, partner_code: str = "caf", outcome: str = "a-revoir"):
    """A request recorded at the desk (« à revoir » by default: it opens a follow-up)."""
    visit = record_visit(
        agent,
        site,
        requests=[RequestInput(partner=partner_code, theme="famille", outcome=outcome)],
    )
    return visit.requests.get()


def open_case(agent, site, *, partner_code: str = "caf", **kwargs):
    request = desk_request(agent, site, partner_code=partner_code)
    kwargs.setdefault("subject", "Prime d'activité suspendue")
    kwargs.setdefault("consent_kind", ConsentKind.ORAL)
    kwargs.setdefault("consent_on", timezone.localdate())
    return services.case_open(request_id=request.pk, by=agent, **kwargs)


def days_ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)
