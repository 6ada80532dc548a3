"""Partner and monthly France Services reports over the API (read-only, scoped).

- `GET /api/v1/reports/partner?partner=caf&period=2024`: the numbers of the partner report's
  XLSX (the same selector), for a partner viewer (his own partner), the network head or a
  manager (the partners of his agreements, his sites only);
- `GET /api/v1/reports/monthly?site=12&period=2024-03`: the France Services monthly report of
  a site the caller may see.

A partner or site the caller may not read answers 404 like a missing one; a bad period 422.
"""

import datetime

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from maillon.api.reports import _invalid as query_error
from maillon.api.schemas import Id
from maillon.api.schemas_cases import CaseScorecardOut
from maillon.core.errors import NotFound
from maillon.reports.monthly import monthly_report
from maillon.reports.partner import PartnerReportUnavailable, partner_report
from maillon.reports.periods import Period

router = Router(tags=["reports"])

PERIOD_HELP = "Mois entiers : 2024, 2024-T2, 2024-03 ou 2024-01..2024-06."


class PartnerReportQuery(Schema):
    partner: str = Field(..., description="Code du partenaire (caf, cpam, edf…).")
    period: str = Field(..., description=PERIOD_HELP)


class MonthlyReportQuery(Schema):
    site: Id = Field(..., description="Identifiant Maillon du point d'accueil.")
    period: str = Field(..., description=PERIOD_HELP + " Habituellement un mois.")


class PartnerOut(Schema):
    code: str
    name: str


class BreakdownRowOut(Schema):
    label: str
    requests: int
    previous: int = Field(..., description="Demandes de la période précédente.")
    change: float | None = Field(None, description="Évolution relative (0.25 = +25 %).")
    site_id: int | None = None
    organisation: str | None = None
    commune: str | None = None
    month: datetime.date | None = None


class BreakdownOut(Schema):
    code: str = Field(..., description="sites, months, themes, help ou outcomes.")
    title: str
    rows: list[BreakdownRowOut]


class PartnerReportOut(Schema):
    partner: PartnerOut
    period: str
    period_label: str
    start: datetime.date
    end: datetime.date
    previous_period: str
    scope: str
    sites: int = Field(..., description="Points d'accueil sous convention dans le périmètre.")
    requests: int
    previous_requests: int
    average_per_site: float | None
    network_sites: int
    network_requests: int
    network_average_per_site: float | None
    generated_at: datetime.datetime
    source: str
    cases: CaseScorecardOut | None = Field(
        None, description="Les dossiers transmis au partenaire depuis ces points d'accueil."
    )
    breakdowns: list[BreakdownOut]


class SiteOut(Schema):
    id: int
    name: str
    fs_id: str | None


class TableRowOut(Schema):
    label: str
    values: list[int]
    total: int


class TableOut(Schema):
    code: str = Field(..., description="requests, visits, workshops ou outreach.")
    title: str
    columns: list[str]
    rows: list[TableRowOut]
    totals: list[int]


class MonthlyReportOut(Schema):
    site: SiteOut
    period: str
    period_label: str
    start: datetime.date
    end: datetime.date
    generated_at: datetime.datetime
    source: str
    tables: list[TableOut]


def parse_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValidationError as error:
        raise query_error("period", error) from error


@router.get("/partner", response=PartnerReportOut, summary="Rapport partenaire")
def get_partner_report(request, query: Query[PartnerReportQuery]):
    period = parse_period(query.period)
    try:
        report = partner_report(user=request.auth, partner_code=query.partner, period=period)
    except PartnerReportUnavailable as error:
        raise HttpError(404, str(error)) from error
    return report.as_dict()


@router.get("/monthly", response=MonthlyReportOut, summary="Rapport mensuel France Services")
def get_monthly_report(request, query: Query[MonthlyReportQuery]):
    period = parse_period(query.period)
    try:
        report = monthly_report(user=request.auth, site_id=query.site, period=period)
    except NotFound as error:
        raise HttpError(404, "Point d'accueil inconnu ou non autorisé.") from error
    return report.as_dict()
