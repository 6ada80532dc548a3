from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from maillon.access.rules import is_active_user
from maillon.accounts.enums import TokenScope
from maillon.accounts.services import api_token_authenticate

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SessionAuth(APIKeyCookie):
    """The web session (with CSRF on unsafe methods), for pages calling the API."""

    param_name = "sessionid"

    def __init__(self):
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = request.user
        return user if is_active_user(user) else None


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` for integrations (tokens: `maillon token create`, or the
    « Jetons d'API » page). A read-only token is refused every write with 403."""

    def authenticate(self, request, token):
        found = api_token_authenticate(raw=token)
        if found is None:
            return None
        user, scope = found
        if scope != TokenScope.WRITE and request.method not in READ_METHODS:
            raise HttpError(
                403,
                _(
                    "Ce jeton d'API est en lecture seule : il ne permet pas d'écrire. "
                    "Créez un jeton « lecture et écriture » pour cette opération."
                ),
            )
        request.user = user
        return user
