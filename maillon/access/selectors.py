"""Fetch functions for the objects below the access layer — sites, organisations, memberships,
invitations, the journal — filtered by the rules of `maillon.access.rules`.

A foreign or missing id is the same 404: nothing tells a user that an object he may not see
exists. The domains above this layer (activity, people, labels, reports) fetch their own objects
with these rules in their own selectors.
"""

from django.db.models import Count, Q, QuerySet

from maillon.access.rules import (
    is_active_user,
    is_network_admin,
    networks_administered_by,
    organisations_managed_by,
    organisations_visible_to,
    sees_every_site,
    sites_visible_to,
)
from maillon.accounts.models import Invitation, Membership, User
from maillon.core.errors import NotFound
from maillon.core.text import search_key
from maillon.journal.models import JournalEntry, JournalEntryQuerySet
from maillon.journal.selectors import JournalFilters, journal_filter
from maillon.network.models import Network, Organisation, Site


def site_list(*, user: User, text: str = "", department: str = "") -> QuerySet[Site]:
    """The sites `user` may see, filtered by name/commune text and département."""
    sites = sites_visible_to(user).with_geography()
    if text:
        key = search_key(text)
        sites = sites.filter(
            Q(name__icontains=text.strip())
            | Q(commune__search_name__contains=key)
            | Q(postal_code=text.strip())
            | Q(fs_id=text.strip())
        )
    if department:
        sites = sites.in_department(department)
    return sites.order_by("commune__department_id", "name")


def site_get(*, user: User, pk: int) -> Site:
    """A site the user may see; a foreign or missing id is the same 404."""
    site = sites_visible_to(user).with_geography().filter(pk=pk).first()
    if site is None:
        raise NotFound
    return site


def site_get_managed(*, user: User, pk: int) -> Site:
    """A site whose reference data the user may change (its organisation's manager, the
    network head); 404 otherwise, like a missing id."""
    site = (
        Site.objects.filter(organisation__in=organisations_managed_by(user), pk=pk)
        .with_geography()
        .first()
    )
    if site is None:
        raise NotFound
    return site


def site_can_manage(*, user: User, site: Site) -> bool:
    if site.organisation_id is None:
        return False
    return organisations_managed_by(user).filter(pk=site.organisation_id).exists()


def organisation_list(*, user: User) -> QuerySet[Organisation]:
    return (
        organisations_visible_to(user)
        .select_related("commune")
        .annotate(site_count=Count("sites"))
        .order_by("name")
    )


def organisation_get(*, user: User, pk: int, manage: bool = False) -> Organisation:
    """An organisation the user may see (or, with manage=True, change); 404 otherwise."""
    queryset = organisations_managed_by(user) if manage else organisations_visible_to(user)
    organisation = queryset.select_related("commune").filter(pk=pk).first()
    if organisation is None:
        raise NotFound
    return organisation


def membership_get_managed(*, user: User, pk: int) -> Membership:
    managed = organisations_managed_by(user).values("pk")
    membership = (
        Membership.objects.filter(pk=pk)
        .filter(Q(organisation__in=managed) | Q(site__organisation__in=managed))
        .select_related("user", "site", "organisation")
        .first()
    )
    if membership is None:
        raise NotFound
    return membership


def invitation_get_managed(*, user: User, pk: int) -> Invitation:
    invitation = (
        Invitation.objects.filter(pk=pk, organisation__in=organisations_managed_by(user))
        .select_related("organisation", "site")
        .first()
    )
    if invitation is None:
        raise NotFound
    return invitation


def journal_visible_to(user: User) -> JournalEntryQuerySet:
    """Entries the user may read: everything for the network head (incl. entries not tied to
    an organisation, such as partners), the entries of his organisations for a manager."""
    if not is_active_user(user):
        return JournalEntry.objects.none()
    if sees_every_site(user):
        return JournalEntry.objects.all()
    managed = organisations_managed_by(user).values("pk")
    if is_network_admin(user):
        return JournalEntry.objects.filter(
            Q(organisation_id__in=managed) | Q(organisation__isnull=True)
        )
    return JournalEntry.objects.filter(organisation_id__in=managed)


def journal_network(*, user: User, filters: JournalFilters) -> QuerySet[JournalEntry]:
    """The network-wide journal, for network heads only (404 for anyone else)."""
    if not is_network_admin(user):
        raise NotFound
    return journal_filter(journal_visible_to(user).with_related(), filters)


def network_get_for_admin(*, user: User, slug: str | None) -> Network:
    """The network `user` administers (by slug, or his first one); 404 otherwise."""
    networks = networks_administered_by(user).order_by("name")
    network = networks.filter(slug=slug).first() if slug else networks.first()
    if network is None:
        raise NotFound
    return network
