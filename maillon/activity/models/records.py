"""What the write paths keep beside the facts: idempotency keys and the imports done."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_MAX_LENGTH = 100  # the longest idempotency key a client may send


class IdempotencyKey(models.Model):
    """A client-chosen key for a create: a retry with the same key returns the first result."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("utilisateur"),
    )
    key = models.CharField(_("clé"), max_length=KEY_MAX_LENGTH)
    kind = models.CharField(_("objet"), max_length=20)
    fingerprint = models.CharField(_("empreinte de la requête"), max_length=64)
    object_id = models.BigIntegerField(_("objet créé"), null=True)
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)

    class Meta:
        verbose_name = _("clé d'idempotence")
        verbose_name_plural = _("clés d'idempotence")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="activity_idempotency_user_key")
        ]

    def __str__(self) -> str:
        return self.key


class ActivityImport(models.Model):
    """A file written by `maillon import activity`, known by the SHA-256 of its content: the same
    content is refused a second time (whatever the file is called) unless asked again."""

    sha256 = models.CharField(_("empreinte SHA-256 du contenu"), max_length=64, db_index=True)
    file_name = models.CharField(_("nom du fichier"), max_length=300)
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("passages attribués à"),
    )
    rows = models.PositiveIntegerField(_("lignes lues"))
    visits = models.PositiveIntegerField(_("passages importés"))
    requests = models.PositiveIntegerField(_("demandes importées"))

    class Meta:
        verbose_name = _("import d'activité")
        verbose_name_plural = _("imports d'activité")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%d/%m/%Y %H:%M})"
