"""Writes of the labelling lifecycle.

An application goes draft → submitted → under audit → audited → decided (in a committee
wave); a label can then be suspended, reinstated, withdrawn or renewed after a periodic audit.
Each service validates first and raises LabelError (French message) before writing anything.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.labels.enums import (
    FRANCE_SERVICES,
    LABEL_HOLDING_OUTCOMES,
    ApplicationKind,
    ApplicationStatus,
    CriterionStatus,
    DatePrecision,
    DecisionOutcome,
)
from maillon.labels.models import (
    Audit,
    AuditResult,
    Criterion,
    LabelApplication,
    LabelDecision,
    LabelProgramme,
    Wave,
)
from maillon.labels.selectors import label_status_on
from maillon.network.models import Site


class LabelError(ValidationError):
    """A refused lifecycle step; the message says why, in French."""


def _submitted_on(application: LabelApplication) -> datetime.date:
    """The filing date of an application past the draft stage, which a check constraint makes
    non-null (the callers checked the status first)."""
    assert application.submitted_on is not None, "an application past the draft has its date"
    return application.submitted_on


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def date_bounds(
    *, precision: str, day: datetime.date, latest: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """Earliest and latest dates of an (uncertain) date, as its precision allows.

    A month or a year gives its first and last days; a range needs both bounds; a day is exact.
    Nothing is made more precise than the source.
    """
    if precision == DatePrecision.DAY:
        if latest is not None and latest != day:
            raise LabelError(_("Une date au jour près n'a qu'une date : retirez la borne haute."))
        return day, day
    if precision == DatePrecision.MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    if precision == DatePrecision.YEAR:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    if precision == DatePrecision.RANGE:
        if latest is None:
            raise LabelError(_("Une période « entre deux dates » demande ses deux bornes."))
        if latest < day:
            raise LabelError(
                _("La borne haute (%(latest)s) précède la borne basse (%(day)s).")
                % {"latest": _fmt(latest), "day": _fmt(day)}
            )
        return day, latest
    raise LabelError(_("Précision de date inconnue : %(value)s.") % {"value": precision})


@transaction.atomic
def application_create(
    *,
    site: Site,
    programme: str = FRANCE_SERVICES,
    kind: str = ApplicationKind.INITIAL,
    source: str = "",
) -> LabelApplication:
    programme_obj = LabelProgramme.objects.get(slug=programme)
    if LabelApplication.objects.filter(site=site, programme=programme_obj).open().exists():
        raise LabelError(
            _("%(site)s a déjà une candidature en cours au label %(programme)s.")
            % {"site": site, "programme": programme_obj}
        )
    return LabelApplication.objects.create(
        site=site, programme=programme_obj, kind=kind, source=source
    )


def _locked(application: LabelApplication) -> LabelApplication:
    return (
        LabelApplication.objects.select_for_update()
        .select_related("programme", "site")
        .get(pk=application.pk)
    )


@transaction.atomic
def application_submit(
    *, application: LabelApplication, submitted_on: datetime.date
) -> LabelApplication:
    application = _locked(application)
    if application.status != ApplicationStatus.DRAFT:
        raise LabelError(
            _("Seule une candidature en brouillon peut être déposée (état actuel : %(status)s).")
            % {"status": application.get_status_display()}
        )
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_on = submitted_on
    application.save(update_fields=["status", "submitted_on", "updated_at"])
    return application


@transaction.atomic
def audit_record(
    *,
    application: LabelApplication,
    auditor: str,
    date: datetime.date,
    results: dict[str, tuple[str, str]],
    conclusion: str = "",
) -> Audit:
    """Record an audit: `results` maps a criterion code to (status, comment)."""
    application = _locked(application)
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_AUDIT):
        raise LabelError(
            _("Un audit ne peut porter que sur une candidature déposée (état actuel : %(status)s).")
            % {"status": application.get_status_display()}
        )
    submitted_on = _submitted_on(application)
    if date < submitted_on:
        raise LabelError(
            _("L'audit du %(date)s précède le dépôt de la candidature (%(submitted)s).")
            % {"date": _fmt(date), "submitted": _fmt(submitted_on)}
        )
    if not auditor.strip():
        raise LabelError(_("Le nom de l'auditeur est obligatoire."))
    criteria = {c.code: c for c in Criterion.objects.filter(programme=application.programme)}
    unknown = sorted(set(results) - set(criteria))
    if unknown:
        raise LabelError(
            _("Critères inconnus du programme %(programme)s : %(codes)s.")
            % {"programme": application.programme, "codes": ", ".join(unknown)}
        )
    for code, (status, _comment) in results.items():
        if status not in CriterionStatus.values:
            raise LabelError(
                _("Résultat « %(status)s » invalide pour le critère %(code)s.")
                % {"status": status, "code": code}
            )
    audit = Audit.objects.create(
        application=application, auditor=auditor.strip(), date=date, conclusion=conclusion
    )
    AuditResult.objects.bulk_create(
        AuditResult(audit=audit, criterion=criteria[code], status=status, comment=comment)
        for code, (status, comment) in results.items()
    )
    application.status = ApplicationStatus.AUDITED
    application.save(update_fields=["status", "updated_at"])
    return audit


@transaction.atomic
def audit_start(*, application: LabelApplication) -> LabelApplication:
    application = _locked(application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise LabelError(
            _("Seule une candidature déposée peut passer en audit (état actuel : %(status)s).")
            % {"status": application.get_status_display()}
        )
    application.status = ApplicationStatus.UNDER_AUDIT
    application.save(update_fields=["status", "updated_at"])
    return application


@transaction.atomic
def label_decide(
    *,
    application: LabelApplication,
    outcome: str,
    source: str,
    wave: Wave | None = None,
    effective_date: datetime.date | None = None,
    effective_latest: datetime.date | None = None,
    precision: str = DatePrecision.DAY,
) -> LabelDecision:
    """Decide an audited application, in a committee wave (its date of effect by default)."""
    application = _locked(application)
    if application.status != ApplicationStatus.AUDITED:
        raise LabelError(
            _(
                "Impossible de décider : la candidature n'a pas été auditée (état actuel : "
                "%(status)s)."
            )
            % {"status": application.get_status_display()}
        )
    allowed = (
        (DecisionOutcome.GRANTED, DecisionOutcome.REFUSED)
        if application.kind == ApplicationKind.INITIAL
        else (DecisionOutcome.RENEWED, DecisionOutcome.WITHDRAWN)
    )
    if outcome not in allowed:
        raise LabelError(
            _("Décision « %(outcome)s » impossible pour une candidature de type %(kind)s.")
            % {"outcome": outcome, "kind": application.get_kind_display()}
        )
    if wave is not None and wave.programme_id != application.programme_id:
        raise LabelError(_("La vague choisie appartient à un autre programme."))
    if effective_date is None:
        if wave is None:
            raise LabelError(_("Indiquez la date d'effet ou la vague de la décision."))
        effective_date = wave.effective_date or wave.date
    start, end = date_bounds(precision=precision, day=effective_date, latest=effective_latest)
    submitted_on = _submitted_on(application)
    if end < submitted_on:
        raise LabelError(
            _(
                "La décision (au plus tard le %(end)s) précède le dépôt de la candidature "
                "(%(submitted)s)."
            )
            % {"end": _fmt(end), "submitted": _fmt(submitted_on)}
        )
    if wave is not None and wave.date < submitted_on:
        raise LabelError(
            _("Le comité du %(date)s s'est tenu avant le dépôt de la candidature (%(submitted)s).")
            % {"date": _fmt(wave.date), "submitted": _fmt(submitted_on)}
        )
    if application.kind == ApplicationKind.RENEWAL:
        status = label_status_on(
            site=application.site, programme=application.programme.slug, day=start
        )
        if status not in LABEL_HOLDING_OUTCOMES:
            raise LabelError(
                _("Renouvellement impossible : %(site)s n'est pas labellisé au %(date)s.")
                % {"site": application.site, "date": _fmt(start)}
            )
    decision = LabelDecision.objects.create(
        site=application.site,
        programme=application.programme,
        outcome=outcome,
        effective_date=start,
        effective_latest=end,
        precision=precision,
        wave=wave,
        application=application,
        source=source,
    )
    application.status = ApplicationStatus.DECIDED
    application.save(update_fields=["status", "updated_at"])
    return decision


_CHANGE_RULES: dict[str, tuple[tuple[str, ...], Promise]] = {
    DecisionOutcome.SUSPENDED: (
        LABEL_HOLDING_OUTCOMES,
        gettext_lazy("Impossible de suspendre le label : %(site)s ne le détient pas au %(date)s."),
    ),
    DecisionOutcome.REINSTATED: (
        (DecisionOutcome.SUSPENDED,),
        gettext_lazy(
            "Impossible de rétablir le label : il n'est pas suspendu au %(date)s pour %(site)s."
        ),
    ),
    DecisionOutcome.WITHDRAWN: (
        (*LABEL_HOLDING_OUTCOMES, DecisionOutcome.SUSPENDED),
        gettext_lazy("Impossible de retirer le label : %(site)s ne l'a pas obtenu au %(date)s."),
    ),
}


@transaction.atomic
def label_change(
    *,
    site: Site,
    outcome: str,
    source: str,
    effective_date: datetime.date,
    effective_latest: datetime.date | None = None,
    precision: str = DatePrecision.DAY,
    programme: str = FRANCE_SERVICES,
) -> LabelDecision:
    """Suspend, reinstate or withdraw a label held by `site`."""
    if outcome not in _CHANGE_RULES:
        raise LabelError(_("Décision « %(outcome)s » inconnue ici.") % {"outcome": outcome})
    Site.objects.select_for_update().filter(pk=site.pk).first()
    start, end = date_bounds(precision=precision, day=effective_date, latest=effective_latest)
    required, message = _CHANGE_RULES[outcome]
    status = label_status_on(site=site, programme=programme, day=start)
    if status not in required:
        raise LabelError(str(message) % {"site": site, "date": _fmt(start)})
    return LabelDecision.objects.create(
        site=site,
        programme=LabelProgramme.objects.get(slug=programme),
        outcome=outcome,
        effective_date=start,
        effective_latest=end,
        precision=precision,
        source=source,
    )


def label_suspend(**kwargs) -> LabelDecision:
    return label_change(outcome=DecisionOutcome.SUSPENDED, **kwargs)


def label_reinstate(**kwargs) -> LabelDecision:
    return label_change(outcome=DecisionOutcome.REINSTATED, **kwargs)


def label_withdraw(**kwargs) -> LabelDecision:
    return label_change(outcome=DecisionOutcome.WITHDRAWN, **kwargs)
