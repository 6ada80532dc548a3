"""Ids typed in URLs, forms and API bodies.

Primary keys are 64-bit (`BigAutoField`): a larger number names no row, and is answered as
"not found" rather than sent to the database (SQLite refuses to bind it: a server error).
Only ASCII digits make an id: `str.isdigit()` accepts « ² », which `int()` then refuses.
"""

MAX_ID = 2**63 - 1


def id_in_range(pk: int) -> bool:
    return 1 <= pk <= MAX_ID


def parse_id(text: str) -> int | None:
    """The id written in `text`, or None when it is not one (so nothing can match it)."""
    if not (text.isascii() and text.isdigit()):
        return None
    pk = int(text)
    return pk if id_in_range(pk) else None
