"""Reading the journal, scoped by what the user may see."""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import Http404

from maillon.accounts.perms import is_network_admin, organisations_managed_by
from maillon.journal.models import JournalEntry


def journal_visible_to(user) -> QuerySet[JournalEntry]:
    """Entries the user may read: everything for the network head (incl. entries not tied to
    an organisation, such as partners), the entries of his organisations for a manager."""
    if not (user.is_authenticated and user.is_active):
        return JournalEntry.objects.none()
    if user.is_superuser:
        return JournalEntry.objects.all()
    managed = organisations_managed_by(user).values("pk")
    if is_network_admin(user):
        return JournalEntry.objects.filter(
            Q(organisation_id__in=managed) | Q(organisation__isnull=True)
        )
    return JournalEntry.objects.filter(organisation_id__in=managed)


@dataclass(frozen=True)
class JournalFilters:
    action: str = ""
    kind: str = ""  # a content type id
    actor: str = ""  # part of a username or name
    organisation: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    text: str = ""


def journal_network(*, user, filters: JournalFilters) -> QuerySet[JournalEntry]:
    """The network-wide journal, for network heads only (404 for anyone else)."""
    if not is_network_admin(user):
        raise Http404
    entries = journal_visible_to(user).with_related()
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.kind:
        entries = entries.filter(content_type_id=filters.kind)
    if filters.actor:
        entries = entries.filter(
            Q(actor__username__icontains=filters.actor)
            | Q(actor__last_name__icontains=filters.actor)
            | Q(actor__email__icontains=filters.actor)
        )
    if filters.organisation:
        entries = entries.filter(organisation_id=filters.organisation)
    if filters.since:
        entries = entries.filter(at__date__gte=filters.since)
    if filters.until:
        entries = entries.filter(at__date__lte=filters.until)
    if filters.text:
        entries = entries.filter(object_repr__icontains=filters.text)
    return entries


def journal_kinds() -> QuerySet[ContentType]:
    """Object types that appear in the journal (for the filter)."""
    return ContentType.objects.filter(
        pk__in=JournalEntry.objects.values("content_type_id").distinct()
    ).order_by("app_label", "model")


def journal_for_site(*, site_id: int) -> QuerySet[JournalEntry]:
    """The history of a site: the site itself and what hangs off it (stops, agreements,
    memberships, invitations). The caller has already fetched the site with permission."""
    return JournalEntry.objects.for_site(site_id).with_related()


def journal_for_object(*, obj) -> QuerySet[JournalEntry]:
    return JournalEntry.objects.for_object(obj).with_related()


def journal_for_organisation(*, organisation_id: int) -> QuerySet[JournalEntry]:
    """Everything filed under an organisation (its sites, staff, members included)."""
    return JournalEntry.objects.for_organisation(organisation_id).with_related()
