"""Partner and monthly France Services reports over the API (read-only, scoped)."""

from ninja import Router

router = Router(tags=["reports"])
