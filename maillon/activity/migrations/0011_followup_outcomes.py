"""The outcome taxonomy complete: « réorienté » says towards what, and the partner's outcomes
(appointment made, file sent) are added. The installation administrator may edit them after."""

from django.db import migrations

ADDED = [
    ("rendez-vous", "Rendez-vous pris chez le partenaire", "p", 4),
    ("dossier-transmis", "Dossier transmis au partenaire", "t", 5),
]
REORIENTED = ("reoriente", "Réorienté vers une structure ou un partenaire", "Réorienté")


def forward(apps, schema_editor):
    Outcome = apps.get_model("activity", "Outcome")
    code, label, _old = REORIENTED
    Outcome.objects.filter(code=code, label=_old).update(label=label)
    for code, label, shortcut, position in ADDED:
        Outcome.objects.get_or_create(
            code=code, defaults={"label": label, "shortcut": shortcut, "position": position}
        )


def backward(apps, schema_editor):
    Outcome = apps.get_model("activity", "Outcome")
    code, label, old = REORIENTED
    Outcome.objects.filter(code=code, label=label).update(label=old)
    # an added outcome stays if a request uses it (protected): only unused ones leave
    Request = apps.get_model("activity", "Request")
    for code, *_rest in ADDED:
        if not Request.objects.filter(outcome__code=code).exists():
            Outcome.objects.filter(code=code).delete()


class Migration(migrations.Migration):
    dependencies = [("activity", "0010_followup")]

    operations = [migrations.RunPython(forward, backward)]
