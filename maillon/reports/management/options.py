"""What the report export commands read from their options the same way."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from maillon.reports.periods import Period


def period_option(text: str) -> Period:
    """The period of `--period` (2024, 2024-T2, 2024-03, 2024-01..2024-06); an unreadable or
    reversed one stops the command with the French message of `Period.parse`."""
    try:
        return Period.parse(text)
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from error
