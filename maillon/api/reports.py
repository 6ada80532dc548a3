"""Key figures over the API (read-only, scoped like the report pages)."""

from ninja import Router

router = Router(tags=["reports"])
