"""The pipeline as people read it: a state in words with its date, and the same table as CSV
(`;` and a BOM, for French spreadsheets) and XLSX."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.core.dates import french_date
from maillon.labels.enums import PipelineState
from maillon.labels.pipeline import Pipeline, PipelineRow
from maillon.reports.rendering.xlsx import (
    Column,
    cover_add,
    csv_bytes,
    new_workbook,
    table_add,
    workbook_bytes,
)

_WITH_DATE = {
    PipelineState.FILED: gettext_lazy("candidature déposée le %(date)s"),
    PipelineState.AUDIT_PLANNED: gettext_lazy("audit prévu le %(date)s"),
    PipelineState.AUDIT_DONE: gettext_lazy("audit réalisé le %(date)s"),
    PipelineState.COMMITTEE: gettext_lazy("comité le %(date)s"),
    PipelineState.LABELLED: gettext_lazy("labellisé depuis le %(date)s"),
    PipelineState.RENEWAL_DUE: gettext_lazy("renouvellement (audit) dû le %(date)s"),
    PipelineState.SUSPENDED: gettext_lazy("label suspendu le %(date)s"),
    PipelineState.WITHDRAWN: gettext_lazy("label retiré le %(date)s"),
    PipelineState.REFUSED: gettext_lazy("refusé le %(date)s"),
}


def describe(row: PipelineRow) -> str:
    """« labellisé depuis le 1er janvier 2020 (Première vague…) », « comité le 30 septembre
    2020 », « en préparation — autodiagnostic 3/5 »…"""
    if row.state == PipelineState.PREPARING:
        if row.score is None:
            return str(row.state.label)
        return _("en préparation — autodiagnostic %(met)s/%(total)s") % {
            "met": row.score.met,
            "total": row.score.total,
        }
    if row.state in _WITH_DATE and row.state_date is not None:
        text = str(_WITH_DATE[row.state]) % {"date": french_date(row.state_date)}
        if row.state == PipelineState.LABELLED and row.wave:
            text += f" ({row.wave})"
        return text
    return str(row.state.label)


def certifications_text(row: PipelineRow) -> str:
    return " ; ".join(
        _("%(standard)s (%(certifier)s, jusqu'au %(until)s)")
        % {
            "standard": c.standard,
            "certifier": c.certifier or _("certificateur non renseigné"),
            "until": french_date(c.valid_until) if c.valid_until else _("sans échéance connue"),
        }
        for c in row.certifications
    )


def columns() -> tuple[Column, ...]:
    return (
        Column(_("Région"), 24),
        Column(_("Département (code)"), 10),
        Column(_("Département"), 20),
        Column(_("Commune"), 24),
        Column(_("Point d'accueil"), 40),
        Column(_("Structure porteuse"), 32),
        Column(_("État"), 24),
        Column(_("Détail"), 50),
        Column(_("Labellisé depuis le"), 14, "dd/mm/yyyy"),
        Column(_("Vague"), 36),
        Column(_("Renouvellement dû le"), 14, "dd/mm/yyyy"),
        Column(_("Autodiagnostic (critères respectés / applicables)"), 14),
        Column(_("Critères à lever"), 40),
        Column(_("Certifications"), 40),
    )


def table_rows(pipeline: Pipeline, *, dates_as_text: bool) -> list[list[object]]:
    rows = []
    for row in pipeline.rows:
        site, commune = row.site, row.site.commune
        department = commune.department if commune else None

        def day(value):
            return french_date(value) if dates_as_text else value

        rows.append(
            [
                department.region.name if department else "",
                department.code if department else "",
                department.name if department else "",
                commune.name if commune else "",
                site.name,
                site.organisation.name if site.organisation else "",
                str(row.state.label),
                describe(row),
                day(row.labelled_since),
                row.wave,
                day(row.due_on),
                f"{row.score.met}/{row.score.total}" if row.score else "",
                " ; ".join(row.score.missing) if row.score else "",
                certifications_text(row),
            ]
        )
    return rows


def pipeline_csv(pipeline: Pipeline) -> bytes:
    return csv_bytes([[c.header for c in columns()], *table_rows(pipeline, dates_as_text=True)])


def pipeline_xlsx(pipeline: Pipeline, *, title: str) -> bytes:
    workbook = new_workbook()
    cover_add(
        workbook,
        title=title,
        lines=[
            (_("Situation au"), french_date(pipeline.day)),
            (_("Points d'accueil listés"), len(pipeline.rows)),
            (_("Labellisés à cette date"), pipeline.labelled),
            *[
                (str(state.label), pipeline.counts[state.value])
                for state in PipelineState
                if pipeline.counts[state.value]
            ],
        ],
    )
    table_add(
        workbook,
        title=_("Parcours de labellisation"),
        columns=columns(),
        rows=table_rows(pipeline, dates_as_text=False),
    )
    return workbook_bytes(workbook)
