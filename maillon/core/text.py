"""Text helpers shared by search and imports: accent-, case- and punctuation-folding."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SAINT = re.compile(r"\b(st|ste|saint|sainte)\b")
_SAINT_FORMS = {"st": "saint", "saint": "saint", "ste": "sainte", "sainte": "sainte"}


def fold(text: str) -> str:
    """Lower-case ASCII with every run of punctuation turned into one space.

    >>> fold("Saint-Étienne")
    'saint etienne'
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _NON_ALNUM.sub(" ", ascii_text).strip()


def search_key(text: str) -> str:
    """The folded form used to index and query names: "St-Étienne" and "saint etienne" match.

    >>> search_key("St-Étienne")
    'saint etienne'
    """
    return _SAINT.sub(lambda match: _SAINT_FORMS[match.group(1)], fold(text))
