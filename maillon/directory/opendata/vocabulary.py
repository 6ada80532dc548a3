"""The previous vocabulary of the "lieux de médiation numérique" standard (v0.x, before
v1.0), mapped to the current one, so that files written with it import their services instead
of losing them. The table is documented in docs/directory.md ("Older files").

Older files also separated the values of a list with « ; » where v1 uses « | ».
A value neither current nor in the table is dropped with a warning that names it: nothing is
dropped silently.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from maillon.core.importing import Problem
from maillon.core.text import search_key
from maillon.directory.opendata.schema import fields

ADMIN = "Aide aux démarches administratives"
EVERYDAY = "Maîtrise des outils numériques du quotidien"
WORK = "Insertion professionnelle via le numérique"
UNDERSTANDING = "Compréhension du monde numérique"
ACCESS = "Accès internet et matériel informatique"
SOLIDARITY = "Acquisition de matériel informatique à prix solidaire"

# field → {previous value: current value}
PREVIOUS_VOCABULARY: dict[str, dict[str, str]] = {
    "services": {
        "Devenir autonome dans les démarches administratives": ADMIN,
        "Gagner en autonomie dans les démarches administratives": ADMIN,
        "Réaliser des démarches administratives avec un accompagnement": ADMIN,
        "Etre accompagné dans les démarches administratives": ADMIN,
        "Être accompagné dans les démarches administratives": ADMIN,
        "Prendre en main un smartphone ou une tablette": EVERYDAY,
        "Prendre en main un ordinateur": EVERYDAY,
        "Utiliser le numérique au quotidien": EVERYDAY,
        "Approfondir ma culture numérique": UNDERSTANDING,
        "Promouvoir la citoyenneté numérique": UNDERSTANDING,
        "Favoriser mon insertion professionnelle": WORK,
        "Créer et développer mon entreprise": WORK,
        "Accéder à une connexion internet": ACCESS,
        "Accéder à du matériel": ACCESS,
        "S'équiper en matériel informatique": SOLIDARITY,
        "Soutenir la parentalité et l'éducation avec le numérique": (
            "Parentalité et éducation avec le numérique"
        ),
    },
    "modalites_accompagnement": {
        "Seul": "En autonomie",
        "Avec de l'aide": "Accompagnement individuel",
        "Dans un atelier": "Dans un atelier collectif",
        "En ligne": "À distance",
    },
}

_SEPARATORS = re.compile(r"\s*[|;]\s*")


def _folded(table: dict[str, str]) -> dict[str, str]:
    return {search_key(old): new for old, new in table.items()}


_FOLDED = {name: _folded(table) for name, table in PREVIOUS_VOCABULARY.items()}


@dataclass
class VocabularyReport:
    """What the translation did over a whole file."""

    mapped: Counter = field(default_factory=Counter)  # (field, previous, current) → rows
    unknown: list[Problem] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"{name} : « {old} » → « {new} » ({count} lignes)"
            for (name, old, new), count in sorted(self.mapped.items())
        ]


def _current_choices() -> dict[str, dict[str, str]]:
    return {
        f.name: {search_key(choice): choice for choice in f.choices}
        for f in fields()
        if f.name in PREVIOUS_VOCABULARY
    }


def translate_row(
    row: dict[str, str], line: int, report: VocabularyReport, *, current=None
) -> dict[str, str]:
    """The row with its list values in the current vocabulary (a copy; the row is unchanged
    when it needs nothing)."""
    current = current or _current_choices()
    changed = dict(row)
    for name, previous in _FOLDED.items():
        value = row.get(name, "")
        if not value:
            continue
        kept: list[str] = []
        for item in (part for part in _SEPARATORS.split(value) if part):
            key = search_key(item)
            new = current[name].get(key) or previous.get(key)
            if new is None:
                report.unknown.append(
                    Problem(
                        line,
                        name,
                        item,
                        "valeur inconnue du standard (ni actuelle ni de l'ancienne version), "
                        "ignorée",
                    )
                )
                continue
            if new != item:
                report.mapped[(name, item, new)] += 1
            if new not in kept:
                kept.append(new)
        changed[name] = "|".join(kept)
    return changed


def translate_rows(
    rows: list[tuple[int, dict[str, str]]],
) -> tuple[list[tuple[int, dict[str, str]]], VocabularyReport]:
    report = VocabularyReport()
    current = _current_choices()
    return [(line, translate_row(row, line, report, current=current)) for line, row in rows], report
