"""E-mail notifications of cases, sent through jobs (an SMTP failure is retried).

- to the partner's active referents of the case's territory: a new case, each message of the
  site's agents;
- to the case's agents (who opened it, and the site's agents who wrote on it): the referent's
  answer, each partner message that is not an internal note;
- once a day, to the referents and to the site's organisation managers: the late cases.

An e-mail holds no personal data: a subject line naming the partner and the site, and a link
to the case (`/dossiers/<id>/`, which lands there after login). Receivers are connected in
`CasesConfig.ready`; the services send the signals after their transaction has committed.
"""

import dataclasses
import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from maillon.accounts.enums import Role
from maillon.accounts.models import Membership, User
from maillon.cases.deadlines import site_department
from maillon.cases.enums import Side
from maillon.cases.models import Case, CaseMessage, Referent
from maillon.core.jobs import email_send

logger = logging.getLogger("maillon.cases")

CASE_PATH = "/dossiers/{pk}/"


# --- who and where ----------------------------------------------------------------------------


def case_link(case: Case) -> str:
    """The absolute link of the case (MAILLON_BASE_URL + /dossiers/<id>/)."""
    base = getattr(settings, "MAILLON_BASE_URL", "").rstrip("/")
    return base + CASE_PATH.format(pk=case.pk)


def partner_label(case: Case) -> str:
    return case.partner.short_name or case.partner.name


def case_referents(case: Case) -> QuerySet[Referent]:
    """The partner's active referents whose territory covers the case's site (its département,
    or the site named)."""
    department = site_department(case.site)
    return (
        Referent.objects.active()
        .filter(partner_id=case.partner_id)
        .filter(Q(departments=department) | Q(sites=case.site_id))
        .select_related("user")
        .distinct()
    )


def case_agents(case: Case) -> list[User]:
    """Who opened the case, and the site's agents who wrote on it (active accounts)."""
    author_ids = set(
        CaseMessage.objects.filter(case=case, side=Side.SITE).values_list("author_id", flat=True)
    )
    author_ids.add(case.opened_by_id)
    return list(User.objects.filter(pk__in=author_ids, is_active=True).order_by("pk"))


def addresses(users: Iterable[User], *, excluding: int | None = None) -> list[str]:
    """Distinct e-mail addresses of `users` (never the author of what is notified)."""
    seen: dict[str, None] = {}
    for user in users:
        if user.pk != excluding and user.email:
            seen.setdefault(user.email.strip().lower(), None)
    return list(seen)


# --- sending ----------------------------------------------------------------------------------


def email_enqueue(*, to: list[str], subject: str, template: str, context: dict) -> int:
    """Render the plain-text and HTML bodies and enqueue one e-mail job per address."""
    context = {**context, "subject": subject}
    text = render_to_string(f"cases/email/{template}.txt", context)
    html = render_to_string(f"cases/email/{template}.html", context)
    for address in to:
        email_send.enqueue(to=address, subject=subject, text=text, html=html)
    return len(to)


def case_notify(*, case: Case, to: list[str], subject: str, headline: str) -> int:
    context = {"case": case, "partner": partner_label(case), "link": case_link(case)}
    sent = email_enqueue(
        to=to, subject=subject, template="notification", context={**context, "headline": headline}
    )
    logger.info("Case %s: %d notification(s) enqueued", case.pk, sent)
    return sent


# --- receivers --------------------------------------------------------------------------------


def on_case_sent(sender: type, *, case: Case, **kwargs: object) -> None:
    names = {"partner": partner_label(case), "site": case.site.name}
    case_notify(
        case=case,
        to=addresses(r.user for r in case_referents(case)),
        subject=_("Nouveau dossier %(partner)s — %(site)s") % names,
        headline=_("Le point d'accueil %(site)s vous transmet un dossier.") % names,
    )


def on_message_posted(sender: type, *, case: Case, message: CaseMessage, **kwargs: object) -> None:
    names = {"partner": partner_label(case), "site": case.site.name}
    if message.side == Side.SITE:
        case_notify(
            case=case,
            to=addresses((r.user for r in case_referents(case)), excluding=message.author_id),
            subject=_("Nouveau message sur le dossier %(partner)s — %(site)s") % names,
            headline=_("Le point d'accueil %(site)s a écrit sur un dossier.") % names,
        )
    elif not message.internal:  # a referent's internal note stays among referents
        case_notify(
            case=case,
            to=addresses(case_agents(case), excluding=message.author_id),
            subject=_("Message du partenaire %(partner)s — %(site)s") % names,
            headline=_("Le référent %(partner)s a écrit sur un dossier.") % names,
        )


def on_case_answered(sender: type, *, case: Case, **kwargs: object) -> None:
    names = {"partner": partner_label(case), "site": case.site.name}
    case_notify(
        case=case,
        to=addresses(case_agents(case)),
        subject=_("Réponse du partenaire %(partner)s — %(site)s") % names,
        headline=_(
            "Le référent %(partner)s a traité le dossier : lisez sa réponse, puis clôturez-le."
        )
        % names,
    )


# --- daily digest of late cases ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DigestRow:
    case: Case
    partner: str
    link: str


def late_cases(day: datetime.date) -> QuerySet[Case]:
    """Open cases whose due day is past on `day`."""
    return (
        Case.objects.open()
        .filter(due_on__lt=day)
        .select_related("site__commune", "partner")
        .order_by("due_on", "pk")
    )


def digest_plan(day: datetime.date) -> dict[str, list[Case]]:
    """Address → its late cases: the partner's referents of the case's territory, and the
    organisation managers of the case's site."""
    cases = list(late_cases(day))
    plan: dict[str, list[Case]] = defaultdict(list)
    referents = (
        Referent.objects.active()
        .filter(partner_id__in={c.partner_id for c in cases})
        .select_related("user")
        .prefetch_related("departments", "sites")
    )
    territories = [
        (r.user, r.partner_id, {d.pk for d in r.departments.all()}, {s.pk for s in r.sites.all()})
        for r in referents
    ]
    managers: dict[int, list[User]] = defaultdict(list)
    for membership in (
        Membership.objects.active()
        .filter(
            role=Role.ORGANISATION_MANAGER,
            organisation_id__in={c.site.organisation_id for c in cases},
        )
        .select_related("user")
    ):
        managers[membership.organisation_id].append(membership.user)
    for case in cases:
        department = site_department(case.site)
        users = [
            user
            for user, partner_id, departments, sites in territories
            if partner_id == case.partner_id
            and (department in departments or case.site_id in sites)
        ]
        if case.site.organisation_id is not None:
            users += managers.get(case.site.organisation_id, [])
        for address in addresses(users):
            plan[address].append(case)
    return dict(plan)


def late_cases_digest(day: datetime.date) -> int:
    """E-mail each recipient his late cases of `day` (one e-mail each); the number sent."""
    plan = digest_plan(day)
    for address, cases in sorted(plan.items()):
        rows = [DigestRow(case=c, partner=partner_label(c), link=case_link(c)) for c in cases]
        email_enqueue(
            to=[address],
            subject=_("Dossiers transmis en retard : %(count)d") % {"count": len(cases)},
            template="digest",
            context={"rows": rows, "day": day.strftime("%d/%m/%Y")},
        )
    logger.info("Late cases digest of %s: %d recipient(s)", day, len(plan))
    return len(plan)
