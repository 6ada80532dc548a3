"""The schema version of a backup: a restore refuses a backup whose migrations differ from
the code's, naming what differs."""

from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.core.backup.terms import BackupError


def code_migrations() -> set[tuple[str, str]]:
    """Every migration of the code: the schema version a backup must have been taken at."""
    return set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


SCHEMA_NEWER = gettext_lazy(
    "Cette sauvegarde vient d'une version plus récente de Maillon : elle contient %(count)d "
    "migration(s) que ce code ne connaît pas (%(names)s). Restaurez-la avec la version de "
    "Maillon qui l'a faite."
)
SCHEMA_OLDER = gettext_lazy(
    "Cette sauvegarde vient d'une version plus ancienne de Maillon : il lui manque %(count)d "
    "migration(s) (%(names)s). Restaurez-la avec la version de Maillon qui l'a faite, puis "
    "mettez Maillon à jour et lancez « maillon migrate »."
)


def schema_check(backup: set[tuple[str, str]]) -> None:
    """Refuse a backup of another schema version, naming what differs."""
    if not backup:
        raise BackupError(
            _(
                "Ce fichier n'est pas une sauvegarde de Maillon : il n'a pas de table "
                "django_migrations."
            )
        )
    code = code_migrations()
    for differences, message in (
        (sorted(backup - code), SCHEMA_NEWER),
        (sorted(code - backup), SCHEMA_OLDER),
    ):
        if differences:
            raise BackupError(message % {"count": len(differences), "names": _names(differences)})


def _names(migrations: list[tuple[str, str]], shown: int = 3) -> str:
    names = ", ".join(f"{app}.{name}" for app, name in migrations[:shown])
    return names + (" …" if len(migrations) > shown else "")
