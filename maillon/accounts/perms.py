"""Who may see and act on what. Every view and API endpoint fetches through these.

- a network admin: every organisation of his networks and their sites;
- an organisation manager: his organisations and their sites;
- an agent: the sites he is attached to (or every site of the organisation he is attached to);
- a partner viewer: no site record, only aggregates for his agreements (reports);
- a superuser: everything (installation administrator).
"""

from django.db.models import Q, QuerySet

from maillon.accounts.enums import Role
from maillon.accounts.models import Membership
from maillon.network.models import NetworkMembership, Organisation, Site


def _memberships(user) -> QuerySet[Membership]:
    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.active().filter(user=user)


def is_network_admin(user) -> bool:
    """Memoised on the user object: the admin asks it once per model and permission."""
    if not (user.is_authenticated and user.is_active):
        return False
    cached = getattr(user, "_maillon_is_network_admin", None)
    if cached is None:
        cached = user.is_superuser or _memberships(user).with_role(Role.NETWORK_ADMIN).exists()
        user._maillon_is_network_admin = cached
    return cached


def organisations_visible_to(user) -> QuerySet[Organisation]:
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    memberships = _memberships(user)
    networks = memberships.with_role(Role.NETWORK_ADMIN).values("network_id")
    in_networks = NetworkMembership.objects.filter(network_id__in=networks).values(
        "organisation_id"
    )
    own = memberships.with_role(Role.ORGANISATION_MANAGER, Role.AGENT).values("organisation_id")
    head_of = Organisation.objects.filter(headed_networks__in=networks).values("pk")
    return Organisation.objects.filter(Q(pk__in=in_networks) | Q(pk__in=own) | Q(pk__in=head_of))


def organisations_managed_by(user) -> QuerySet[Organisation]:
    """Organisations whose reference data (sites, staff, members) the user may change."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    if user.is_superuser or is_network_admin(user):
        return organisations_visible_to(user)
    own = _memberships(user).with_role(Role.ORGANISATION_MANAGER).values("organisation_id")
    return Organisation.objects.filter(pk__in=own)


def sites_visible_to(user) -> QuerySet[Site]:
    if not user.is_authenticated or not user.is_active:
        return Site.objects.none()
    if user.is_superuser:
        return Site.objects.all()
    memberships = _memberships(user)
    agent_sites = memberships.with_role(Role.AGENT).values("site_id")
    managed = organisations_managed_by(user).values("pk")
    agent_orgs = memberships.with_role(Role.AGENT).filter(site__isnull=True)
    return Site.objects.filter(
        Q(pk__in=agent_sites)
        | Q(organisation_id__in=managed)
        | Q(organisation_id__in=agent_orgs.values("organisation_id"))
    )


def sites_writable_by(user) -> QuerySet[Site]:
    """Sites on which the user may record activity (agents, managers, network admins)."""
    return sites_visible_to(user)


def partner_ids_viewable_by(user) -> QuerySet:
    return _memberships(user).with_role(Role.PARTNER_VIEWER).values("partner_id")
