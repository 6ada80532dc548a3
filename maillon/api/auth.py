from ninja.security import APIKeyCookie, HttpBearer

from maillon.accounts.services import api_token_authenticate


class SessionAuth(APIKeyCookie):
    """The web session (with CSRF on unsafe methods), for pages calling the API."""

    param_name = "sessionid"

    def __init__(self):
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = request.user
        return user if user.is_authenticated and user.is_active else None


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` for integrations (tokens: `maillon token create`)."""

    def authenticate(self, request, token):
        user = api_token_authenticate(raw=token)
        if user is not None:
            request.user = user
        return user
