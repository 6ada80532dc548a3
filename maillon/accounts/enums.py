from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NETWORK_ADMIN = "network_admin", _("administrateur du réseau")
    ORGANISATION_MANAGER = "organisation_manager", _("responsable de structure")
    AGENT = "agent", _("médiateur ou agent d'accueil")
    PARTNER_VIEWER = "partner_viewer", _("partenaire (lecture des statistiques)")


# Invited, never a membership: a partner's referent (a `cases.Referent` row, created by the cases
# layer when the invitation is accepted).
PARTNER_REFERENT = "partner_referent"
INVITATION_ROLES = [
    (Role.ORGANISATION_MANAGER.value, Role.ORGANISATION_MANAGER.label),
    (Role.AGENT.value, Role.AGENT.label),
    (PARTNER_REFERENT, _("référent partenaire")),
]


class TokenScope(models.TextChoices):
    READ = "read", _("lecture seule")
    WRITE = "write", _("lecture et écriture")
