"""The site rule of `maillon.access.rules` compiled to flat SQL, for hot paths that check one
site (the desk write path): no ORM compilation, no nested querysets.

The clauses are the rows of `rules.SITE_RULE`; only the sources of ids differ. When the request
already read the user's grants the ids are literal; otherwise each source is a subquery over
the membership table, so the write path stays one statement. `tests/access/test_rule_sql.py`
checks both against the ORM over random worlds.
"""

from django.db import connection

from maillon.access.rules import SITE_RULE, Grants, grants_if_read
from maillon.accounts.enums import Role
from maillon.accounts.models import Membership, User
from maillon.network.models import Network, NetworkMembership, Site

Fragment = tuple[str, list]

_MINE = "user_id = %s AND is_active = %s"


class _All:
    """Every site (a superuser)."""

    def __contains__(self, site_id: object) -> bool:
        return True


ALL_SITES = _All()


def _literal(ids: frozenset[int]) -> Fragment | None:
    if not ids:
        return None
    ordered = sorted(ids)
    return ", ".join(["%s"] * len(ordered)), ordered


def _memberships(user: User, columns: str, condition: str, params: list) -> Fragment:
    table = Membership._meta.db_table
    sql = f"SELECT {columns} FROM {table} WHERE {_MINE} AND ({condition})"  # noqa: S608
    return sql, [user.pk, True, *params]


def _subquery_sources(user: User) -> dict[str, Fragment | None]:
    """Each source as a subquery over the user's active memberships (grants not read yet)."""
    manager, agent, admin = Role.ORGANISATION_MANAGER.value, Role.AGENT.value, Role.NETWORK_ADMIN
    networks = _memberships(user, "network_id", "role = %s", [admin.value])
    # managers, whole-organisation agents, and any member if he is a network admin too
    own_condition = (
        "role = %s OR (role = %s AND site_id IS NULL)"
        f" OR (role IN (%s, %s) AND EXISTS ({networks[0]}))"
    )
    return {
        "agent_sites": _memberships(user, "site_id", "role = %s AND site_id IS NOT NULL", [agent]),
        "own_organisations": _memberships(
            user, "organisation_id", own_condition, [manager, agent, manager, agent, *networks[1]]
        ),
        "admin_networks": networks,
    }


def _literal_sources(grants: Grants) -> dict[str, Fragment | None]:
    return {
        "agent_sites": _literal(grants.agent_site_ids),
        "own_organisations": _literal(grants.own_organisation_ids),
        "admin_networks": _literal(grants.admin_network_ids),
    }


def _sources(user: User, grants: Grants | None) -> dict[str, Fragment | None]:
    sources = _literal_sources(grants) if grants is not None else _subquery_sources(user)
    networks = sources.pop("admin_networks")
    if networks is None:
        sources["organisations_in_admin_networks"] = sources["heads_of_admin_networks"] = None
        return sources
    in_network, network = NetworkMembership._meta.db_table, Network._meta.db_table
    sources["organisations_in_admin_networks"] = (
        f"SELECT organisation_id FROM {in_network} WHERE network_id IN ({networks[0]})",  # noqa: S608
        networks[1],
    )
    sources["heads_of_admin_networks"] = (
        f"SELECT head_id FROM {network} WHERE head_id IS NOT NULL AND id IN ({networks[0]})",  # noqa: S608
        networks[1],
    )
    return sources


def writable_site_ids_sql(user: User) -> Fragment | None:
    """`rules.sites_writable_by` as one flat SQL query of site ids and its parameters.
    None means every site (a superuser)."""
    grants = grants_if_read(user)
    if grants is not None and grants.superuser or grants is None and user.is_superuser:
        return None
    sources = _sources(user, grants)
    clauses, params = [], []
    for column, name in SITE_RULE:
        source = sources[name]
        if source is not None:
            clauses.append(f"{column} IN ({source[0]})")
            params += source[1]
    where = " OR ".join(clauses) or "1 = 0"
    return f"SELECT id FROM {Site._meta.db_table} WHERE {where}", params  # noqa: S608


def writable_site_ids(user: User) -> frozenset[int] | _All:
    """The ids of the sites the user may record activity on: a frozenset, or `ALL_SITES`."""
    query = writable_site_ids_sql(user)
    if query is None:
        return ALL_SITES
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return frozenset(row[0] for row in cursor.fetchall())
