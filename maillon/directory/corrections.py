"""Freshness of the public information and citizens' error reports (signalements d'erreur).

- Freshness: each site carries the day its public information was last confirmed
  (`Site.info_confirmed_on`, set by `network.services.site_confirm`); a network's
  `DirectoryPolicy` says after how many months it is stale (6 by default).
- Error reports: anyone may report an error on a site's page (`error_report_create`, no
  account); the site's managers and its network head are told by e-mail after the commit,
  read the reports in their inbox (`error_reports_visible_to`: managers see their sites'
  reports only) and mark one handled with a note (`error_report_handle`, journaled).
"""

import calendar
import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.access.rules import organisations_managed_by
from maillon.accounts.enums import Role
from maillon.accounts.models import Membership, User
from maillon.core.errors import NotFound
from maillon.directory.enums import ErrorTopic
from maillon.directory.models import DEFAULT_STALE_AFTER_MONTHS, DirectoryPolicy, ErrorReport
from maillon.journal.enums import JournalAction
from maillon.journal.services import journal_record
from maillon.network.models import Network, NetworkMembership, Site

logger = logging.getLogger(__name__)
MESSAGE_MAX = 2000


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def stale_after_months(network: Network | None) -> int:
    if network is None:
        return DEFAULT_STALE_AFTER_MONTHS
    policy = DirectoryPolicy.objects.filter(network=network).first()
    return policy.stale_after_months if policy else DEFAULT_STALE_AFTER_MONTHS


def stale_sites(*, network: Network, day: datetime.date) -> QuerySet[Site]:
    """Public sites of the network whose information was never confirmed or is older than the
    network's policy allows; the oldest first."""
    limit = months_before(day, stale_after_months(network))
    return (
        Site.objects.in_network(network)
        .public()
        .filter(Q(info_confirmed_on__isnull=True) | Q(info_confirmed_on__lt=limit))
        .select_related("organisation")
        .order_by("info_confirmed_on", "name")
    )


def site_is_stale(site: Site, *, day: datetime.date, months: int) -> bool:
    confirmed = site.info_confirmed_on
    return confirmed is None or confirmed < months_before(day, months)


def site_managers(site: Site, *, day: datetime.date) -> list[User]:
    """Who answers for a site's public information: its organisation's managers and the heads
    (administrators) of the networks the organisation belongs to on `day`."""
    if site.organisation_id is None:
        return []
    networks = NetworkMembership.objects.valid_on(day).filter(organisation_id=site.organisation_id)
    memberships = Membership.objects.active().filter(
        Q(role=Role.ORGANISATION_MANAGER, organisation_id=site.organisation_id)
        | Q(role=Role.NETWORK_ADMIN, network_id__in=networks.values("network_id"))
    )
    users = User.objects.filter(pk__in=memberships.values("user_id"), is_active=True)
    return list(users.order_by("pk"))


# --- error reports -------------------------------------------------------------------------------


def _notify(report: ErrorReport, recipients: list[str], page_url: str) -> None:
    if not recipients:
        return
    subject = _("Signalement d'erreur : %(site)s") % {"site": report.site.name}
    body = _(
        "Une personne signale une erreur sur la page publique de « %(site)s ».\n\n"
        "Sujet : %(topic)s\n\n%(message)s\n\nTraiter le signalement : %(url)s\n"
    ) % {
        "site": report.site.name,
        "topic": report.get_topic_display(),
        "message": report.message,
        "url": page_url,
    }
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except OSError:
        logger.warning("error report %s: notification e-mail not sent", report.pk)


@transaction.atomic
def error_report_create(
    *, site: Site, topic: str, message: str, email: str = "", inbox_url: str = ""
) -> ErrorReport:
    """Store a citizen's report on a public site and tell its managers after the commit."""
    message = message.strip()
    errors = {}
    if topic not in ErrorTopic.values:
        errors["topic"] = _("Choisissez ce qui est erroné.")
    if not 5 <= len(message) <= MESSAGE_MAX:
        errors["message"] = _("Décrivez l'erreur en 5 à %(max)s caractères.") % {"max": MESSAGE_MAX}
    if errors:
        raise ValidationError(errors)
    report = ErrorReport(site=site, topic=topic, message=message, email=email.strip())
    report.full_clean()
    report.save()
    recipients = [u.email for u in site_managers(site, day=timezone.localdate()) if u.email]
    transaction.on_commit(lambda: _notify(report, recipients, inbox_url))
    return report


def error_reports_visible_to(user: User) -> QuerySet[ErrorReport]:
    """The reports on the sites whose information the user may change (managers of their
    organisation, the network head); nothing for anyone else."""
    return ErrorReport.objects.filter(
        site__organisation__in=organisations_managed_by(user)
    ).select_related("site__commune", "handled_by")


def error_report_get_managed(*, user: User, pk: int) -> ErrorReport:
    report = error_reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise NotFound
    return report


@transaction.atomic
def error_report_handle(*, actor: User, report: ErrorReport, note: str) -> ErrorReport:
    """Mark a report handled with what was done (journaled, filed under its site)."""
    current = ErrorReport.objects.select_for_update().get(pk=report.pk)
    if current.handled_at is not None:
        raise ValidationError(_("Ce signalement est déjà traité."))
    current.handled_at = timezone.now()
    current.handled_by = actor
    current.handled_note = note.strip()[:2000]
    current.save(update_fields=["handled_at", "handled_by", "handled_note"])
    journal_record(
        actor=actor,
        action=JournalAction.UPDATE,
        obj=current,
        changes={
            "handled_at": [None, current.handled_at],
            "handled_note": ["", current.handled_note],
        },
        note="Signalement d'erreur traité",
    )
    return current


# --- reminders -----------------------------------------------------------------------------------


def stale_site_reminders(
    *, day: datetime.date, networks: QuerySet[Network] | None = None
) -> dict[User, list[Site]]:
    """Who must reconfirm what: each manager (or network head) with an e-mail address → the
    stale public sites he answers for, over every network (or those given)."""
    plan: dict[User, list[Site]] = {}
    seen: set[int] = set()
    for network in networks if networks is not None else Network.objects.order_by("slug"):
        for site in stale_sites(network=network, day=day):
            if site.pk in seen:  # a site of two networks is reminded once
                continue
            seen.add(site.pk)
            for user in site_managers(site, day=day):
                if user.email:
                    plan.setdefault(user, []).append(site)
    return plan
