"""Writes on accounts: users, memberships, API tokens."""

import datetime
import functools
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.accounts.enums import Role, TokenScope
from maillon.accounts.models import ApiToken, Membership, User
from maillon.core.cursors import first_fetch_one
from maillon.journal.enums import JournalAction
from maillon.journal.services import journal_created, journal_record


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


TOKEN_DAYS_DEFAULT = 90
TOKEN_DAYS_MAX = 730


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scope: TokenScope | str = TokenScope.READ,
    days: int = TOKEN_DAYS_DEFAULT,
    actor: User | None = None,
) -> tuple[ApiToken, str]:
    """Create a token valid `days` days; the raw value is returned once and never stored.
    Read-only unless `scope` is `write`. `actor` (default: the user) is journalled."""
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = _("Donnez un nom au jeton (par exemple l'outil qui l'utilise).")
    elif len(name) > 100:
        errors["name"] = _("Le nom du jeton ne peut pas dépasser 100 caractères.")
    if scope not in TokenScope.values:
        errors["scope"] = _("Portée inconnue : choisissez « read » ou « write ».")
    if not 1 <= days <= TOKEN_DAYS_MAX:
        errors["days"] = _("La durée de validité doit être comprise entre 1 et %(max)s jours.") % {
            "max": TOKEN_DAYS_MAX
        }
    if errors:
        raise ValidationError(errors)
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:8],
        key_hash=_hash(raw),
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    journal_created(
        actor=actor or user, obj=token, fields=["name", "prefix", "scope", "expires_at"]
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token at once (calls with it answer 401). Revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        journal_record(
            actor=actor,
            action=JournalAction.DEACTIVATE,
            obj=token,
            changes={"revoked_at": [None, token.revoked_at]},
        )
    return token


@functools.cache
def _token_sql() -> str:
    columns = ", ".join(f"u.{f.column}" for f in User._meta.concrete_fields)
    return (
        f"SELECT t.id, t.scope, t.last_used_at, {columns} FROM {ApiToken._meta.db_table} t"  # noqa: S608
        f" JOIN {User._meta.db_table} u ON u.id = t.user_id"
        " WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s"
        " AND u.is_active = %s"
    )


@functools.cache
def _converters(vendor: str, fields: tuple) -> tuple:
    """Per field, what Django's query compiler would apply to its raw value (SQLite stores
    datetimes as text, booleans as integers)."""
    result = []
    for field in fields:
        col = field.get_col(field.model._meta.db_table)
        converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        result.append((col, tuple(converters)))
    return tuple(result)


def _from_db(fields: tuple, values) -> list:
    """Values of a raw row as the ORM would give them."""
    converted = []
    for (col, converters), value in zip(
        _converters(connection.vendor, fields), values, strict=True
    ):
        for converter in converters:
            value = converter(value, col, connection)
        converted.append(value)
    return converted


def api_token_authenticate(*, raw: str) -> tuple[User, str] | None:
    """The active user of a valid (not revoked, not expired) token and the token's scope, or
    None. Every API call asks it first: one prepared query (no ORM compilation) that stands for
    the connection's health check (`core.cursors.first_fetch_one`), and `last_used_at` written
    at most once a minute."""
    now = timezone.now()
    row = first_fetch_one(
        _token_sql(), [_hash(raw), connection.ops.adapt_datetimefield_value(now), True]
    )
    if row is None:
        return None
    fields = tuple(User._meta.concrete_fields)
    last_used_at, *values = _from_db((ApiToken._meta.get_field("last_used_at"), *fields), row[2:])
    if last_used_at is None or (now - last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row[0]).update(last_used_at=now)
    return User.from_db(connection.alias, [f.attname for f in fields], values), row[1]


@transaction.atomic
def superuser_create(*, username: str, password: str) -> User:
    """Create (or reset) an installation administrator; used by the demo."""
    user, _created = User.objects.get_or_create(username=username)
    user.is_active = user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return user


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
    user.forget_access()  # an existing membership is not saved again
    return user
