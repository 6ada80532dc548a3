"""The labelling pipeline: where every site of a network stands on a date.

One query plan, whatever the number of sites: the sites with their geography and organisation,
annotated (subqueries) with the decision in force on the date, the grant that labelled them,
the decision the renewal is counted from, and their open application with its last audit; plus
one query for the organisations' certifications valid on the date, one for the network's
settings and one for the next committee session. The state is then read from those values
(`state_of`), so the page, the CSV and the XLSX show the same thing.

Label states are those of the date asked; an application's state is today's (applications keep
no dated history of their steps), counted for applications created by that date.
"""

import calendar
import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import DateField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate

from maillon.access.rules import (
    is_network_admin,
    networks_administered_by,
    organisations_managed_by,
    sees_every_site,
)
from maillon.access.selectors import network_get_for_admin
from maillon.accounts.models import User
from maillon.core.errors import NotFound
from maillon.labels.enums import (
    FRANCE_SERVICES,
    LABEL_HOLDING_OUTCOMES,
    ApplicationStatus,
    CriterionStatus,
    DecisionOutcome,
    PipelineState,
)
from maillon.labels.models import (
    Audit,
    Certification,
    LabelApplication,
    LabelDecision,
    LabelSettings,
    Wave,
)
from maillon.network.models import Network, NetworkMembership, Site, SiteQuerySet


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus `months` months (the last day of a shorter month: 31 Aug + 1 → 30 Sept)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclass(frozen=True)
class PipelineScope:
    """The sites a user follows in the pipeline, and whether he may act on them."""

    network: Network | None
    sites: QuerySet[Site]
    may_act: bool  # a network head acts; a manager reads his own sites


def pipeline_scope(*, user: User, network: str | None = None) -> PipelineScope:
    """A network head: every site of his network (by slug, or his first); a manager: the sites
    of the organisations he manages, read-only. Anyone else: NotFound."""
    if is_network_admin(user):
        found = network_get_for_admin(user=user, slug=network)
        return PipelineScope(found, Site.objects.in_network(found), may_act=True)
    organisations = organisations_managed_by(user)
    sites = Site.objects.filter(organisation__in=organisations)
    if not sites.exists():
        raise NotFound
    memberships = NetworkMembership.objects.filter(organisation__in=organisations)
    first = Network.objects.filter(pk__in=memberships.values("network_id")).order_by("name")
    return PipelineScope(first.first(), sites, may_act=False)


def sites_headed_by(user: User) -> SiteQuerySet:
    """Sites on which `user` takes label steps: those of the networks he heads."""
    if sees_every_site(user):
        return Site.objects.all()
    memberships = NetworkMembership.objects.filter(network__in=networks_administered_by(user))
    return Site.objects.filter(organisation__in=memberships.values("organisation_id"))


def site_get_for_label(*, user: User, pk: int, act: bool = False) -> Site:
    """A site whose label file the user reads (its managers, its network head) or, with
    `act`, on which he takes label steps (its network head); NotFound otherwise."""
    sites = sites_headed_by(user)
    if not act:
        sites = sites | Site.objects.filter(organisation__in=organisations_managed_by(user))
    site = sites.with_geography().filter(pk=pk).first()
    if site is None:
        raise NotFound
    return site


@dataclass(frozen=True)
class SelfCheckScore:
    met: int
    total: int
    missing: tuple[str, ...]  # titles of the criteria not met or unknown


def self_check_score(snapshot: list[dict] | None) -> SelfCheckScore | None:
    if not snapshot:
        return None
    applicable = [c for c in snapshot if c.get("status") != CriterionStatus.NOT_APPLICABLE]
    met = [c for c in applicable if c.get("status") == CriterionStatus.MET]
    missing = tuple(c.get("title", c.get("code", "")) for c in applicable if c not in met)
    return SelfCheckScore(len(met), len(applicable), missing)


@dataclass
class PipelineRow:
    site: Site
    state: PipelineState
    state_date: datetime.date | None  # filed, audit, committee, since, due, withdrawn… on
    holds_label: bool
    labelled_since: datetime.date | None
    wave: str
    due_on: datetime.date | None
    application_id: int | None
    application_status: str | None
    score: SelfCheckScore | None
    certifications: list[Certification] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return str(self.state.label)


@dataclass
class Pipeline:
    day: datetime.date
    settings: LabelSettings
    next_committee: Wave | None
    rows: list[PipelineRow]
    counts: dict[str, int]  # per state, before the state filter
    labelled: int  # sites holding the label, before the state filter
    waves: list[Wave]

    @property
    def departments(self) -> int:
        return len({r.site.commune.department_id for r in self.rows if r.site.commune})


def _latest(decisions: QuerySet[LabelDecision], column: str) -> Subquery:
    return Subquery(
        decisions.filter(site=OuterRef("pk"))
        .order_by("-effective_latest", "-id")
        .values(column)[:1]
    )


def _annotated(sites: QuerySet[Site], programme: str, day: datetime.date) -> QuerySet[Site]:
    in_force = LabelDecision.objects.of_programme(programme).current().effective_by(day)
    granted = in_force.filter(outcome=DecisionOutcome.GRANTED)
    counted = in_force.filter(outcome__in=(DecisionOutcome.GRANTED, DecisionOutcome.RENEWED))
    open_applications = (
        LabelApplication.objects.of_programme(programme)
        .open()
        .annotate(created_on=TruncDate("created_at"))
        .filter(site=OuterRef("pk"), created_on__lte=day)
        .order_by("-created_at", "-id")
    )
    audits = Audit.objects.filter(application=OuterRef("open_application_id")).order_by(
        "-date", "-id"
    )
    return (
        sites.select_related("commune__department__region", "organisation")
        .annotate(
            decision_outcome=_latest(in_force, "outcome"),
            decision_on=_latest(in_force, "effective_date"),
            granted_on=_latest(granted, "effective_date"),
            granted_wave_id=_latest(granted, "wave_id"),
            granted_wave=_latest(granted, "wave__name"),
            renewal_base=_latest(counted, "effective_date"),
            open_application_id=Subquery(open_applications.values("id")[:1]),
            application_status=Subquery(open_applications.values("status")[:1]),
            application_filed=Subquery(open_applications.values("submitted_on")[:1]),
            application_audit_planned=Subquery(open_applications.values("audit_planned_on")[:1]),
            application_self_check=Subquery(open_applications.values("self_check")[:1]),
        )
        .annotate(
            audited_on=Subquery(audits.values("date")[:1], output_field=DateField()),
        )
        .prefetch_related(
            Prefetch(
                "organisation__certifications",
                queryset=Certification.objects.valid_on(day).order_by("standard"),
                to_attr="valid_certifications",
            )
        )
        .order_by("commune__department_id", "name", "pk")
    )


_APPLICATION_STATES = {
    ApplicationStatus.DRAFT: PipelineState.PREPARING,
    ApplicationStatus.SUBMITTED: PipelineState.FILED,
    ApplicationStatus.UNDER_AUDIT: PipelineState.AUDIT_PLANNED,
    ApplicationStatus.AUDITED: PipelineState.AUDIT_DONE,
}
_DECISION_STATES = {
    DecisionOutcome.SUSPENDED: PipelineState.SUSPENDED,
    DecisionOutcome.WITHDRAWN: PipelineState.WITHDRAWN,
    DecisionOutcome.REFUSED: PipelineState.REFUSED,
}


def state_of(
    site: Site,
    *,
    day: datetime.date,
    settings: LabelSettings,
    next_committee: Wave | None,
) -> tuple[PipelineState, datetime.date | None, datetime.date | None]:
    """(state, the date it is about, the renewal due date) of an annotated site."""
    values = site.__dict__
    base = values["renewal_base"]
    due = add_months(base, settings.renewal_months) if base else None
    status = values["application_status"]
    if status is not None:
        state = _APPLICATION_STATES[ApplicationStatus(status)]
        dates = {
            PipelineState.PREPARING: None,
            PipelineState.FILED: values["application_filed"],
            PipelineState.AUDIT_PLANNED: values["application_audit_planned"],
            PipelineState.AUDIT_DONE: values["audited_on"],
        }
        if state == PipelineState.AUDIT_DONE and next_committee is not None:
            return PipelineState.COMMITTEE, next_committee.date, due
        return state, dates[state], due
    outcome = values["decision_outcome"]
    if outcome in LABEL_HOLDING_OUTCOMES:
        if due is not None and day >= due - datetime.timedelta(days=settings.warning_days):
            return PipelineState.RENEWAL_DUE, due, due
        return PipelineState.LABELLED, values["granted_on"], due
    if outcome in _DECISION_STATES:
        return _DECISION_STATES[outcome], values["decision_on"], None
    return PipelineState.NOT_CANDIDATE, None, None


def pipeline_settings(network: Network | None, programme: str) -> LabelSettings:
    found = None
    if network is not None:
        found = LabelSettings.objects.filter(network=network, programme__slug=programme).first()
    return found or LabelSettings(network=network)


def label_pipeline(
    *,
    sites: QuerySet[Site],
    day: datetime.date,
    network: Network | None = None,
    programme: str = FRANCE_SERVICES,
    region: str = "",
    department: str = "",
    state: str = "",
    wave: int | None = None,
) -> Pipeline:
    """The pipeline of `sites` on `day`, filtered by région, département, wave (of the grant
    in force) and state; the counts per state are those before the state filter."""
    settings = pipeline_settings(network, programme)
    waves = list(Wave.objects.filter(programme__slug=programme).order_by("date"))
    upcoming = [w for w in waves if w.date >= day]
    next_committee = upcoming[0] if upcoming else None
    selected = sites
    if region:
        selected = selected.filter(commune__region_id=region)
    if department:
        selected = selected.filter(commune__department_id=department)
    annotated = _annotated(selected, programme, day)
    if wave is not None:
        annotated = annotated.filter(Q(granted_wave_id=wave))  # an annotation
    rows: list[PipelineRow] = []
    for site in annotated:
        site_state, state_date, due = state_of(
            site, day=day, settings=settings, next_committee=next_committee
        )
        values = site.__dict__
        rows.append(
            PipelineRow(
                site=site,
                state=site_state,
                state_date=state_date,
                holds_label=values["decision_outcome"] in LABEL_HOLDING_OUTCOMES,
                labelled_since=values["granted_on"],
                wave=values["granted_wave"] or "",
                due_on=due,
                application_id=values["open_application_id"],
                application_status=values["application_status"],
                score=self_check_score(values["application_self_check"]),
                certifications=(
                    site.organisation.valid_certifications  # type: ignore[attr-defined]
                    if site.organisation
                    else []
                ),
            )
        )
    counts = Counter(row.state.value for row in rows)
    labelled = sum(row.holds_label for row in rows)
    if state:
        rows = [row for row in rows if row.state == state]
    return Pipeline(
        day=day,
        settings=settings,
        next_committee=next_committee,
        rows=rows,
        counts={s.value: counts.get(s.value, 0) for s in PipelineState},
        labelled=labelled,
        waves=waves,
    )
