"""The identifiers of a case: each optional, normalised, checked where a rule exists."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from maillon.cases.validators import (
    clean_allocataire_number,
    clean_file_number,
    clean_identifiers,
    clean_nir,
    clean_tax_number,
    nir_key,
)

# a NIR of the INSEE's documentation examples, and Corsican ones
VALID_NIR = "269054958815780"
# born in Corse-du-Sud (2A) and Haute-Corse (2B): keys computed with 19 and 18
CORSICA_A = "1850" + "5" + "2A" + "004" + "123"
CORSICA_B = "1850" + "5" + "2B" + "004" + "123"


def test_nir_key_of_the_insee_example():
    assert nir_key(VALID_NIR[:13]) == 80
    assert clean_nir("2 69 05 49 588 157 80") == VALID_NIR


def test_corsica_departments_count_as_19_and_18():
    assert nir_key(CORSICA_A) == 97 - int(CORSICA_A.replace("2A", "19")) % 97
    assert nir_key(CORSICA_B) == 97 - int(CORSICA_B.replace("2B", "18")) % 97
    for first13 in (CORSICA_A, CORSICA_B):
        nir = f"{first13}{nir_key(first13):02d}"
        assert clean_nir(nir.lower()) == nir  # lower-case letters accepted
    wrong = f"{CORSICA_A}{(nir_key(CORSICA_A) % 97) + 1:02d}"
    with pytest.raises(ValidationError, match="clé"):
        clean_nir(wrong)


@given(st.integers(min_value=1, max_value=2), st.integers(min_value=0, max_value=10**12 - 1))
def test_any_nir_with_its_key_is_accepted_and_any_other_key_refused(sex, rest):
    first13 = f"{sex}{rest:012d}"
    key = nir_key(first13)
    assert 1 <= key <= 97
    assert clean_nir(first13 + f"{key:02d}") == first13 + f"{key:02d}"
    other = key % 97 + 1
    with pytest.raises(ValidationError):
        clean_nir(first13 + f"{other:02d}")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("26905495881578", "15 caractères"),
        ("569054958815780", "bonne forme"),
        ("2690549588157A0", "bonne forme"),
        ("269054958815781", "clé"),
    ],
)
def test_wrong_nirs_are_refused_in_french(value, message):
    with pytest.raises(ValidationError, match=message):
        clean_nir(value)


def test_tax_number_13_digits_starting_0_to_3():
    assert clean_tax_number("30 12 345 678 901") == "3012345678901"
    for wrong in ("4012345678901", "301234567890", "30123456789012", "301234567890A"):
        with pytest.raises(ValidationError, match="13 chiffres"):
            clean_tax_number(wrong)


def test_allocataire_number_7_digits():
    assert clean_allocataire_number(" 1234567 ") == "1234567"
    for wrong in ("123456", "12345678", "12345a7"):
        with pytest.raises(ValidationError, match="7 chiffres"):
            clean_allocataire_number(wrong)


def test_file_number_free_up_to_40_and_spaces_only_is_empty():
    assert clean_file_number("  DOS  2026-123 ") == "DOS 2026-123"
    assert clean_file_number("    ") == ""
    with pytest.raises(ValidationError, match="40 caractères"):
        clean_file_number("x" * 41)


def test_identifiers_are_optional_and_errors_come_all_at_once():
    assert clean_identifiers({}) == {
        "allocataire_number": "",
        "tax_number": "",
        "nir": "",
        "file_number": "",
    }
    with pytest.raises(ValidationError) as caught:
        clean_identifiers({"nir": "123", "tax_number": "9", "allocataire_number": "1234567"})
    assert set(caught.value.message_dict) == {"nir", "tax_number"}
