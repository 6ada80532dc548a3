"""The partner scorecard over the API (read-only, scoped like the dashboard).

`GET /api/v1/reports/cases?scope=network:pimms&period=2024&partner=caf` answers the figures of
the cases sent to partners from the scope's sites during the period (`maillon.reports.cases`),
against the period before: in total, by partner, by département and by site. The partner
report (`/api/v1/reports/partner`) carries the same figures for its partner, with the
network's. A scope the caller may not read answers 404 like a missing one, as does an unknown
partner; a bad period answers 422.
"""

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from maillon.api.report_documents import PERIOD_HELP, parse_period
from maillon.api.schemas_cases import CaseScorecardOut
from maillon.core.errors import NotFound
from maillon.network.models import Partner
from maillon.reports.cases import case_scorecard
from maillon.reports.scopes import scope_get

router = Router(tags=["reports"])


class CaseScorecardQuery(Schema):
    scope: str = Field(
        ...,
        description="Périmètre `kind:code` : network:pimms, region:84, department:42, "
        "organisation:12, site:345 (all: pour un superutilisateur).",
    )
    period: str = Field(..., description=PERIOD_HELP)
    partner: str | None = Field(None, description="Code d'un partenaire (caf, cpam…) : lui seul.")


@router.get("/cases", response=CaseScorecardOut, summary="Tableau de bord des dossiers transmis")
def get_case_scorecard(request, query: Query[CaseScorecardQuery]):
    period = parse_period(query.period)
    try:
        scope = scope_get(user=request.auth, key=query.scope)
    except NotFound as error:
        raise HttpError(404, "Périmètre inconnu ou non autorisé.") from error
    partner = None
    if query.partner:
        partner = Partner.objects.filter(code=query.partner.strip()).first()
        if partner is None:
            raise HttpError(404, "Partenaire inconnu.")
    scorecard = case_scorecard(sites=scope.sites, period=period, partner=partner)
    return {"scope": scope.key, "scope_label": scope.label, **scorecard.as_dict()}
