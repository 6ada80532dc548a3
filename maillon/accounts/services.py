"""Writes on accounts: users, memberships, API tokens."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from maillon.accounts.enums import Role
from maillon.accounts.models import ApiToken, Membership, User


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:8], key_hash=_hash(raw))
    return token, raw


def api_token_authenticate(*, raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def user_create_with_membership(
    *,
    username: str,
    password: str,
    role: Role,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    **scope,
) -> User:
    """Create (or reset) a user with one active membership; used by the demo and tests."""
    user, _created = User.objects.get_or_create(username=username)
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.is_active = True
    user.set_password(password)
    user.save()
    Membership.objects.get_or_create(user=user, role=role, **scope)
    return user
