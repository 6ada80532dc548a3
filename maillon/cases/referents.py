"""Referent invitations: the network head, or an active referent of the same partner, invites
a person by e-mail to answer a partner's cases for a territory (départements and/or sites).

The accounts layer's invitation flow carries it (signed single-use link, expiry, addressee
check, journal): `referent_invitation_create` stores the invitation, and `referent_grant`, the
granter registered for `PARTNER_REFERENT` in `CasesConfig.ready`, creates (or widens) the
`Referent` row when the link is accepted.

Who may invite for which territory: a network admin, for any partner and territory; an active
referent, for his own partner and within his own territory only.
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.access.rules import is_active_user, is_network_admin, sites_visible_to
from maillon.accounts.enums import PARTNER_REFERENT
from maillon.accounts.invitations import invitation_store
from maillon.accounts.models import Invitation, User
from maillon.cases.models import Referent
from maillon.cases.selectors import referent_territories
from maillon.core.errors import NotFound
from maillon.geo.models import Department
from maillon.journal.enums import JournalAction
from maillon.journal.services import journal_record
from maillon.network.models import Partner, Site

# --- reads ------------------------------------------------------------------------------------


def partners_invitable_by(user: User) -> QuerySet[Partner]:
    """The partners for which `user` may invite referents."""
    if not is_active_user(user):
        return Partner.objects.none()
    if is_network_admin(user):
        return Partner.objects.valid_on(timezone.localdate()).order_by("name")
    ids = {territory.partner_id for territory in referent_territories(user)}
    return Partner.objects.filter(pk__in=ids).order_by("name")


def partner_get_for_inviter(*, user: User, code: str | None) -> Partner:
    """The partner (by code, else the first one) `user` invites referents for; NotFound."""
    partners = partners_invitable_by(user)
    partner = partners.filter(code=code).first() if code else partners.first()
    if partner is None:
        raise NotFound
    return partner


def inviter_departments(user: User, partner: Partner) -> QuerySet[Department]:
    """The départements `user` may give a referent of `partner`: all for a network admin, his
    own for a referent."""
    if is_network_admin(user):
        return Department.objects.order_by("code")
    ids = {
        code
        for territory in referent_territories(user)
        if territory.partner_id == partner.pk
        for code in territory.department_ids
    }
    return Department.objects.filter(pk__in=ids).order_by("code")


def inviter_sites(user: User, partner: Partner) -> QuerySet[Site]:
    """The sites `user` may name: those he sees as network admin; for a referent, his named
    sites and the sites of his départements."""
    if is_network_admin(user):
        return sites_visible_to(user).order_by("name")
    where = Q(pk__in=[])
    for territory in referent_territories(user):
        if territory.partner_id == partner.pk:
            where |= Q(pk__in=territory.site_ids) | Q(
                commune__department_id__in=territory.department_ids
            )
    return Site.objects.filter(where).order_by("name")


def partner_referents(partner: Partner) -> QuerySet[Referent]:
    return (
        Referent.objects.filter(partner=partner)
        .select_related("user")
        .prefetch_related("departments", "sites")
        .order_by("-is_active", "user__last_name", "user__username")
    )


def partner_pending_invitations(partner: Partner) -> QuerySet[Invitation]:
    return (
        Invitation.objects.pending()
        .filter(role=PARTNER_REFERENT, partner=partner)
        .select_related("invited_by")
        .prefetch_related("departments", "sites")
    )


# --- writes -----------------------------------------------------------------------------------


def _check_territory(
    *, actor: User, partner: Partner, departments: list[Department], sites: list[Site]
) -> None:
    if not departments and not sites:
        raise ValidationError(
            {"departments": _("Choisissez au moins un département ou un point d'accueil.")}
        )
    allowed_departments = set(inviter_departments(actor, partner).values_list("pk", flat=True))
    if any(d.pk not in allowed_departments for d in departments):
        raise ValidationError(
            {"departments": _("Vous ne pouvez inviter que sur votre propre territoire.")}
        )
    allowed_sites = set(
        inviter_sites(actor, partner)
        .filter(pk__in=[s.pk for s in sites])
        .values_list("pk", flat=True)
    )
    if any(s.pk not in allowed_sites for s in sites):
        raise ValidationError(
            {"sites": _("Vous ne pouvez inviter que sur votre propre territoire.")}
        )


@transaction.atomic
def referent_invitation_create(
    *,
    actor: User,
    partner: Partner,
    email: str,
    departments: Iterable[Department],
    sites: Iterable[Site],
    accept_url: Callable[[str], str],
) -> Invitation:
    """Invite `email` to answer `partner`'s cases in the départements and sites given."""
    if not partners_invitable_by(actor).filter(pk=partner.pk).exists():
        raise NotFound
    email = email.strip().lower()
    departments, sites = list(departments), list(sites)
    _check_territory(actor=actor, partner=partner, departments=departments, sites=sites)
    if Referent.objects.active().filter(partner=partner, user__email__iexact=email).exists():
        raise ValidationError({"email": _("Cette personne est déjà référente de ce partenaire.")})
    if (
        Invitation.objects.pending()
        .filter(role=PARTNER_REFERENT, partner=partner, email=email)
        .exists()
    ):
        raise ValidationError(
            {"email": _("Une invitation est déjà en attente pour cette personne.")}
        )
    invitation = invitation_store(
        actor=actor,
        invitation=Invitation(email=email, role=PARTNER_REFERENT, partner=partner),
        accept_url=accept_url,
        changes={
            "partner": [None, str(partner)],
            "departments": [None, ", ".join(d.pk for d in departments)],
            "sites": [None, ", ".join(s.name for s in sites)],
        },
    )
    invitation.departments.set(departments)
    invitation.sites.set(sites)
    return invitation


def referent_grant(invitation: Invitation, user: User) -> Referent:
    """On acceptance: the user becomes (or stays) the partner's referent, his territory
    widened by the invitation's. Runs inside `invitation_accept`'s transaction."""
    assert invitation.partner_id is not None  # the model's constraint for this role
    referent, created = Referent.objects.select_for_update().get_or_create(
        user=user,
        partner_id=invitation.partner_id,
        defaults={"invited_by_id": invitation.invited_by_id},
    )
    was_active = referent.is_active
    if not was_active:
        referent.is_active = True
        referent.save(update_fields=["is_active"])
    departments = list(invitation.departments.all())
    sites = list(invitation.sites.all())
    referent.departments.add(*departments)
    referent.sites.add(*sites)
    journal_record(
        actor=user,
        action=JournalAction.CREATE if created else JournalAction.UPDATE,
        obj=referent,
        changes={
            "partner": [None, str(referent.partner)],
            "is_active": [None if created else was_active, True],
            "departments": [None, ", ".join(d.pk for d in departments)],
            "sites": [None, ", ".join(s.name for s in sites)],
        },
    )
    return referent
