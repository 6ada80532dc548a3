"""The structured identifiers of a case: what the partner needs to find the person's file.

Each one is optional; a value given is normalised (spaces removed) and checked where a rule
exists — the NIR's key (97 − the 13-digit number modulo 97, Corsica's 2A and 2B replaced as
the INSEE says), the numéro fiscal's 13 digits starting with 0 to 3, the numéro d'allocataire's
7 digits. A numéro de dossier is free text of 40 characters at most. Errors are French,
keyed by the field's name (`ValidationError` with a dict)."""

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FILE_NUMBER_MAX_LENGTH = 40
IDENTIFIER_FIELDS = ("allocataire_number", "tax_number", "nir", "file_number")

_NIR = re.compile(r"^[1-478]\d{4}(\d{2}|2A|2B)\d{6}(\d{2})$")
_CORSICA = {"2A": "19", "2B": "18"}


def _compact(value: str) -> str:
    """Without spaces, dots or dashes (how people copy these numbers), upper case."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def nir_key(first13: str) -> int:
    """The key of a NIR's first 13 characters: 97 − (number mod 97). Corsica's départements
    count as 19 (2A) and 18 (2B), i.e. « 20 » minus 1 000 000 or 2 000 000."""
    department = first13[5:7]
    if department in _CORSICA:
        first13 = first13[:5] + _CORSICA[department] + first13[7:]
    return 97 - int(first13) % 97


def clean_nir(value: str) -> str:
    """A NIR of 15 characters (13 + a 2-digit key) whose key is right; '' when empty."""
    nir = _compact(value)
    if not nir:
        return ""
    if len(nir) != 15:
        raise ValidationError(
            _("Le NIR compte 15 caractères (13 chiffres et une clé de 2 chiffres).")
        )
    if not _NIR.match(nir):
        raise ValidationError(
            _(
                "Ce NIR n'a pas la bonne forme : il commence par le sexe (1 ou 2), "
                "ne contient que des chiffres (2A ou 2B pour la Corse) et finit par sa clé."
            )
        )
    if nir_key(nir[:13]) != int(nir[13:]):
        raise ValidationError(_("La clé de ce NIR ne correspond pas : vérifiez le numéro."))
    return nir


def _digits(value: str, pattern: str, message: str) -> str:
    """`value` without separators if it matches `pattern` (a ValidationError with `message`
    otherwise); '' when empty."""
    number = _compact(value)
    if number and not re.fullmatch(pattern, number):
        raise ValidationError(message)
    return number


def clean_tax_number(value: str) -> str:
    """A numéro fiscal: 13 digits, the first one 0 to 3; '' when empty."""
    return _digits(
        value,
        r"[0-3]\d{12}",
        _("Le numéro fiscal compte 13 chiffres et commence par 0, 1, 2 ou 3."),
    )


def clean_allocataire_number(value: str) -> str:
    """A numéro d'allocataire of the CAF: 7 digits; '' when empty."""
    return _digits(value, r"\d{7}", _("Le numéro d'allocataire compte 7 chiffres."))


def clean_file_number(value: str) -> str:
    """A partner's file number: free text, 40 characters at most, spaces collapsed; '' when
    only spaces were typed."""
    number = " ".join((value or "").split())
    if len(number) > FILE_NUMBER_MAX_LENGTH:
        raise ValidationError(
            _("Le numéro de dossier compte %(max)d caractères au plus.")
            % {"max": FILE_NUMBER_MAX_LENGTH}
        )
    return number


CLEANERS = {
    "allocataire_number": clean_allocataire_number,
    "tax_number": clean_tax_number,
    "nir": clean_nir,
    "file_number": clean_file_number,
}


def clean_identifiers(values: Mapping[str, str | None]) -> dict[str, str]:
    """Every identifier of `values` (missing ones: ''), normalised; a ValidationError keyed by
    field lists every wrong one at once."""
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name in IDENTIFIER_FIELDS:
        try:
            cleaned[name] = CLEANERS[name](values.get(name) or "")
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned
