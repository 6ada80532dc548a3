"""Tokens created before expiry existed never expired: they now expire 90 days after this
migration (their holders see the date on their « Jetons d'API » page). They keep the write
scope they always had; new tokens are read-only unless asked otherwise."""

import datetime

from django.db import migrations
from django.utils import timezone


def expire_existing(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=timezone.now() + datetime.timedelta(days=90)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_apitoken_scope_expiry"),
    ]

    operations = [
        migrations.RunPython(expire_existing, migrations.RunPython.noop),
    ]
