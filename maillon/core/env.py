"""Read settings from the environment, with safe local defaults."""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


# "N/period" rates (the public API's limit): the period's names and their length in seconds
RATE_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "day": 86400}


def parse_rate(value: str) -> tuple[int, int] | None:
    """ "120/min" → (120, 60): requests per period; a bare number is per minute; empty or "off"
    switches the limit off (None). Raises ValueError with the accepted forms."""
    text = str(value).strip().lower()
    if text in ("", "off"):
        return None
    count, _, period = text.partition("/")
    seconds = RATE_PERIODS.get(period.strip() or "min")
    if not count.strip().isdigit() or int(count) < 1 or seconds is None:
        periods = "|".join(RATE_PERIODS)
        raise ValueError(
            f"expected N/PERIOD (N ≥ 1, PERIOD one of {periods}) or off, got {value!r}"
        )
    return int(count), seconds


def env_rate(name: str, default: str) -> str:
    """A rate such as "120/min", checked at start (see `parse_rate`)."""
    raw = os.environ.get(name, default)
    try:
        parse_rate(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc
    return raw.strip()
