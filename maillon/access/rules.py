"""Who may see and act on what: the one access layer. Pages, the API, exports, reports, the
Django admin and the raw-SQL fast paths all ask these functions.

- a network admin: every organisation of his networks (and the ones heading them), their sites;
- an organisation manager: his organisations and their sites;
- an agent: the sites he is attached to (or every site of the organisation he is attached to);
- a partner viewer: no site record, only aggregates for his agreements (reports);
- a superuser: everything (installation administrator), shared partners included.

A user's active memberships are read once per request (`grants_of`, memoised on the user
object) and every question below is answered from them. The site rule is written once
(`SITE_RULE`) and compiled to the ORM and to flat SQL (`maillon.access.sql`).
"""

import functools
import operator
from dataclasses import dataclass
from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from maillon.accounts.enums import Role
from maillon.accounts.models import ACCESS_CACHE, Membership, User
from maillon.network.models import (
    Network,
    NetworkMembership,
    Organisation,
    Partner,
    Site,
    SiteQuerySet,
)

# `request.user` before any login check: the questions below answer "nothing" for a visitor.
AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class Grants:
    """What a user's active memberships give him, as ids: read once, asked many times."""

    superuser: bool = False
    agent_site_ids: frozenset[int] = frozenset()
    # agent of a whole organisation (a membership with no site)
    agent_organisation_ids: frozenset[int] = frozenset()
    managed_organisation_ids: frozenset[int] = frozenset()
    # organisations named by a manager or agent membership (the organisations he belongs to)
    member_organisation_ids: frozenset[int] = frozenset()
    admin_network_ids: frozenset[int] = frozenset()
    partner_ids: frozenset[int] = frozenset()

    @property
    def is_network_admin(self) -> bool:
        return self.superuser or bool(self.admin_network_ids)

    @property
    def may_record_activity(self) -> bool:
        """Holds a role that records activity somewhere (the desk's entry in the navigation)."""
        return self.is_network_admin or bool(
            self.agent_site_ids or self.agent_organisation_ids or self.managed_organisation_ids
        )

    @property
    def may_manage_organisations(self) -> bool:
        return self.is_network_admin or bool(self.managed_organisation_ids)

    @property
    def own_organisation_ids(self) -> frozenset[int]:
        """Organisations whose every site he reaches through his own memberships."""
        own = self.managed_organisation_ids | self.agent_organisation_ids
        if self.admin_network_ids:  # a network admin manages the organisations he belongs to
            own |= self.member_organisation_ids
        return own


NO_GRANTS = Grants()


def is_active_user(user: AnyUser) -> TypeGuard[User]:
    """Signed in and not deactivated (an anonymous visitor may be passed too: no grants)."""
    return bool(user.is_authenticated and user.is_active)


def _read_grants(user: User) -> Grants:
    if user.is_superuser:
        return Grants(superuser=True)
    sets: dict[str, set[int]] = {name: set() for name in ("site", "whole", "managed", "member")}
    networks: set[int] = set()
    partners: set[int] = set()
    rows = Membership.objects.filter(user_id=user.pk, is_active=True).values_list(
        "role", "site_id", "organisation_id", "network_id", "partner_id"
    )
    for role, site_id, organisation_id, network_id, partner_id in rows:
        if role == Role.NETWORK_ADMIN:
            networks.add(network_id)
        elif role == Role.PARTNER_VIEWER:
            partners.add(partner_id)
        elif role in (Role.ORGANISATION_MANAGER, Role.AGENT):
            if organisation_id is not None:
                sets["member"].add(organisation_id)
            if role == Role.ORGANISATION_MANAGER:
                sets["managed"].add(organisation_id)
            elif site_id is not None:
                sets["site"].add(site_id)
            else:
                sets["whole"].add(organisation_id)
    return Grants(
        agent_site_ids=frozenset(sets["site"]),
        agent_organisation_ids=frozenset(sets["whole"]),
        managed_organisation_ids=frozenset(sets["managed"] - {None}),
        member_organisation_ids=frozenset(sets["member"]),
        admin_network_ids=frozenset(networks - {None}),
        partner_ids=frozenset(partners - {None}),
    )


def grants_of(user: AnyUser) -> Grants:
    """The user's grants, read in one query the first time a request asks, then memoised on
    the user object (`User.forget_access` drops them when his memberships change)."""
    if not is_active_user(user):
        return NO_GRANTS
    # getattr/setattr, not __dict__: request.user is a lazy object forwarding to the user
    grants = getattr(user, ACCESS_CACHE, None)
    if grants is None:
        grants = _read_grants(user)
        setattr(user, ACCESS_CACHE, grants)
    return grants


def grants_if_read(user: User) -> Grants | None:
    """The grants if this request already read them (None otherwise): the fast paths then
    skip the membership subqueries."""
    if not is_active_user(user):
        return NO_GRANTS
    return getattr(user, ACCESS_CACHE, None)


# The site rule, once: a site is visible (and writable) when one of these holds. Each row is
# (site column, source of ids); `maillon.access.sql` compiles the same rows to flat SQL.
SITE_RULE = (
    ("id", "agent_sites"),
    ("organisation_id", "own_organisations"),
    ("organisation_id", "organisations_in_admin_networks"),
    ("organisation_id", "heads_of_admin_networks"),
)
_ORM_COLUMN = {"id": "pk", "organisation_id": "organisation_id"}


def _orm_sources(grants: Grants) -> dict[str, object]:
    """Each source of ids as a set or a subquery; None when it is empty (no term at all)."""
    networks = grants.admin_network_ids
    return {
        "agent_sites": grants.agent_site_ids or None,
        "own_organisations": grants.own_organisation_ids or None,
        "organisations_in_admin_networks": (
            NetworkMembership.objects.filter(network_id__in=networks).values("organisation_id")
            if networks
            else None
        ),
        "heads_of_admin_networks": (
            Network.objects.filter(pk__in=networks, head__isnull=False).order_by().values("head_id")
            if networks
            else None
        ),
    }


def _site_q(grants: Grants) -> Q | None:
    sources = _orm_sources(grants)
    terms = [
        Q(**{f"{_ORM_COLUMN[column]}__in": sources[name]})
        for column, name in SITE_RULE
        if sources[name] is not None
    ]
    return _any_of(terms) if terms else None


def _any_of(terms: list[Q]) -> Q:
    return functools.reduce(operator.or_, terms)


def may_administer_installation(user: AnyUser) -> bool:
    """An active superuser: the only user Django's admin lets in."""
    return is_active_user(user) and bool(user.is_superuser)


def sees_every_site(user: User) -> bool:
    """A superuser: every site, with no filter to apply."""
    return grants_of(user).superuser


def may_read_reports(user: User) -> bool:
    """Someone with a report to read: a site, a network or a partner (cheap checks first)."""
    grants = grants_of(user)
    if grants.superuser or grants.admin_network_ids or grants.partner_ids:
        return True
    return sites_visible_to(user).exists()


def is_network_admin(user: AnyUser) -> bool:
    return grants_of(user).is_network_admin


def networks_administered_by(user: User) -> QuerySet[Network]:
    grants = grants_of(user)
    if grants.superuser:
        return Network.objects.all()
    if not grants.admin_network_ids:
        return Network.objects.none()
    return Network.objects.filter(pk__in=grants.admin_network_ids)


def partners_editable_by(user: User) -> QuerySet[Partner]:
    """A shared partner (no owner: the national operators, CAF…) is edited by a superuser only;
    a network's own partners by its admins too. Every network admin reads them all."""
    grants = grants_of(user)
    if grants.superuser:
        return Partner.objects.all()
    if not grants.admin_network_ids:
        return Partner.objects.none()
    return Partner.objects.filter(owner_id__in=grants.admin_network_ids)


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    grants = grants_of(user)
    if grants.superuser:
        return Organisation.objects.all()
    sources = _orm_sources(grants)
    terms = [
        Q(pk__in=sources[name]) for _column, name in SITE_RULE[1:] if sources[name] is not None
    ]
    if grants.member_organisation_ids:
        terms.append(Q(pk__in=grants.member_organisation_ids))
    return Organisation.objects.filter(_any_of(terms)) if terms else Organisation.objects.none()


def organisations_managed_by(user: User) -> QuerySet[Organisation]:
    """Organisations whose reference data (sites, staff, members) the user may change."""
    grants = grants_of(user)
    if grants.is_network_admin:
        return organisations_visible_to(user)
    if not grants.managed_organisation_ids:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk__in=grants.managed_organisation_ids)


def sites_visible_to(user: User) -> SiteQuerySet:
    grants = grants_of(user)
    if grants.superuser:
        return Site.objects.all()
    q = _site_q(grants)
    return Site.objects.none() if q is None else Site.objects.filter(q)


def sites_writable_by(user: User) -> SiteQuerySet:
    """Sites on which the user may record activity (agents, managers, network admins)."""
    return sites_visible_to(user)


def partner_ids_viewable_by(user: User) -> frozenset[int]:
    """Partners whose report the user reads as a partner viewer."""
    return grants_of(user).partner_ids
