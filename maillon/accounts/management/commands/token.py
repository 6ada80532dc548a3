from django.core.management.base import BaseCommand, CommandError

from maillon.accounts.models import User
from maillon.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user: maillon token create USERNAME --name NAME"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", default="intégration")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"Aucun utilisateur actif « {options['username']} ».")
        _token, raw = api_token_create(user=user, name=options["name"])
        self.stdout.write(raw)
