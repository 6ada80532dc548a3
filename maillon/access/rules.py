"""Who may see and act on what. Every view and API endpoint fetches through these.

- a network admin: every organisation of his networks and their sites;
- an organisation manager: his organisations and their sites;
- an agent: the sites he is attached to (or every site of the organisation he is attached to);
- a partner viewer: no site record, only aggregates for his agreements (reports);
- a superuser: everything (installation administrator), shared partners included.
"""

import functools

from django.db import connection
from django.db.models import Q, QuerySet

from maillon.accounts.enums import Role
from maillon.accounts.models import Membership
from maillon.network.models import Network, NetworkMembership, Organisation, Partner, Site


def _memberships(user) -> QuerySet[Membership]:
    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.active().filter(user=user)


def is_network_admin(user) -> bool:
    """Memoised on the user object: navigation and pages ask it several times a request."""
    if not (user.is_authenticated and user.is_active):
        return False
    cached = getattr(user, "_maillon_is_network_admin", None)
    if cached is None:
        cached = user.is_superuser or _memberships(user).with_role(Role.NETWORK_ADMIN).exists()
        user._maillon_is_network_admin = cached
    return cached


def networks_administered_by(user) -> QuerySet[Network]:
    if not user.is_authenticated or not user.is_active:
        return Network.objects.none()
    if user.is_superuser:
        return Network.objects.all()
    admin_of = _memberships(user).with_role(Role.NETWORK_ADMIN).values("network_id")
    return Network.objects.filter(pk__in=admin_of)


def partners_editable_by(user) -> QuerySet[Partner]:
    """A shared partner (no owner: the national operators, CAF…) is edited by a superuser only;
    a network's own partners by its admins too. Every network admin reads them all."""
    if not user.is_authenticated or not user.is_active:
        return Partner.objects.none()
    if user.is_superuser:
        return Partner.objects.all()
    return Partner.objects.filter(owner__in=networks_administered_by(user))


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


class _All:
    """Every site (a superuser)."""

    def __contains__(self, site_id: object) -> bool:
        return True


ALL_SITES = _All()


# Same rules as sites_visible_to, flat: {mine} is "this user's active memberships"; a network
# admin's networks give their organisations and the ones they head, and his own organisations.
_WRITABLE_SQL = """
SELECT s.id FROM {site} s WHERE
    s.id IN (SELECT site_id FROM {membership} WHERE {mine} AND role = %s AND site_id IS NOT NULL)
    OR s.organisation_id IN (
        SELECT organisation_id FROM {membership}
        WHERE {mine} AND (role = %s OR (role = %s AND site_id IS NULL)))
    OR s.organisation_id IN (
        SELECT organisation_id FROM {in_network} WHERE network_id IN ({admin_of}))
    OR s.organisation_id IN (SELECT head_id FROM {network} WHERE id IN ({admin_of}))
    OR (EXISTS ({admin_of}) AND s.organisation_id IN (
        SELECT organisation_id FROM {membership} WHERE {mine} AND role IN (%s, %s)))
"""


@functools.cache
def _writable_sql() -> str:
    mine = "user_id = %s AND is_active = %s"
    membership = Membership._meta.db_table
    return _WRITABLE_SQL.format(
        site=Site._meta.db_table,
        membership=membership,
        in_network=NetworkMembership._meta.db_table,
        network=Network._meta.db_table,
        mine=mine,
        admin_of=f"SELECT network_id FROM {membership} WHERE {mine} AND role = %s",  # noqa: S608
    )


def writable_site_ids_sql(user) -> tuple[str, list] | None:
    """`sites_writable_by` as one flat SQL query of site ids and its parameters, for hot paths
    that check one site (the desk write path): no ORM compilation, no nested querysets, no
    separate network-admin query. None means every site (a superuser).

    Same rules as `sites_visible_to`; `tests/accounts/test_perms.py` checks both agree."""
    if not user.is_authenticated or not user.is_active:
        return f"SELECT id FROM {Site._meta.db_table} WHERE 1 = 0", []  # noqa: S608
    if user.is_superuser:
        return None
    mine = (user.pk, True)
    admin_of = (*mine, Role.NETWORK_ADMIN.value)
    manager, agent = Role.ORGANISATION_MANAGER.value, Role.AGENT.value
    params = [*mine, agent, *mine, manager, agent, *admin_of, *admin_of, *admin_of]
    return _writable_sql(), [*params, *mine, manager, agent]


def writable_site_ids(user):
    """The ids of the sites the user may record activity on: a frozenset, or `ALL_SITES`."""
    query = writable_site_ids_sql(user)
    if query is None:
        return ALL_SITES
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return frozenset(row[0] for row in cursor.fetchall())


def partner_ids_viewable_by(user) -> QuerySet:
    return _memberships(user).with_role(Role.PARTNER_VIEWER).values("partner_id")
