"""A SIRET in digits of another script is refused with the French message, not a crash."""

import pytest
from django.core.exceptions import ValidationError

from maillon.network.validators import validate_siret


@pytest.mark.parametrize(
    "value",
    ["²" * 14, "٧٣٢٨٢٩٣٢٠٠٠٠٧٤", "７３２８２９３２０００７４"],
    ids=["superscript", "arabic", "fullwidth"],
)
def test_a_siret_of_non_ascii_digits_is_refused_in_french(value):
    with pytest.raises(ValidationError) as error:
        validate_siret(value)
    assert error.value.messages == ["Un SIRET compte exactement 14 chiffres."]


def test_a_valid_siret_still_passes():
    validate_siret("73282932000074")
