"""The base of Maillon's management commands that call selectors: the command-line edge of the
domain errors (`maillon.core.errors`)."""

from django.core.management.base import BaseCommand, CommandError

from maillon.core.errors import NotFound


class DomainCommand(BaseCommand):
    """A `NotFound` raised by a selector stops the command with its French message (a
    `CommandError`: exit status 1 and the message, no traceback), as a page answers 404."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except NotFound as error:
            raise CommandError(str(error)) from error
