"""Reads on accounts shared by pages and commands."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from maillon.accounts.models import ApiToken, User


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones included, to show them)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def api_token_get(*, user: User, pk: int) -> ApiToken:
    """One of the user's own tokens; another user's answers 404 like a missing one."""
    return get_object_or_404(api_token_list(user=user), pk=pk)
