from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siret(value: str) -> None:
    """A SIRET is 14 digits with a valid Luhn key (La Poste's establishments excepted)."""
    # ASCII digits: `str.isdigit()` also accepts « ² » and other scripts' digits
    if len(value) != 14 or not (value.isascii() and value.isdigit()):
        raise ValidationError(_("Un SIRET compte exactement 14 chiffres."), code="siret_format")
    la_poste = value.startswith("356000000")
    if not (luhn_valid(value) or (la_poste and sum(int(c) for c in value) % 5 == 0)):
        raise ValidationError(
            _("Ce SIRET n'est pas valide : sa clé de contrôle ne correspond pas."),
            code="siret_key",
        )
