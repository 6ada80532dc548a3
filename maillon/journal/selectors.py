"""Reading the journal. Scoping to what a user may see is the access layer's
(`maillon.access.selectors.journal_visible_to`)."""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from maillon.journal.models import JournalEntry


@dataclass(frozen=True)
class JournalFilters:
    action: str = ""
    kind: int | None = None  # a content type id
    actor: str = ""  # part of a username or name
    organisation: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    text: str = ""


def journal_filter(
    entries: QuerySet[JournalEntry], filters: JournalFilters
) -> QuerySet[JournalEntry]:
    """`entries` narrowed by the journal page's filters (the caller scoped them to the user)."""
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
