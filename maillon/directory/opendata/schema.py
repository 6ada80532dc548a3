"""The "Standard de données des lieux de médiation numérique" (Table Schema) and a validator of
its rows that explains every problem in French.

The validator implements the parts of Table Schema this schema uses — types `string`, `number`,
`date`; constraints `required`, `unique`, `pattern` (the whole value must match), `maxLength` —
and is checked against the schema's own example and against frictionless in the tests.
"""

import datetime
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from maillon.core.importing import Problem

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SCHEMA_PATH = DATA_DIR / "schema.json"
EXAMPLE_PATH = DATA_DIR / "exemple-valide.csv"

# Extra words for the fields whose pattern is cryptic to a reader.
HINTS = {
    "pivot": "un SIRET (14 chiffres) ou un numéro RNA est attendu, sans espace",
    "code_postal": "un code postal compte 5 chiffres",
    "code_insee": "un code INSEE compte 5 caractères (ex. 42218, 2A004)",
    "telephone": "format international sans espace attendu, par exemple +33180059880",
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    unique: bool
    pattern: re.Pattern | None
    max_length: int | None
    choices: tuple[str, ...]


def _choices(pattern: str) -> tuple[str, ...]:
    """The vocabulary of a "one or more values separated by |" pattern, else ()."""
    prefix, suffix = "(?:(?:^|\\|)(", "))+$"
    if not (pattern.startswith(prefix) and pattern.endswith(suffix)):
        return ()
    inner = pattern[len(prefix) : -len(suffix)]
    parts = re.split(r"(?<!\\)\|", inner)
    return tuple(re.sub(r"\\(.)", r"\1", part) for part in parts)


@functools.lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def fields() -> tuple[Field, ...]:
    result = []
    for spec in schema()["fields"]:
        constraints = spec.get("constraints", {})
        pattern = constraints.get("pattern")
        result.append(
            Field(
                name=spec["name"],
                type=spec.get("type", "string"),
                required=bool(constraints.get("required")),
                unique=bool(constraints.get("unique")),
                pattern=re.compile(pattern) if pattern else None,
                max_length=constraints.get("maxLength"),
                choices=_choices(pattern) if pattern else (),
            )
        )
    return tuple(result)


def field_names() -> list[str]:
    return [f.name for f in fields()]


def required_names() -> tuple[str, ...]:
    return tuple(f.name for f in fields() if f.required)


SCHEMA_VERSION = "v1.0.2"


def _number_ok(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return "," not in value


def _date_ok(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def value_problems(field: Field, value: str, line: int) -> list[Problem]:
    """Why `value` is not valid for `field` (empty list when it is)."""

    def problem(reason: str) -> Problem:
        return Problem(line, field.name, value, reason)

    if value == "":
        return [problem("valeur obligatoire manquante")] if field.required else []
    if field.type == "number" and not _number_ok(value):
        return [problem("nombre attendu, avec un point décimal (ex. 45.4241)")]
    if field.type == "date" and not _date_ok(value):
        return [problem("date attendue au format AAAA-MM-JJ (ex. 2024-04-02)")]
    if field.max_length is not None and len(value) > field.max_length:
        return [
            problem(f"{field.max_length} caractères au plus (ici {len(value)})"),
        ]
    if field.pattern is not None and not field.pattern.fullmatch(value):
        if field.choices:
            wrong = [item for item in value.split("|") if item not in field.choices]
            return [
                problem(
                    f"valeur hors de la liste : {', '.join(repr(w) for w in wrong) or repr(value)}"
                    f" ; valeurs possibles, séparées par « | » : {' ; '.join(field.choices)}"
                )
            ]
        hint = HINTS.get(field.name, f"la valeur ne respecte pas le motif {field.pattern.pattern}")
        return [problem(hint)]
    return []


def row_problems(row: dict[str, str], line: int) -> list[Problem]:
    problems = []
    for field in fields():
        problems.extend(value_problems(field, row.get(field.name, "") or "", line))
    return problems


def table_problems(rows: list[tuple[int, dict[str, str]]]) -> list[Problem]:
    """Every problem of a table: each row's values, then the unique `id`."""
    problems = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        problems.extend(row_problems(row, line))
        key = row.get("id", "")
        if key:
            if key in first_line:
                problems.append(
                    Problem(line, "id", key, f"identifiant déjà présent ligne {first_line[key]}")
                )
            else:
                first_line[key] = line
    return problems
