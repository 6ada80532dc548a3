import datetime

from django.db import migrations

CRITERIA = (
    "Cahier des charges France Services (circulaire du 1er juillet 2019) : ouverture au moins "
    "24 h par semaine sur au moins 5 jours ; au moins deux agents formés présents ; les services "
    "des opérateurs nationaux partenaires ; un accès numérique libre et gratuit ; un espace "
    "confidentiel."
)


def create(apps, schema_editor):
    LabelProgramme = apps.get_model("labels", "LabelProgramme")
    LabelProgramme.objects.update_or_create(
        slug="france-services",
        defaults={
            "name": "France Services",
            "description": CRITERIA,
            "started_on": datetime.date(2020, 1, 1),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("labels", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
