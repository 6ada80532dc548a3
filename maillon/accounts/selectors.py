"""Reads on accounts shared by pages and commands."""

from django.db.models import QuerySet

from maillon.accounts.models import ApiToken, User
from maillon.core.errors import NotFound


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones included, to show them)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def api_token_get(*, user: User, pk: int) -> ApiToken:
    """One of the user's own tokens; another user's answers 404 like a missing one."""
    token = api_token_list(user=user).filter(pk=pk).first()
    if token is None:
        raise NotFound
    return token
