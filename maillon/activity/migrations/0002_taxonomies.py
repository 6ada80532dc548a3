"""Starting values of the activity taxonomies; the installation administrator edits them."""

from django.db import migrations

CHANNELS = [
    ("sur-site", "Sur site", "s"),
    ("telephone", "Téléphone", "t"),
    ("hors-les-murs", "Hors les murs", "h"),
    ("chez-partenaire", "Chez un partenaire", "p"),
    ("transports", "À bord des transports", "b"),
    ("domicile", "À domicile", "d"),
    ("a-distance", "À distance (visio, courriel)", "v"),
]
THEMES = [
    ("papiers", "Papiers - Élections - Citoyenneté", "1"),
    ("famille", "Famille - Scolarité", "2"),
    ("social-sante", "Social - Santé", "3"),
    ("travail", "Travail - Formation", "4"),
    ("logement", "Logement", "5"),
    ("transports", "Transports - Mobilité", "6"),
    ("argent-impots", "Argent - Impôts", "7"),
    ("justice", "Justice", "8"),
    ("etrangers", "Étrangers - Europe", "9"),
    ("loisirs", "Loisirs - Sports - Culture", "10"),
    ("associations", "Associations", "11"),
    ("energie-eau", "Énergie - Eau", "12"),
    ("numerique", "Numérique", "13"),
]
HELP_KINDS = [
    ("information", "Information", "i"),
    ("orientation", "Orientation vers le partenaire", "o"),
    ("accompagnement", "Accompagnement à une démarche (en ligne ou papier)", "a"),
    ("mise-en-relation", "Mise en relation avec le partenaire", "r"),
    ("mediation", "Médiation (litige, échéancier)", "m"),
]
OUTCOMES = [
    ("resolu", "Résolu lors du passage", "r"),
    ("a-revoir", "À revoir", "v"),
    ("reoriente", "Réorienté", "o"),
]
PLACES = [
    ("transports", "Dans les transports", "t"),
    ("domicile", "À domicile", "d"),
    ("espace-public", "Sur l'espace public", "e"),
    ("chez-partenaire", "Chez un partenaire", "p"),
]
AGE_BANDS = [
    ("moins-18", "Moins de 18 ans", ""),
    ("18-24", "18 à 24 ans", ""),
    ("25-39", "25 à 39 ans", ""),
    ("40-59", "40 à 59 ans", ""),
    ("60-69", "60 à 69 ans", ""),
    ("70-plus", "70 ans et plus", ""),
    ("non-communique", "Non communiqué", ""),
]
TABLES = {
    "Channel": CHANNELS,
    "Theme": THEMES,
    "HelpKind": HELP_KINDS,
    "Outcome": OUTCOMES,
    "OutreachPlace": PLACES,
    "AgeBand": AGE_BANDS,
}


def create(apps, schema_editor):
    for model_name, rows in TABLES.items():
        model = apps.get_model("activity", model_name)
        for position, (code, label, shortcut) in enumerate(rows, start=1):
            model.objects.update_or_create(
                code=code,
                defaults={"label": label, "shortcut": shortcut, "position": position},
            )


class Migration(migrations.Migration):
    dependencies = [("activity", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
