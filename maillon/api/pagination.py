"""Offset pagination with declared bounds: a huge `offset` or `limit` answers 422 (the bounds
are in the OpenAPI document) instead of reaching the database, where SQLite fails on an
integer over 64 bits and a far offset scans for nothing."""

from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 100
MAX_OFFSET = 1_000_000


class BoundedLimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT, description="Éléments par page."
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Éléments à sauter.")

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
