"""Idempotency keys of the creates: a retried create with the same key stores nothing and
answers the first result; the same key with another body is refused."""

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.accounts.models import User
from maillon.activity.models import IdempotencyKey
from maillon.activity.models.records import KEY_MAX_LENGTH

T = TypeVar("T")

IDEMPOTENCY_KEY_MAX = KEY_MAX_LENGTH


@dataclass(frozen=True)
class Recorded(Generic[T]):
    object: T
    created: bool


@dataclass(frozen=True)
class Claim:
    """Who creates what with which key; `fingerprint` identifies the body of the create."""

    user: User
    key: str | None
    kind: str
    fingerprint: str


def new_idempotency_key() -> str:
    """A key for a form rendered once: a double submit or a replayed POST stores one visit."""
    return "form-" + secrets.token_urlsafe(18)


def fingerprint(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def check_key(key: str | None) -> None:
    """Refuse a key longer than the column holds (before any write path stores it)."""
    if key and len(key) > IDEMPOTENCY_KEY_MAX:
        raise ValidationError(
            {
                "idempotency_key": [
                    _("La clé d'idempotence dépasse %(max)s caractères.")
                    % {"max": IDEMPOTENCY_KEY_MAX}
                ]
            }
        )


def _reused() -> ValidationError:
    return ValidationError(
        {"idempotency_key": [_("Cette clé d'idempotence a déjà servi pour une autre requête.")]}
    )


def claim(c: Claim) -> int | None:
    """Claim the key for this create; return the id created by an earlier call with it, if any.

    `INSERT … ON CONFLICT DO NOTHING` waits for a concurrent transaction holding the same key
    and then sees its committed row: two racing retries never both create."""
    if not c.key:
        return None
    check_key(c.key)
    table = IdempotencyKey._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, key, kind, fingerprint, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (user_id, key) DO NOTHING",
            [c.user.pk, c.key, c.kind, c.fingerprint, timezone.now()],
        )
        if cursor.rowcount == 1:
            return None
    existing = IdempotencyKey.objects.get(user=c.user, key=c.key)
    if existing.kind != c.kind or existing.fingerprint != c.fingerprint:
        raise _reused()
    return existing.object_id


def bind(c: Claim, object_id: int) -> None:
    """Record the id created under a claimed key."""
    if c.key:
        IdempotencyKey.objects.filter(user=c.user, key=c.key).update(object_id=object_id)


def claimed(c: Claim) -> int | None:
    """The id created by an earlier call with the key, if any (read-only: nothing is claimed)."""
    if not c.key:
        return None
    existing = IdempotencyKey.objects.filter(user=c.user, key=c.key).first()
    if existing is None:
        return None
    if existing.kind != c.kind or existing.fingerprint != c.fingerprint:
        raise _reused()
    return existing.object_id


def replayed(queryset: QuerySet, pk: int | None) -> Recorded:
    """The object an earlier call with the same idempotency key created. If it was deleted
    since, the retry is refused (a French message on the key) rather than recreating it."""
    obj = queryset.filter(pk=pk).first() if pk is not None else None
    if obj is None:
        raise ValidationError(
            {
                "idempotency_key": [
                    _("L'objet créé avec cette clé d'idempotence a été supprimé depuis.")
                ]
            }
        )
    return Recorded(obj, created=False)
