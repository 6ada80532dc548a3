"""The cahier des charges France Services as criteria (circulaire du 1er juillet 2019)."""

from django.db import migrations

CRITERIA = [
    {
        "code": "horaires",
        "title": "Ouverture au moins 24 heures par semaine sur au moins 5 jours",
        "description": "Pour les points d'accueil fixes : au moins 24 h d'ouverture au public "
        "par semaine, réparties sur au moins 5 jours ouvrés.",
        "check_kind": "opening_hours",
        "params": {"min_minutes": 1440, "min_days": 5, "site_kinds": ["fixed", "antenna"]},
    },
    {
        "code": "agents",
        "title": "Au moins deux agents présents et formés",
        "description": "Deux agents au moins présents aux heures d'ouverture, ayant suivi la "
        "formation initiale France Services.",
        "check_kind": "staff",
        "params": {"min_agents": 2},
    },
    {
        "code": "operateurs",
        "title": "Les services de chaque opérateur national partenaire",
        "description": "Une convention avec chaque opérateur national partenaire en vigueur à "
        "la date de l'examen (les neuf historiques, puis ceux ajoutés depuis).",
        "check_kind": "operators",
        "params": {},
    },
    {
        "code": "numerique",
        "title": "Un accès numérique libre et gratuit",
        "description": "Un poste informatique connecté, une imprimante et un scanner en accès "
        "libre et gratuit, avec un accompagnement.",
        "check_kind": "manual",
        "params": {},
    },
    {
        "code": "confidentialite",
        "title": "Un espace de confidentialité",
        "description": "Un espace permettant de recevoir le public en toute confidentialité.",
        "check_kind": "manual",
        "params": {},
    },
]


def create(apps, schema_editor):
    LabelProgramme = apps.get_model("labels", "LabelProgramme")
    Criterion = apps.get_model("labels", "Criterion")
    programme = LabelProgramme.objects.get(slug="france-services")
    for position, item in enumerate(CRITERIA, start=1):
        Criterion.objects.update_or_create(
            programme=programme,
            code=item["code"],
            defaults={**{k: v for k, v in item.items() if k != "code"}, "position": position},
        )


def remove(apps, schema_editor):
    apps.get_model("labels", "Criterion").objects.filter(programme__slug="france-services").delete()


class Migration(migrations.Migration):
    dependencies = [("labels", "0003_lifecycle_publications")]
    operations = [migrations.RunPython(create, remove)]
