"""Where a request « réorienté vers » was sent: a partner's office and/or a structure named in
free text (a service, an association, a town hall…), never a person.

A separate table, one-to-one with the request, like `FollowUp`: the fact table stays narrow and
only the few redirected requests have a row. Written by the visit services
(`maillon.activity.referrals`), never by `save()`."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillon.activity.models.facts import Request

# The structure's name: a short free text, never the name of a person (no personal data).
MAX_STRUCTURE_LENGTH = 80


class Referral(models.Model):
    request = models.OneToOneField(
        Request,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="referral",
        verbose_name=_("demande"),
    )
    partner = models.ForeignKey(
        "network.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partenaire"),
    )
    structure = models.CharField(
        _("structure"),
        max_length=MAX_STRUCTURE_LENGTH,
        blank=True,
        help_text=_(
            "Le nom d'une structure ou d'un service (80 caractères au plus). Jamais le nom "
            "d'une personne."
        ),
    )

    class Meta:
        verbose_name = _("réorientation")
        verbose_name_plural = _("réorientations")
        constraints = [
            models.CheckConstraint(
                condition=Q(partner__isnull=False) | ~Q(structure=""),
                name="activity_referral_has_target",
            )
        ]

    def __str__(self) -> str:
        return " — ".join(str(part) for part in (self.partner, self.structure) if part)
