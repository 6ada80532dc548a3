from django.db import models
from django.utils.translation import gettext_lazy as _


class JournalAction(models.TextChoices):
    CREATE = "create", _("création")
    UPDATE = "update", _("modification")
    DELETE = "delete", _("suppression")
    DEACTIVATE = "deactivate", _("désactivation")
    INVITE = "invite", _("invitation")
    ACCEPT = "accept", _("acceptation")
