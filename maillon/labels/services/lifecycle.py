"""Writes of the labelling lifecycle.

An application goes draft → submitted → under audit → audited → decided (in a committee
wave); a label can then be suspended, reinstated, withdrawn or renewed after a periodic audit.
Each service validates first and raises LabelError (French message) before writing anything,
then writes its change and its journal entry (who, what) in the same transaction.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.core.dates import french_date
from maillon.journal.enums import JournalAction
from maillon.journal.services import Actor, created, journal_created, journal_record, snapshot
from maillon.labels.criteria import site_self_check
from maillon.labels.enums import (
    FRANCE_SERVICES,
    LABEL_HOLDING_OUTCOMES,
    ApplicationKind,
    ApplicationStatus,
    AuditOutcome,
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
    return french_date(day)


DECISION_FIELDS = (
    "site",
    "programme",
    "outcome",
    "effective_date",
    "effective_latest",
    "precision",
    "wave",
    "source",
    "supersedes",
    "reason",
)


def _status_changed(actor: Actor, application: LabelApplication, before: str, note: str = ""):
    journal_record(
        actor=actor,
        action=JournalAction.UPDATE,
        obj=application,
        changes={"status": [before, application.status]},
        note=note,
    )


def self_check_snapshot(*, site: Site, programme: str, day: datetime.date) -> list[dict]:
    """The criteria self-check of `site` on `day`, as plain data kept with an application."""
    return [
        {
            "code": r.criterion.code,
            "title": r.criterion.title,
            "status": r.status,
            "why": r.why,
        }
        for r in site_self_check(site=site, programme=programme, on=day)
    ]


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
    actor: Actor,
    site: Site,
    programme: str = FRANCE_SERVICES,
    kind: str = ApplicationKind.INITIAL,
    source: str = "",
    on: datetime.date | None = None,
) -> LabelApplication:
    """A draft application (the site prepares): its self-check of `on` (today) is kept."""
    programme_obj = LabelProgramme.objects.get(slug=programme)
    Site.objects.select_for_update().filter(pk=site.pk).first()
    if LabelApplication.objects.filter(site=site, programme=programme_obj).open().exists():
        raise LabelError(
            _("%(site)s a déjà une candidature en cours au label %(programme)s.")
            % {"site": site, "programme": programme_obj}
        )
    day = on or timezone.localdate()
    application = LabelApplication.objects.create(
        site=site,
        programme=programme_obj,
        kind=kind,
        source=source,
        self_check=self_check_snapshot(site=site, programme=programme, day=day),
    )
    journal_created(actor=actor, obj=application, fields=("site", "programme", "kind", "source"))
    return application


@transaction.atomic
def application_file(
    *,
    actor: Actor,
    site: Site,
    filed_on: datetime.date,
    programme: str = FRANCE_SERVICES,
    kind: str = ApplicationKind.INITIAL,
    source: str = "",
) -> LabelApplication:
    """File an application for `site` on `filed_on` (its draft if it has one), with the
    criteria self-check as it stood that day attached."""
    draft = (
        LabelApplication.objects.of_programme(programme)
        .filter(site=site, status=ApplicationStatus.DRAFT)
        .first()
    )
    if draft is None:
        draft = application_create(
            actor=actor, site=site, programme=programme, kind=kind, source=source, on=filed_on
        )
    return application_submit(actor=actor, application=draft, submitted_on=filed_on)


def _locked(application: LabelApplication) -> LabelApplication:
    return (
        LabelApplication.objects.select_for_update()
        .select_related("programme", "site")
        .get(pk=application.pk)
    )


@transaction.atomic
def application_submit(
    *, actor: Actor, application: LabelApplication, submitted_on: datetime.date
) -> LabelApplication:
    application = _locked(application)
    if application.status != ApplicationStatus.DRAFT:
        raise LabelError(
            _("Seule une candidature en brouillon peut être déposée (état actuel : %(status)s).")
            % {"status": application.get_status_display()}
        )
    if submitted_on > timezone.localdate():
        raise LabelError(_("Une candidature ne peut pas être déposée à une date future."))
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_on = submitted_on
    application.self_check = self_check_snapshot(
        site=application.site, programme=application.programme.slug, day=submitted_on
    )
    application.save(update_fields=["status", "submitted_on", "self_check", "updated_at"])
    journal_record(
        actor=actor,
        action=JournalAction.UPDATE,
        obj=application,
        changes={
            "status": [ApplicationStatus.DRAFT, application.status],
            "submitted_on": [None, submitted_on],
        },
    )
    return application


@transaction.atomic
def audit_record(
    *,
    actor: Actor,
    application: LabelApplication,
    auditor: str,
    date: datetime.date,
    results: dict[str, tuple[str, str]] | None = None,
    outcome: str = "",
    conclusion: str = "",
) -> Audit:
    """Record an audit: its overall `outcome` and remarks (`conclusion`); `results` maps a
    criterion code to (status, comment)."""
    results = results or {}
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
    if outcome and outcome not in AuditOutcome.values:
        raise LabelError(_("Résultat d'audit « %(outcome)s » inconnu.") % {"outcome": outcome})
    for code, (status, _comment) in results.items():
        if status not in CriterionStatus.values:
            raise LabelError(
                _("Résultat « %(status)s » invalide pour le critère %(code)s.")
                % {"status": status, "code": code}
            )
    audit = Audit.objects.create(
        application=application,
        auditor=auditor.strip(),
        date=date,
        outcome=outcome,
        conclusion=conclusion,
    )
    AuditResult.objects.bulk_create(
        AuditResult(audit=audit, criterion=criteria[code], status=status, comment=comment)
        for code, (status, comment) in results.items()
    )
    before = application.status
    application.status = ApplicationStatus.AUDITED
    application.save(update_fields=["status", "updated_at"])
    journal_record(
        actor=actor,
        action=JournalAction.CREATE,
        obj=audit,
        changes=created(snapshot(audit, ("auditor", "date", "outcome", "conclusion"))),
        organisation_id=application.site.organisation_id,
        site_id=application.site_id,
    )
    _status_changed(actor, application, before)
    return audit


@transaction.atomic
def audit_start(
    *, actor: Actor, application: LabelApplication, planned_on: datetime.date | None = None
) -> LabelApplication:
    """The application goes under audit, on a planned date if known."""
    application = _locked(application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise LabelError(
            _("Seule une candidature déposée peut passer en audit (état actuel : %(status)s).")
            % {"status": application.get_status_display()}
        )
    if planned_on is not None and planned_on < _submitted_on(application):
        raise LabelError(
            _("L'audit prévu le %(date)s précède le dépôt de la candidature (%(submitted)s).")
            % {"date": _fmt(planned_on), "submitted": _fmt(_submitted_on(application))}
        )
    application.status = ApplicationStatus.UNDER_AUDIT
    application.audit_planned_on = planned_on
    application.save(update_fields=["status", "audit_planned_on", "updated_at"])
    journal_record(
        actor=actor,
        action=JournalAction.UPDATE,
        obj=application,
        changes={
            "status": [ApplicationStatus.SUBMITTED, application.status],
            "audit_planned_on": [None, planned_on],
        },
    )
    return application


@transaction.atomic
def label_decide(
    *,
    actor: Actor,
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
    application.committee = wave
    application.save(update_fields=["status", "committee", "updated_at"])
    journal_created(actor=actor, obj=decision, fields=DECISION_FIELDS)
    _status_changed(actor, application, ApplicationStatus.AUDITED)
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
    actor: Actor,
    site: Site,
    outcome: str,
    source: str,
    effective_date: datetime.date,
    effective_latest: datetime.date | None = None,
    precision: str = DatePrecision.DAY,
    programme: str = FRANCE_SERVICES,
    reason: str = "",
) -> LabelDecision:
    """Suspend, reinstate or withdraw a label held by `site` (with the reason why)."""
    if outcome not in _CHANGE_RULES:
        raise LabelError(_("Décision « %(outcome)s » inconnue ici.") % {"outcome": outcome})
    Site.objects.select_for_update().filter(pk=site.pk).first()
    start, end = date_bounds(precision=precision, day=effective_date, latest=effective_latest)
    required, message = _CHANGE_RULES[outcome]
    status = label_status_on(site=site, programme=programme, day=start)
    if status not in required:
        raise LabelError(str(message) % {"site": site, "date": _fmt(start)})
    decision = LabelDecision.objects.create(
        site=site,
        programme=LabelProgramme.objects.get(slug=programme),
        outcome=outcome,
        effective_date=start,
        effective_latest=end,
        precision=precision,
        source=source,
        reason=reason.strip(),
    )
    journal_created(actor=actor, obj=decision, fields=DECISION_FIELDS)
    return decision


def label_suspend(**kwargs) -> LabelDecision:
    return label_change(outcome=DecisionOutcome.SUSPENDED, **kwargs)


def label_reinstate(**kwargs) -> LabelDecision:
    return label_change(outcome=DecisionOutcome.REINSTATED, **kwargs)


def label_withdraw(*, reason: str, **kwargs) -> LabelDecision:
    """Withdraw a label: the reason is required (it is printed in the site's history)."""
    if not reason.strip():
        raise LabelError(_("Indiquez le motif du retrait du label."))
    return label_change(outcome=DecisionOutcome.WITHDRAWN, reason=reason, **kwargs)
