"""Key figures over the API (read-only, scoped like the report pages).

`GET /api/v1/reports/key-figures?scope=network:pimms&period=2024` answers the figures of the
« Chiffres clés » block with their origin (computed by Maillon, or declared by a document); each
figure's label and unit are those of the indicator registry (`maillon.reports.indicators`).
A scope the caller may not read answers 404 like a missing one; a bad period answers 422.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from maillon.core.errors import NotFound
from maillon.reports.indicators import INDICATORS
from maillon.reports.keyfigures import key_figures
from maillon.reports.periods import Period
from maillon.reports.rendering.block import figure_flags, key_figures_block
from maillon.reports.scopes import scope_get

router = Router(tags=["reports"])


class KeyFiguresQuery(Schema):
    scope: str = Field(
        ...,
        description="Périmètre `kind:code` : network:pimms, region:84, department:42, "
        "organisation:12, site:345 (all: pour un superutilisateur).",
    )
    period: str = Field(
        ..., description="Mois entiers : 2024, 2024-T2, 2024-03 ou 2024-01..2024-06."
    )
    labelled_on: datetime.date | None = Field(
        None, description="Date du décompte des sites labellisés (défaut : fin de période)."
    )


class FigurePart(Schema):
    label: str
    value: int


class FigureOut(Schema):
    code: str
    label: str
    value: int | float | None
    unit: str = Field(..., description="count (un nombre) ou percent (un pourcentage).")
    qualifier: str
    origin: str = Field(..., description="computed, declared ou unavailable.")
    source: str | None = None
    parts: list[FigurePart]
    flags: list[str]


class KeyFiguresOut(Schema):
    scope: str
    scope_label: str
    period: str
    period_label: str
    start: datetime.date
    end: datetime.date
    labelled_on: datetime.date
    covered: bool = Field(..., description="Maillon détient l'activité de cette période.")
    figures: list[FigureOut]
    markdown: str


def _invalid(field: str, error: ValidationError) -> NinjaValidationError:
    return NinjaValidationError(
        [{"loc": ["query", field], "msg": message, "type": "value_error"} for message in error]
    )


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


@router.get("/key-figures", response=KeyFiguresOut, summary="Chiffres clés d'un périmètre")
def get_key_figures(request, query: Query[KeyFiguresQuery]):
    try:
        period = Period.parse(query.period)
    except ValidationError as error:
        raise _invalid("period", error) from error
    try:
        scope = scope_get(user=request.auth, key=query.scope)
    except NotFound as error:
        raise HttpError(404, "Périmètre inconnu ou non autorisé.") from error
    figures = key_figures(scope=scope, period=period, labelled_on=query.labelled_on)
    return {
        "scope": scope.key,
        "scope_label": scope.label,
        "period": period.code,
        "period_label": period.label,
        "start": period.start,
        "end": period.end,
        "labelled_on": figures.labelled_on,
        "covered": figures.covered,
        "figures": [
            {
                "code": f.code,
                "label": f.label,
                "value": _number(f.value),
                "unit": INDICATORS[f.code].unit,
                "qualifier": f.qualifier,
                "origin": f.origin,
                "source": f.declared.source if f.declared else None,
                "parts": [{"label": label, "value": n} for label, n in f.parts],
                "flags": figure_flags(f),
            }
            for f in figures.figures.values()
        ],
        "markdown": key_figures_block(figures).markdown(),
    }
