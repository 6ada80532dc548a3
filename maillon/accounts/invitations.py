"""Members of an organisation and invitations by e-mail.

- `invitation_create` stores an invitation and, once committed, mails a signed link;
- `invitation_accept` checks the link (signature, expiry, single use), creates the membership
  and returns it; the user lands on the desk page of the site (`desk_url`);
- `membership_deactivate` never deletes: history stays attributed to the user.
All of them write the journal.

A role held outside memberships (a partner's referent, in the cases layer above) registers
its granter in `ROLE_GRANTERS`: `invitation_accept` then calls it instead of creating a
membership, and the higher layer stores its invitations with `invitation_store`.
"""

import datetime
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.accounts.enums import PARTNER_REFERENT, Role
from maillon.accounts.models import Invitation, Membership, User
from maillon.journal.enums import JournalAction
from maillon.journal.services import journal_record
from maillon.network.models import Organisation, Site

INVITATION_VALIDITY = datetime.timedelta(days=7)
SALT = "maillon.accounts.invitation"


class InvitationError(Exception):
    """The link is invalid, expired, cancelled or already used (French message)."""


# role → what grants it on acceptance, for roles that are not memberships: (invitation, user)
# → the object created (journaled by the granter). Filled by the apps that own those roles.
ROLE_GRANTERS: dict[str, Callable[[Invitation, User], Model]] = {}


# --- reads ------------------------------------------------------------------------------------


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    """Memberships on the organisation or one of its sites, active first."""
    return (
        Membership.objects.filter(Q(organisation=organisation) | Q(site__organisation=organisation))
        .select_related("user", "site")
        .order_by("-is_active", "user__last_name", "user__username")
    )


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"k": invitation.key}, salt=SALT, compress=True)


def invitation_from_token(token: str) -> Invitation:
    """The invitation of a link, or InvitationError saying why it cannot be used."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=INVITATION_VALIDITY)
    except signing.SignatureExpired as exc:
        raise InvitationError(
            _("Ce lien d'invitation a expiré : demandez une nouvelle invitation.")
        ) from exc
    except signing.BadSignature as exc:
        raise InvitationError(_("Ce lien d'invitation n'est pas valide.")) from exc
    invitation = (
        Invitation.objects.select_related("organisation", "site", "partner")
        .filter(key=payload.get("k"))
        .first()
    )
    if invitation is None:
        raise InvitationError(_("Ce lien d'invitation n'est pas valide."))
    if invitation.accepted_at is not None:
        raise InvitationError(_("Cette invitation a déjà été utilisée."))
    if invitation.revoked_at is not None:
        raise InvitationError(_("Cette invitation a été annulée."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            _("Ce lien d'invitation a expiré : demandez une nouvelle invitation.")
        )
    return invitation


def invitation_check_addressee(*, invitation: Invitation, user: User) -> None:
    """InvitationError unless `user`'s e-mail is the invited address."""
    if (user.email or "").strip().lower() != invitation.email.strip().lower():
        raise InvitationError(
            _(
                "Cette invitation est destinée à une autre adresse électronique que celle de "
                "votre compte. Déconnectez-vous, puis ouvrez le lien avec le compte de la "
                "personne invitée (ou créez-le)."
            )
        )


def desk_url(site: Site | None) -> str:
    """The desk page (activity app) opened on `site`: `/activite/guichet/?site=<pk>`."""
    try:
        url = reverse("activity:desk")
    except NoReverseMatch:  # the activity app is not wired
        url = "/activite/"
    return f"{url}?site={site.pk}" if site is not None else url


# --- writes -----------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    role: Role | str,
    site: Site | None,
    accept_url: Callable[[str], str],
) -> Invitation:
    """Invite `email` with `role` on `site` (or the whole organisation). `accept_url(token)`
    gives the absolute link put in the e-mail."""
    email = email.strip().lower()
    if role not in (Role.ORGANISATION_MANAGER, Role.AGENT):
        raise ValidationError({"role": _("Ce rôle ne peut pas être attribué par invitation.")})
    if site is not None and site.organisation_id != organisation.pk:
        raise ValidationError({"site": _("Ce point d'accueil ne relève pas de la structure.")})
    if role == Role.ORGANISATION_MANAGER and site is not None:
        raise ValidationError(
            {
                "site": _(
                    "Un responsable de structure est invité sur toute la structure, "
                    "sans point d'accueil."
                )
            }
        )
    scope = Q(site=site) if site is not None else Q(organisation=organisation, site__isnull=True)
    if Membership.objects.active().filter(scope, user__email__iexact=email, role=role).exists():
        raise ValidationError({"email": _("Cette personne a déjà ce rôle.")})
    if (
        Invitation.objects.pending()
        .filter(email=email, organisation=organisation, site=site, role=role)
        .exists()
    ):
        raise ValidationError(
            {"email": _("Une invitation est déjà en attente pour cette personne.")}
        )
    return invitation_store(
        actor=actor,
        invitation=Invitation(email=email, role=role, organisation=organisation, site=site),
        accept_url=accept_url,
    )


def invitation_store(
    *,
    actor: User,
    invitation: Invitation,
    accept_url: Callable[[str], str],
    changes: dict[str, list[Any]] | None = None,
) -> Invitation:
    """Save a checked, unsaved invitation with its key and expiry, journal it, and mail the
    link once the transaction commits (call it inside the caller's transaction)."""
    invitation.key = secrets.token_urlsafe(32)
    invitation.invited_by = actor
    invitation.expires_at = timezone.now() + INVITATION_VALIDITY
    invitation.save()
    journal_record(
        actor=actor,
        action=JournalAction.INVITE,
        obj=invitation,
        changes={
            "email": [None, invitation.email],
            "role": [None, invitation.get_role_display()],
            **(changes or {}),
        },
        organisation_id=invitation.organisation_id,
        site_id=invitation.site_id,
    )
    link = accept_url(invitation_token(invitation))
    transaction.on_commit(lambda: _send_invitation(invitation, link))
    return invitation


def invitation_place(invitation: Invitation) -> str:
    """What the invitation is for: the site, the organisation, or the partner."""
    place = invitation.site or invitation.organisation or invitation.partner
    return str(getattr(place, "name", place))


def _send_invitation(invitation: Invitation, link: str) -> None:
    place = invitation_place(invitation)
    send_mail(
        subject=_("Invitation à rejoindre %(place)s sur Maillon") % {"place": place},
        message=_(
            "Bonjour,\n\n%(who)s vous invite à rejoindre %(place)s sur Maillon en tant que "
            "%(role)s.\n\nPour accepter, ouvrez ce lien (valable jusqu'au %(until)s) :\n%(link)s\n"
        )
        % {
            "who": invitation.invited_by,
            "place": place,
            "role": invitation.get_role_display(),
            "until": timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y %H:%M"),
            "link": link,
        },
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Model:
    """Use the link for `user` (logged in, or just created): one membership (or the role its
    granter creates), once, and only if the account's e-mail is the invited address (a link
    forwarded or leaked to someone else gives him nothing)."""
    invitation = invitation_from_token(token)
    invitation_check_addressee(invitation=invitation, user=user)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError(_("Cette invitation a déjà été utilisée."))
    granter = ROLE_GRANTERS.get(invitation.role)
    if granter is not None:
        granted = granter(invitation, user)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        journal_record(
            actor=user,
            action=JournalAction.ACCEPT,
            obj=invitation,
            changes={"accepted_by": [None, str(user)]},
        )
        return granted
    if invitation.role == PARTNER_REFERENT:  # the cases app is not installed
        raise InvitationError(_("Ce lien d'invitation n'est pas valide."))
    scope = (
        {"site": invitation.site}
        if invitation.site_id
        else {"organisation": invitation.organisation}
    )
    membership = Membership.objects.create(user=user, role=invitation.role, **scope)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.membership = membership
    invitation.save(update_fields=["accepted_at", "accepted_by", "membership"])
    site_id = invitation.site_id
    journal_record(
        actor=user,
        action=JournalAction.ACCEPT,
        obj=invitation,
        changes={"accepted_by": [None, str(user)]},
        organisation_id=invitation.organisation_id,
        site_id=site_id,
    )
    journal_record(
        actor=user,
        action=JournalAction.CREATE,
        obj=membership,
        changes={"user": [None, str(user)], "role": [None, membership.get_role_display()]},
        organisation_id=invitation.organisation_id,
        site_id=site_id,
    )
    return membership


@transaction.atomic
def invitation_user_create(
    *, token: str, username: str, password: str, first_name: str, last_name: str
) -> tuple[User, Model]:
    """A new person accepts: create the account (e-mail of the invitation) and accept."""
    invitation = invitation_from_token(token)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Cet identifiant est déjà pris.")})
    user = User(
        username=username, email=invitation.email, first_name=first_name, last_name=last_name
    )
    user.set_password(password)
    user.save()
    return user, invitation_accept(token=token, user=user)


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        journal_record(
            actor=actor,
            action=JournalAction.DEACTIVATE,
            obj=invitation,
            changes={"revoked_at": [None, invitation.revoked_at]},
            organisation_id=invitation.organisation_id,
            site_id=invitation.site_id,
        )
    return invitation


class ConfirmationRequired(Exception):
    """The change needs the actor's explicit confirmation (withdrawing his own role)."""


@transaction.atomic
def membership_deactivate(
    *, actor: User, membership: Membership, confirmed: bool = False
) -> Membership:
    """Withdraw a role. The membership is kept (inactive) so history stays attributed.

    Withdrawing one's own role needs `confirmed`; the last active manager of an organisation
    is never withdrawn (ValidationError): invite another manager first."""
    if not membership.is_active:
        return membership
    if membership.role == Role.ORGANISATION_MANAGER and membership.organisation_id:
        managers = list(
            Membership.objects.active()
            .select_for_update()  # two managers withdrawing each other: one waits
            .filter(organisation_id=membership.organisation_id, role=Role.ORGANISATION_MANAGER)
            .values_list("pk", flat=True)
        )
        if managers == [membership.pk]:
            raise ValidationError(
                _(
                    "%(user)s est le dernier responsable de la structure : invitez d'abord un "
                    "autre responsable, puis désactivez cette habilitation."
                )
                % {"user": membership.user}
            )
    if membership.user_id == actor.pk and not confirmed:
        raise ConfirmationRequired
    if membership.is_active:
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        if membership.user_id == actor.pk:  # his own role: the request's user object too
            actor.forget_access()
        journal_record(
            actor=actor,
            action=JournalAction.DEACTIVATE,
            obj=membership,
            changes={"is_active": [True, False]},
            organisation_id=membership.organisation_id
            or (membership.site.organisation_id if membership.site is not None else None),
            site_id=membership.site_id,
        )
    return membership
