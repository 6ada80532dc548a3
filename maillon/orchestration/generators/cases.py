"""Cases of the demo: referents of the CAF, the CPAM and the DGFiP for the PIMMS network, and a
year of cases sent to them from the desk's requests.

A few « à revoir » requests per site and month (for those three partners, without a follow-up
of their own) become cases: their outcome turns to « dossier transmis au partenaire » (the
rollups follow, one delta), and each case lives a plausible life in business days of its
site's département (`cases.deadlines`): a first answer after a partner-specific delay (some
late), the « traité » with its answer, the agent's closure with « utile pour l'usager ? », a
re-route now and then (the case closed as « mauvais partenaire », a new one sent to another
partner). Messages come from both sides, with referents' internal notes. The most recent cases
are still waiting, some already late. No personal data: identifiers are left empty but for an
obviously fake file number. Deterministic: one random stream seeded by `seed`.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from maillon.accounts.models import User
from maillon.activity import taxonomy
from maillon.activity.models import Request, Visit
from maillon.activity.rollups import Delta
from maillon.cases.deadlines import (
    add_business_days,
    case_policies_for_organisations,
    due_on,
    fallback_case_policy,
)
from maillon.cases.enums import CaseAnswer, CaseStatus, ConsentKind, Side, Usefulness
from maillon.cases.models import Case, CaseMessage, CasePolicy, Referent
from maillon.geo.models import Department
from maillon.network.enums import PIMMS_NETWORK_SLUG
from maillon.network.models import Network, Partner, Site
from maillon.network.selectors import site_timezone
from maillon.orchestration.generators.case_texts import (
    AGENT_REPLIES,
    ANSWERS,
    DESCRIPTION,
    FIRST_ANSWERS,
    INTERNAL_NOTES,
    SUBJECTS,
)

# partner code → (username, password) of its demo referent, as the other demo accounts
REFERENTS = {
    "caf": ("referent-caf", "caf-referent-demo-2020"),
    "cpam": ("referent-cpam", "cpam-referent-demo-2020"),
    "dgfip": ("referent-dgfip", "dgfip-referent-demo-2020"),
}
CASES_PER_SITE_MONTH = (1, 2, 2, 3, 4)
MONTHS = 12
# business days to the first answer, by partner (weights of 1, 2, 3, 4, 5, 7, 10 days)
FIRST_ANSWER_DAYS = (1, 2, 3, 4, 5, 7, 10)
FIRST_ANSWER_WEIGHTS = {
    "caf": (30, 30, 20, 8, 6, 4, 2),
    "cpam": (20, 25, 25, 12, 9, 6, 3),
    "dgfip": (15, 20, 25, 15, 12, 8, 5),
}
# business days from the first answer to the « traité », then to the agent's closure
RESOLUTION_DAYS = (0, 0, 1, 2, 3, 5, 8)
CLOSURE_DAYS = (0, 1, 1, 2, 3, 5, 10, 20)
ANSWER_WEIGHTS = {CaseAnswer.SOLVED: 72, CaseAnswer.NOT_SOLVABLE: 18, CaseAnswer.WRONG_PARTNER: 10}
USEFUL_WEIGHTS = {
    CaseAnswer.SOLVED: {Usefulness.YES: 75, Usefulness.UNKNOWN: 15, Usefulness.NO: 10},
    CaseAnswer.NOT_SOLVABLE: {Usefulness.YES: 25, Usefulness.UNKNOWN: 35, Usefulness.NO: 40},
}
CONSENT_WEIGHTS = {ConsentKind.ORAL: 70, ConsentKind.SIGNED: 20, ConsentKind.AIDANTS_CONNECT: 10}


@dataclass(frozen=True)
class DemoReferent:
    username: str
    password: str
    partner: str
    territory: str


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _network_sites(network: Network):
    return Site.objects.in_network(network).select_related("commune__region")


def _user(username: str, password: str) -> User:
    user, _created = User.objects.get_or_create(username=username)
    user.email = f"{username}@demo.invalid"
    user.is_active = True
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def demo_referents_create() -> list[DemoReferent]:
    """One referent per partner of `REFERENTS` over the départements of the PIMMS sites (and
    the network's default case rules); returns the accounts to print."""
    network = Network.objects.filter(slug=PIMMS_NETWORK_SLUG).first()
    if network is None:
        return []
    CasePolicy.objects.get_or_create(network=network)
    codes = set(
        _network_sites(network)
        .exclude(commune__isnull=True)
        .values_list("commune__department_id", flat=True)
    )
    departments = list(Department.objects.filter(code__in=codes).order_by("code"))
    result = []
    for partner in Partner.objects.filter(code__in=REFERENTS).order_by("name"):
        username, password = REFERENTS[partner.code]
        referent, _created = Referent.objects.get_or_create(
            user=_user(username, password), partner=partner
        )
        referent.departments.set(departments)
        territory = ", ".join(d.code for d in departments)
        result.append(DemoReferent(username, password, partner.name, territory))
    return result


@dataclass
class _Plan:
    """What is written in bulk: the cases, their messages, the requests that become cases."""

    cases: list[Case] = field(default_factory=list)
    messages: dict[int, list[CaseMessage]] = field(default_factory=dict)  # by case index
    rerouted: list[tuple[int, Case]] = field(default_factory=list)  # (index of the old one, new)
    rerouted_messages: list[list[CaseMessage]] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)


@dataclass
class _Life:
    """The dates and statuses of one case, simulated up to `now`."""

    site: Site
    department: str
    partner_code: str
    rng: random.Random
    now: datetime.datetime

    def at(self, day: datetime.date, earliest: datetime.datetime | None = None):
        hour = self.rng.randint(9, 16)
        moment = datetime.datetime.combine(
            day, datetime.time(hour, self.rng.choice((0, 15, 30, 45))), site_timezone(self.site)
        )
        return max(moment, earliest + datetime.timedelta(minutes=20)) if earliest else moment

    def after(self, day: datetime.date, days: int) -> datetime.date:
        return add_business_days(self.department, day, days) if days else day

    def live(self, case: Case, referent: int, *, may_reroute: bool) -> list[CaseMessage]:
        """`referent`: the id of the user answering for the partner; the site's messages are
        written by the case's author."""
        agent = case.opened_by_id
        """Fill the case's dates and statuses; return its messages (no pk yet)."""
        rng, messages = self.rng, list[CaseMessage]()
        weights = FIRST_ANSWER_WEIGHTS[self.partner_code]
        days = rng.choices(FIRST_ANSWER_DAYS, weights=weights)[0]
        sent_on = timezone.localtime(case.sent_at, site_timezone(self.site)).date()
        first_at = self.at(self.after(sent_on, days), case.sent_at)
        if first_at > self.now:
            return messages
        case.first_answer_at = case.last_answer_at = first_at
        case.status = CaseStatus.IN_PROGRESS
        messages.append(_message(case, referent, Side.PARTNER, rng.choice(FIRST_ANSWERS), first_at))
        note_at = first_at + datetime.timedelta(minutes=rng.randint(5, 90))
        if rng.random() < 0.35 and note_at <= self.now:
            note = _message(case, referent, Side.PARTNER, rng.choice(INTERNAL_NOTES), note_at)
            note.internal = True
            messages.append(note)
        if rng.random() < 0.5:
            reply_at = first_at + datetime.timedelta(hours=rng.randint(1, 30))
            if reply_at <= self.now:
                messages.append(
                    _message(case, agent, Side.SITE, rng.choice(AGENT_REPLIES), reply_at)
                )
        first_on = first_at.astimezone(site_timezone(self.site)).date()
        answered_at = self.at(self.after(first_on, rng.choice(RESOLUTION_DAYS)), first_at)
        if answered_at > self.now:
            return messages
        answers = dict(ANSWER_WEIGHTS)
        if not may_reroute:
            answers.pop(CaseAnswer.WRONG_PARTNER)
        case.answer = _pick(rng, answers)
        case.answered_at = case.last_answer_at = answered_at
        case.status = CaseStatus.ANSWERED
        messages.append(
            _message(case, referent, Side.PARTNER, ANSWERS[CaseAnswer(case.answer)], answered_at)
        )
        if case.answer == CaseAnswer.WRONG_PARTNER:  # the agent re-routes it at once
            case.status, case.useful = CaseStatus.CLOSED, Usefulness.UNKNOWN  # as case_reroute
            case.closed_at = min(answered_at + datetime.timedelta(hours=1), self.now)
            return messages
        answered_on = answered_at.astimezone(site_timezone(self.site)).date()
        closed_at = self.at(self.after(answered_on, rng.choice(CLOSURE_DAYS)), answered_at)
        if closed_at <= self.now:
            case.status, case.closed_at = CaseStatus.CLOSED, closed_at
            case.useful = _pick(rng, USEFUL_WEIGHTS[CaseAnswer(case.answer)])
        return messages


def _message(case, author_id: int, side, body, at) -> CaseMessage:
    message = CaseMessage(case=case, author_id=author_id, side=side, body=body)
    message.created_at = at
    return message


def _candidates(sites: list[Site], partners: dict[int, str], since: datetime.date):
    """{(site id, month): [(request id, agent id, partner id, occurred_at)]} of the
    « à revoir » requests for the partners, without a follow-up, since `since`."""
    to_review = taxonomy.term_by_code("outcome", "a-revoir")
    if to_review is None:
        return {}
    rows = (
        Request.objects.filter(
            visit__site__in=sites,
            visit__day__gte=since,
            partner_id__in=partners,
            outcome_id=to_review.id,
            follow_up_item__isnull=True,
            case__isnull=True,
        )
        .order_by("pk")
        .values_list(
            "pk",
            "visit__agent_id",
            "partner_id",
            "visit__site_id",
            "visit__day",
            "visit__occurred_at",
        )
    )
    grouped: dict[tuple, list] = defaultdict(list)
    for pk, agent_id, partner_id, site_id, day, occurred_at in rows:
        grouped[(site_id, day.replace(day=1))].append((pk, agent_id, partner_id, occurred_at))
    return grouped


def _new_case(rng, *, site, partner_id, subject, opened_by_id, sent_at, request_id, number):
    return Case(
        request_id=request_id,
        site=site,
        partner_id=partner_id,
        opened_by_id=opened_by_id,
        description=DESCRIPTION,
        file_number=f"DEMO-{number:05d}" if rng.random() < 0.3 else "",
        consent_kind=_pick(rng, CONSENT_WEIGHTS),
        consent_on=timezone.localtime(sent_at, site_timezone(site)).date(),
        subject=subject,
        status=CaseStatus.NEW,
        sent_at=sent_at,
    )


@transaction.atomic
def demo_cases_create(*, seed: int = 2020, now: datetime.datetime | None = None) -> int:
    """A year of cases on the PIMMS sites for the demo referents' partners (none when cases
    exist already); returns the number created."""
    network = Network.objects.filter(slug=PIMMS_NETWORK_SLUG).first()
    referents = {r.partner_id: r for r in Referent.objects.filter(partner__code__in=REFERENTS)}
    if network is None or not referents or Case.objects.exists():
        return 0
    now = now or timezone.now()
    rng = random.Random(seed)
    partners = dict(Partner.objects.filter(pk__in=referents).values_list("pk", "code"))
    sites = {site.pk: site for site in _network_sites(network)}
    since = (timezone.localdate(now) - datetime.timedelta(days=MONTHS * 31)).replace(day=1)
    grouped = _candidates(list(sites.values()), partners, since)
    plan = _Plan()
    policies = case_policies_for_organisations(
        {site.organisation_id for site in sites.values() if site.organisation_id is not None}
    )
    fallback = fallback_case_policy()
    for (site_id, _month), rows in sorted(grouped.items()):
        site = sites[site_id]
        department = site.commune.department_id if site.commune else ""
        for pk, agent_id, partner_id, occurred_at in rng.sample(
            rows, min(len(rows), rng.choice(CASES_PER_SITE_MONTH))
        ):
            sent_at = occurred_at + datetime.timedelta(minutes=rng.randint(20, 90))
            if sent_at > now:
                continue
            code = partners[partner_id]
            life = _Life(site, department, code, rng, now)
            case = _new_case(
                rng,
                site=site,
                partner_id=partner_id,
                subject=rng.choice(SUBJECTS[code]),
                opened_by_id=agent_id,  # who recorded the visit
                sent_at=sent_at,
                request_id=pk,
                number=len(plan.cases) + 1,
            )
            messages = life.live(case, referents[partner_id].user_id, may_reroute=True)
            policy = policies.get(site.organisation_id or 0, fallback)
            case.due_on = due_on(case, policy)
            plan.messages[len(plan.cases)] = messages
            plan.cases.append(case)
            plan.requests.append(pk)
            if case.answer == CaseAnswer.WRONG_PARTNER:
                _reroute(plan, life, case, referents, partners, policy)
    return _write(plan)


def _reroute(plan: _Plan, life: _Life, old: Case, referents, partners, policy) -> None:
    rng = life.rng
    other = rng.choice(sorted(pk for pk in referents if pk != old.partner_id))
    code = partners[other]
    new = _new_case(
        rng,
        site=old.site,
        partner_id=other,
        subject=old.subject,
        opened_by_id=old.opened_by_id,
        sent_at=old.closed_at,
        request_id=old.request_id,  # the request moves to the new case, as `case_reroute`
        number=len(plan.cases) + len(plan.rerouted) + 1,
    )
    old.request_id = None
    new.consent_kind, new.consent_on = old.consent_kind, old.consent_on
    new.file_number = old.file_number
    messages = _Life(old.site, life.department, code, rng, life.now).live(
        new, referents[other].user_id, may_reroute=False
    )
    new.due_on = due_on(new, policy)
    plan.rerouted.append((len(plan.cases) - 1, new))
    plan.rerouted_messages.append(messages)


def _write(plan: _Plan) -> int:
    """Write the plan in bulk: cases (then the re-routed ones, linked), messages with their
    dates, and the requests' outcome « dossier transmis » with the rollups' delta."""
    Case.objects.bulk_create(plan.cases, batch_size=500)
    for index, new in plan.rerouted:
        new.rerouted_from = plan.cases[index]
    Case.objects.bulk_create([new for _index, new in plan.rerouted], batch_size=500)
    every = plan.cases + [new for _index, new in plan.rerouted]
    Case.objects.filter(pk__in=[case.pk for case in every]).update(created_at=F("sent_at"))
    messages = [m for index in sorted(plan.messages) for m in plan.messages[index]]
    messages += [m for group in plan.rerouted_messages for m in group]
    # `created_at` is set on insert (auto_now_add): the simulated dates are written after
    dates = [message.created_at for message in messages]
    for message in messages:
        message.case_id = message.case.pk
    CaseMessage.objects.bulk_create(messages, batch_size=1000)
    _dates_set(CaseMessage, [(m.pk, at) for m, at in zip(messages, dates, strict=True)])
    _requests_transmitted(plan.requests)
    return len(every)


def _dates_set(model, rows: list[tuple[int, datetime.datetime]]) -> None:
    """`created_at` of many rows, one parameterised statement run for all (`bulk_update`'s
    CASE expressions cost seconds for a few thousand rows)."""
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {model._meta.db_table} SET created_at = %s WHERE id = %s",  # noqa: S608
            [(adapt(at), pk) for pk, at in rows],
        )


def _requests_transmitted(request_ids: list[int]) -> None:
    """The requests' outcome becomes « dossier transmis au partenaire »; each visit's old
    contribution leaves the rollups and the new one enters (one delta)."""
    transmitted = taxonomy.term_by_code("outcome", "dossier-transmis")
    if transmitted is None or not request_ids:
        return
    chosen = set(request_ids)
    visits = Visit.objects.filter(requests__pk__in=chosen).distinct().prefetch_related("requests")
    delta = Delta()
    changed = []
    for visit in visits:
        rows = list(visit.requests.all())
        delta.visit(visit, rows, sign=-1)
        for row in rows:
            if row.pk in chosen:  # as `cases.services.case_open` does, one request at a time
                row.outcome_id, row.outcome_defaulted = transmitted.id, False
                changed.append(row)
        delta.visit(visit, rows)
    Request.objects.filter(pk__in=[row.pk for row in changed]).update(
        outcome_id=transmitted.id, outcome_defaulted=False
    )
    delta.apply()
