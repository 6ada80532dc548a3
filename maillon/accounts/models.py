"""Users and their memberships: who may act on which network, organisation, site or partner."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillon.accounts.enums import INVITATION_ROLES, PARTNER_REFERENT, Role, TokenScope

# The attribute under which `maillon.access.rules` memoises what a user's memberships grant,
# for one request (like Django's `_perm_cache`): the user object lives as long as the request.
ACCESS_CACHE = "_maillon_access"


class User(AbstractUser):
    """A person who logs in. Citizens have no account."""

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def forget_access(self) -> None:
        """Drop the memoised access of this user object: his memberships just changed."""
        self.__dict__.pop(ACCESS_CACHE, None)


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)

    def with_role(self, *roles: str):
        return self.filter(role__in=roles)


class Membership(models.Model):
    """A role held by a user on a network, an organisation, a site or for a partner."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("utilisateur"),
    )
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices)
    network = models.ForeignKey(
        "network.Network",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user_memberships",
        verbose_name=_("réseau"),
    )
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user_memberships",
        verbose_name=_("structure porteuse"),
    )
    site = models.ForeignKey(
        "network.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user_memberships",
        verbose_name=_("point d'accueil"),
    )
    partner = models.ForeignKey(
        "network.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user_memberships",
        verbose_name=_("partenaire"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("habilitation")
        verbose_name_plural = _("habilitations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role=Role.NETWORK_ADMIN, network__isnull=False)
                    | Q(role=Role.ORGANISATION_MANAGER, organisation__isnull=False)
                    | Q(role=Role.AGENT, site__isnull=False)
                    | Q(role=Role.AGENT, organisation__isnull=False)
                    | Q(role=Role.PARTNER_VIEWER, partner__isnull=False)
                ),
                name="accounts_membership_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        scope = self.network or self.organisation or self.site or self.partner
        return f"{self.user} — {self.get_role_display()} — {scope}"


def forget_access_of_member(sender, instance: Membership, **kwargs) -> None:
    """A membership saved or deleted: its user object, if loaded, forgets its memoised access
    (the object a request or a test holds is the one passed when creating the membership)."""
    if Membership.user.is_cached(instance):
        instance.user.forget_access()


class ApiTokenQuerySet(models.QuerySet):
    def valid(self):
        """Neither revoked nor expired."""
        from django.utils import timezone

        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token for an integration, acting as its user. Only a hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("utilisateur"),
    )
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(_("préfixe"), max_length=8, db_index=True)
    key_hash = models.CharField(_("empreinte"), max_length=64, unique=True)
    scope = models.CharField(
        _("portée"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_valid(self) -> bool:
        from django.utils import timezone

        return self.revoked_at is None and self.expires_at > timezone.now()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        from django.utils import timezone

        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An invitation by e-mail to join an organisation or a site with a role, or to answer a
    partner's cases for a territory (`PARTNER_REFERENT`: partner, départements and/or sites).

    The link carries a signed token naming `key`; it is valid until `expires_at` and once."""

    email = models.EmailField(_("courriel"))
    role = models.CharField(_("rôle"), max_length=30, choices=INVITATION_ROLES)
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("structure porteuse"),
    )
    partner = models.ForeignKey(
        "network.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partenaire"),
    )
    departments = models.ManyToManyField(
        "geo.Department", blank=True, related_name="+", verbose_name=_("départements")
    )
    sites = models.ManyToManyField(
        "network.Site", blank=True, related_name="+", verbose_name=_("points d'accueil suivis")
    )
    site = models.ForeignKey(
        "network.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("point d'accueil"),
    )
    key = models.CharField(_("clé"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("invité par"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acceptée par"),
    )
    membership = models.OneToOneField(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitation",
        verbose_name=_("habilitation créée"),
    )
    revoked_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=[Role.ORGANISATION_MANAGER, Role.AGENT],
                        organisation__isnull=False,
                        partner__isnull=True,
                    )
                    | Q(role=PARTNER_REFERENT, partner__isnull=False, organisation__isnull=True)
                ),
                name="accounts_invitation_role",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True)
                | Q(membership__isnull=False)
                | Q(role=PARTNER_REFERENT),
                name="accounts_invitation_accepted_has_membership",
            ),
        ]

    def __str__(self) -> str:
        place = self.site or self.organisation or self.partner
        return f"{self.email} — {self.get_role_display()} — {place}"
