"""A committee session with its decisions for many sites at once, and the correction of a
wrong decision by a newer one (decisions are never deleted nor edited)."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from maillon.journal.enums import JournalAction
from maillon.journal.services import Actor, journal_created, journal_record
from maillon.labels.enums import (
    FRANCE_SERVICES,
    ApplicationKind,
    ApplicationStatus,
    CommitteeVerdict,
    DatePrecision,
    DecisionOutcome,
)
from maillon.labels.models import LabelApplication, LabelDecision, LabelProgramme, Wave
from maillon.labels.services.lifecycle import (
    DECISION_FIELDS,
    LabelError,
    _fmt,
    date_bounds,
    label_decide,
)

# the decision a verdict makes, by kind of application
OUTCOMES = {
    (ApplicationKind.INITIAL, CommitteeVerdict.FAVOURABLE): DecisionOutcome.GRANTED,
    (ApplicationKind.INITIAL, CommitteeVerdict.UNFAVOURABLE): DecisionOutcome.REFUSED,
    (ApplicationKind.RENEWAL, CommitteeVerdict.FAVOURABLE): DecisionOutcome.RENEWED,
    (ApplicationKind.RENEWAL, CommitteeVerdict.UNFAVOURABLE): DecisionOutcome.WITHDRAWN,
}


@dataclass
class CommitteeResult:
    wave: Wave
    decisions: list[LabelDecision] = field(default_factory=list)
    postponed: list[LabelApplication] = field(default_factory=list)


def _wave_for(
    *, actor: Actor, programme: LabelProgramme, date: datetime.date, effective_date, name: str
) -> Wave:
    wave = Wave.objects.filter(programme=programme, date=date).first()
    if wave is None:
        wave = Wave.objects.create(
            programme=programme,
            date=date,
            effective_date=effective_date,
            name=name.strip() or _("Comité de labellisation du %(date)s") % {"date": _fmt(date)},
        )
        journal_created(actor=actor, obj=wave, fields=("name", "date", "effective_date"))
    elif effective_date and (wave.effective_date or wave.date) != effective_date:
        raise LabelError(
            _(
                "Le comité du %(date)s est déjà enregistré avec des labels au %(effective)s : "
                "corrigez la date d'effet ou choisissez ce comité."
            )
            % {"date": _fmt(date), "effective": _fmt(wave.effective_date or wave.date)}
        )
    return wave


@transaction.atomic
def committee_record(
    *,
    actor: Actor,
    date: datetime.date,
    verdicts: Mapping[LabelApplication, str],
    effective_date: datetime.date | None = None,
    name: str = "",
    source: str = "",
    programme: str = FRANCE_SERVICES,
) -> CommitteeResult:
    """Record a committee session held on `date` whose labels take effect on `effective_date`
    (the wave date; the session's date by default): one verdict per audited application —
    favourable, unfavourable or postponed (examined, no decision). All or nothing."""
    decided = {a: v for a, v in verdicts.items() if v != CommitteeVerdict.POSTPONED}
    if not verdicts:
        raise LabelError(_("Le comité n'examine aucune candidature : cochez au moins un avis."))
    unknown = [v for v in verdicts.values() if v not in CommitteeVerdict.values]
    if unknown:
        raise LabelError(_("Avis inconnu : %(value)s.") % {"value": unknown[0]})
    if effective_date is not None and effective_date < date - datetime.timedelta(days=366):
        raise LabelError(_("La date d'effet est plus d'un an avant le comité : vérifiez-la."))
    programme_obj = LabelProgramme.objects.get(slug=programme)
    wave = _wave_for(
        actor=actor,
        programme=programme_obj,
        date=date,
        effective_date=effective_date or date,
        name=name,
    )
    result = CommitteeResult(wave=wave)
    source = source.strip() or str(wave.name)
    for application, verdict in decided.items():
        outcome = OUTCOMES[(ApplicationKind(application.kind), CommitteeVerdict(verdict))]
        result.decisions.append(
            label_decide(
                actor=actor, application=application, outcome=outcome, wave=wave, source=source
            )
        )
    for application in verdicts:
        if application in decided:
            continue
        if application.status != ApplicationStatus.AUDITED:
            raise LabelError(
                _("%(site)s : seule une candidature auditée passe en comité.")
                % {"site": application.site}
            )
        application.committee = wave
        application.save(update_fields=["committee", "updated_at"])
        journal_record(
            actor=actor,
            action=JournalAction.UPDATE,
            obj=application,
            changes={"committee": [None, str(wave)]},
            note=_("ajournée"),
        )
        result.postponed.append(application)
    return result


@transaction.atomic
def decision_correct(
    *,
    actor: Actor,
    decision: LabelDecision,
    outcome: str,
    effective_date: datetime.date,
    reason: str,
    effective_latest: datetime.date | None = None,
    precision: str = DatePrecision.DAY,
) -> LabelDecision:
    """Correct a wrong decision by a newer one that supersedes it: both stay in the history,
    the label (lists, pipeline, coverage) reads the newer; the journal says who and why."""
    decision = LabelDecision.objects.select_for_update().select_related("site").get(pk=decision.pk)
    if LabelDecision.objects.filter(supersedes=decision).exists():
        raise LabelError(
            _("Cette décision a déjà été corrigée : corrigez la décision la plus récente.")
        )
    if not reason.strip():
        raise LabelError(_("Indiquez le motif de la correction."))
    if outcome not in DecisionOutcome.values:
        raise LabelError(_("Décision « %(outcome)s » inconnue.") % {"outcome": outcome})
    start, end = date_bounds(precision=precision, day=effective_date, latest=effective_latest)
    correction = LabelDecision.objects.create(
        site=decision.site,
        programme_id=decision.programme_id,
        outcome=outcome,
        effective_date=start,
        effective_latest=end,
        precision=precision,
        wave=decision.wave,
        application=decision.application,
        source=_("Correction de la décision n° %(id)s") % {"id": decision.pk},
        supersedes=decision,
        reason=reason.strip(),
    )
    journal_created(actor=actor, obj=correction, fields=DECISION_FIELDS)
    return correction
