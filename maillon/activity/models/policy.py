"""The rules of the desk that a network head chooses: how long a visit stays editable, how late a
visit may be entered, which help and outcome apply when the agent types none, and when a
follow-up falls due. One row per network; a site follows the policy of its organisation's
network (`maillon.activity.policy.policy_for_site`), or the defaults below when it has none."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from maillon.activity.models.taxonomies import HelpKind, Outcome


class ActivityPolicy(models.Model):
    network = models.OneToOneField(
        "network.Network",
        on_delete=models.CASCADE,
        related_name="activity_policy",
        verbose_name=_("réseau"),
    )
    author_edit_days = models.PositiveSmallIntegerField(
        _("modification par l'agent (jours)"),
        default=0,
        help_text=_(
            "Nombre de jours après le passage pendant lesquels l'agent qui l'a saisi peut le "
            "modifier ou le supprimer. 0 : le jour même seulement."
        ),
    )
    manager_edit_days = models.PositiveSmallIntegerField(
        _("correction par un responsable (jours)"),
        default=7,
        help_text=_(
            "Nombre de jours après le passage pendant lesquels un responsable du site peut le "
            "corriger. Chaque correction est inscrite au journal avec son motif."
        ),
    )
    late_entry_days = models.PositiveSmallIntegerField(
        _("saisie a posteriori (jours)"),
        default=7,
        help_text=_(
            "Un agent peut saisir un passage daté jusqu'à ce nombre de jours en arrière ; "
            "au-delà, seul un responsable le peut."
        ),
    )
    default_help_kind = models.ForeignKey(
        HelpKind,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aide apportée par défaut"),
        help_text=_("Appliquée quand l'agent n'en saisit pas. Vide : la saisie est obligatoire."),
    )
    default_outcome = models.ForeignKey(
        Outcome,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issue par défaut"),
        help_text=_("Appliquée quand l'agent n'en saisit pas. Vide : la saisie est obligatoire."),
    )
    follow_up_days = models.PositiveSmallIntegerField(
        _("échéance d'une suite à donner (jours)"),
        default=7,
        help_text=_("Échéance proposée pour une demande « à revoir »."),
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("règles de saisie du réseau")
        verbose_name_plural = _("règles de saisie des réseaux")

    def __str__(self) -> str:
        return str(self.network)
