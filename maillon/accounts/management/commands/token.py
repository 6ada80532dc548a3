from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from maillon.accounts.enums import TokenScope
from maillon.accounts.models import ApiToken, User
from maillon.accounts.selectors import api_token_list
from maillon.accounts.services import TOKEN_DAYS_DEFAULT, api_token_create, api_token_revoke


class Command(BaseCommand):
    help = (
        "API tokens: `token create USERNAME [--name N] [--scope read|write] [--days D]` prints "
        "the secret once; `token list [USERNAME]`; `token revoke PREFIX_OR_ID`."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a token and print its secret once")
        create.add_argument("username")
        create.add_argument("--name", default="intégration")
        create.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        create.add_argument("--days", type=int, default=TOKEN_DAYS_DEFAULT)
        listing = actions.add_parser("list", help="list the tokens (of one user, or all)")
        listing.add_argument("username", nargs="?")
        revoke = actions.add_parser("revoke", help="revoke a token by its prefix or id")
        revoke.add_argument("token")

    def handle(self, *args, **options):
        getattr(self, f"_{options['action']}")(options)

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Aucun utilisateur actif « {username} ».")
        return user

    def _create(self, options) -> None:
        user = self._user(options["username"])
        try:
            token, raw = api_token_create(
                user=user, name=options["name"], scope=options["scope"], days=options["days"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stderr.write(
            f"Jeton « {token.name} » ({token.get_scope_display()}) valable jusqu'au "
            f"{timezone.localtime(token.expires_at):%d/%m/%Y %H:%M}. Conservez-le : il ne sera "
            "plus affiché."
        )
        self.stdout.write(raw)

    def _list(self, options) -> None:
        if options["username"]:
            tokens = api_token_list(user=self._user(options["username"]))
        else:
            tokens = ApiToken.objects.order_by("-created_at", "-pk")
        now = timezone.now()
        for token in tokens.select_related("user"):
            state = (
                "révoqué"
                if token.revoked_at
                else ("expiré" if token.expires_at <= now else "valide")
            )
            used = (
                f"{timezone.localtime(token.last_used_at):%d/%m/%Y %H:%M}"
                if token.last_used_at
                else "jamais"
            )
            self.stdout.write(
                f"{token.pk}\t{token.prefix}…\t{token.user.username}\t{token.name}\t"
                f"{token.scope}\tcréé {timezone.localtime(token.created_at):%d/%m/%Y}\t"
                f"utilisé {used}\texpire {timezone.localtime(token.expires_at):%d/%m/%Y}\t{state}"
            )

    def _revoke(self, options) -> None:
        value = options["token"]
        tokens = ApiToken.objects.filter(prefix=value)
        if value.isdigit():
            tokens = tokens | ApiToken.objects.filter(pk=int(value))
        matches = list(tokens[:2])
        if not matches:
            raise CommandError(f"Aucun jeton « {value} ».")
        if len(matches) > 1:
            raise CommandError(f"Plusieurs jetons répondent à « {value} » : donnez son numéro.")
        token = api_token_revoke(actor=None, token=matches[0])
        self.stdout.write(f"Jeton {token.prefix}… ({token.name}) révoqué.")
