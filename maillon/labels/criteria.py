"""A site's self-check against a programme's criteria: met / not met / unknown, and why.

Machine checks read Maillon's data (opening hours, agreements); a criterion with no machine
check (or whose data is missing) takes the latest audit result, else stays unknown.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.core.dates import french_date
from maillon.labels.enums import FRANCE_SERVICES, CriterionCheck, CriterionStatus
from maillon.labels.models import AuditResult, Criterion
from maillon.network import hours
from maillon.network.enums import SiteKind
from maillon.network.models import Agreement, Partner, Site
from maillon.people.models import Employee


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    status: str
    why: str

    @property
    def status_label(self) -> str:
        return str(CriterionStatus(self.status).label)


def _latest_audit(site: Site, criterion: Criterion) -> AuditResult | None:
    return (
        AuditResult.objects.filter(audit__application__site=site, criterion=criterion)
        .select_related("audit")
        .order_by("-audit__date", "-id")
        .first()
    )


def _from_audit(site: Site, criterion: Criterion, missing: str) -> CriterionResult:
    result = _latest_audit(site, criterion)
    if result is None:
        return CriterionResult(criterion, CriterionStatus.UNKNOWN, missing)
    why = _("constaté lors de l'audit du %(date)s par %(auditor)s") % {
        "date": french_date(result.audit.date),
        "auditor": result.audit.auditor,
    }
    if result.comment:
        why += f" : {result.comment}"
    return CriterionResult(criterion, result.status, why)


def check_opening_hours(site: Site, criterion: Criterion, day: datetime.date) -> CriterionResult:
    params = criterion.params
    min_minutes = int(params.get("min_minutes", 24 * 60))
    min_days = int(params.get("min_days", 5))
    kinds = params.get("site_kinds") or [SiteKind.FIXED]
    required = _("au moins %(hours)s par semaine sur au moins %(days)s jours") % {
        "hours": hours.duration_french(min_minutes),
        "days": min_days,
    }
    if site.kind not in kinds:
        return CriterionResult(
            criterion,
            CriterionStatus.NOT_APPLICABLE,
            _("exigence des points d'accueil fixes ; ce point d'accueil est de type « %(kind)s »")
            % {"kind": site.get_kind_display()},
        )
    if not site.opening_hours:
        return CriterionResult(
            criterion, CriterionStatus.UNKNOWN, _("horaires d'ouverture non renseignés")
        )
    try:
        minutes = hours.weekly_minutes(site.opening_hours)
        days = hours.days_open(site.opening_hours)
    except hours.HoursError as exc:
        return CriterionResult(criterion, CriterionStatus.UNKNOWN, str(exc))
    measured = _("ouvert %(hours)s par semaine sur %(days)s jours") % {
        "hours": hours.duration_french(minutes),
        "days": days,
    }
    if "unknown" in site.opening_hours and (minutes < min_minutes or days < min_days):
        return CriterionResult(
            criterion,
            CriterionStatus.UNKNOWN,
            _("%(measured)s, mais certains jours sont à vérifier (exigé : %(required)s)")
            % {"measured": measured, "required": required},
        )
    gaps = []
    if minutes < min_minutes:
        gaps.append(
            _("il manque %(hours)s") % {"hours": hours.duration_french(min_minutes - minutes)}
        )
    if days < min_days:
        gaps.append(_("il manque %(count)s jour(s) d'ouverture") % {"count": min_days - days})
    if gaps:
        return CriterionResult(
            criterion,
            CriterionStatus.NOT_MET,
            _("%(measured)s : %(gaps)s (exigé : %(required)s)")
            % {"measured": measured, "gaps": " et ".join(gaps), "required": required},
        )
    return CriterionResult(
        criterion,
        CriterionStatus.MET,
        _("%(measured)s (exigé : %(required)s)") % {"measured": measured, "required": required},
    )


def check_operators(site: Site, criterion: Criterion, day: datetime.date) -> CriterionResult:
    operators = list(Partner.objects.national_operators().valid_on(day).order_by("name"))
    agreements = Agreement.objects.valid_on(day).filter(
        Q(site=site) | Q(organisation_id=site.organisation_id, site__isnull=True)
    )
    covered = set(agreements.values_list("partner_id", flat=True))
    if not covered:
        return _from_audit(
            site,
            criterion,
            _("aucune convention enregistrée dans Maillon (%(count)s opérateurs attendus)")
            % {"count": len(operators)},
        )
    missing = [p for p in operators if p.pk not in covered]
    if missing:
        return CriterionResult(
            criterion,
            CriterionStatus.NOT_MET,
            _("pas de convention en vigueur avec : %(names)s")
            % {"names": ", ".join(str(p) for p in missing)},
        )
    return CriterionResult(
        criterion,
        CriterionStatus.MET,
        _("conventions en vigueur avec les %(count)s opérateurs nationaux")
        % {"count": len(operators)},
    )


def check_staff(site: Site, criterion: Criterion, day: datetime.date) -> CriterionResult:
    """Agents under contract at the site on `day`, and how many completed the initial training."""
    minimum = int(criterion.params.get("min_agents", 2))
    employed = Employee.objects.filter(sites=site).employed_on(day)
    total = employed.count()
    if total == 0:
        return _from_audit(
            site,
            criterion,
            _("aucun agent sous contrat rattaché à ce point d'accueil dans Maillon"),
        )
    trained = employed.trained(on=day).count()
    measured = _("%(total)s agent(s) sous contrat, dont %(trained)s formé(s)") % {
        "total": total,
        "trained": trained,
    }
    required = _("au moins %(minimum)s agents formés") % {"minimum": minimum}
    status = CriterionStatus.MET if trained >= minimum else CriterionStatus.NOT_MET
    return CriterionResult(
        criterion,
        status,
        _("%(measured)s (exigé : %(required)s)")
        % {
            "measured": measured,
            "required": required,
        },
    )


def check_manual(site: Site, criterion: Criterion, day: datetime.date) -> CriterionResult:
    return _from_audit(site, criterion, _("à déclarer ou à constater lors de l'audit"))


CHECKS: dict[str, Callable[[Site, Criterion, datetime.date], CriterionResult]] = {
    CriterionCheck.OPENING_HOURS: check_opening_hours,
    CriterionCheck.OPERATORS: check_operators,
    CriterionCheck.STAFF: check_staff,
    CriterionCheck.MANUAL: check_manual,
}


def site_self_check(
    *, site: Site, programme: str = FRANCE_SERVICES, on: datetime.date | None = None
) -> list[CriterionResult]:
    """Each criterion of `programme` required on `on` (today by default), checked for `site`."""
    day = on or timezone.localdate()
    criteria = Criterion.objects.filter(programme__slug=programme).valid_on(day)
    return [CHECKS[c.check_kind](site, c, day) for c in criteria]
