"""Starting values of the partners (national operators, usual local partners): created without an
owner network, so they are shared by every network and edited by the installation administrator."""

import datetime

from django.db import migrations

FS_START = datetime.date(2020, 1, 1)
NATIONAL = [
    ("caf", "Caisse d'allocations familiales", "CAF", FS_START),
    ("cpam", "Assurance Maladie", "CPAM", FS_START),
    ("cnav", "Assurance retraite (CNAV / Carsat)", "Assurance retraite", FS_START),
    ("msa", "Mutualité sociale agricole", "MSA", FS_START),
    ("france-travail", "France Travail (ex-Pôle emploi)", "France Travail", FS_START),
    ("dgfip", "Finances publiques (DGFiP)", "Finances publiques", FS_START),
    ("france-titres", "France Titres (ANTS) — ministère de l'Intérieur", "France Titres", FS_START),
    ("justice", "Ministère de la Justice", "Justice", FS_START),
    ("la-poste", "La Poste", "La Poste", FS_START),
    ("france-renov", "France Rénov' / MaPrimeRénov' (ANAH)", "France Rénov'",
     datetime.date(2022, 1, 1)),
    ("maprimeadapt", "MaPrimeAdapt' (ANAH)", "MaPrimeAdapt'", datetime.date(2024, 1, 1)),
    ("cheque-energie", "Chèque énergie", "Chèque énergie", None),
]
LOCAL = [
    ("edf", "EDF"), ("engie", "Engie"), ("enedis", "Enedis"), ("sncf", "SNCF"),
    ("keolis", "Keolis"), ("transdev", "Transdev"), ("veolia", "Veolia"), ("suez", "Suez"),
    ("bailleurs-sociaux", "Bailleurs sociaux"),
]


def create(apps, schema_editor):
    Partner = apps.get_model("network", "Partner")
    for code, name, short, valid_from in NATIONAL:
        Partner.objects.update_or_create(
            code=code,
            defaults={"name": name, "short_name": short, "kind": "national",
                      "valid_from": valid_from},
        )
    for code, name in LOCAL:
        Partner.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": name, "kind": "local"}
        )


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
