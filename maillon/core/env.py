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


# EMAIL_URL schemes and the e-mail backend each one selects
EMAIL_URL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def parse_email_url(url: str) -> dict[str, object]:
    """`smtp://user:pass@host:587/?tls=True` → Django's EMAIL_* settings (BACKEND, HOST,
    PORT, HOST_USER, HOST_PASSWORD, USE_TLS, USE_SSL, and TIMEOUT when given).

    `smtps://` means implicit TLS (port 465 by default); `console://`, `locmem://` and
    `dummy://` select those backends. User and password are percent-decoded (an @ in a
    password is written %40). ValueError when the URL cannot be used."""
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url.strip())
    backend = EMAIL_URL_BACKENDS.get(parts.scheme)
    if backend is None:
        raise ValueError(f"scheme must be one of {', '.join(EMAIL_URL_BACKENDS)}, got {url!r}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    flags = {}
    for key in ("tls", "ssl"):
        raw = query.get(key, "").strip().lower()
        if raw not in TRUE_VALUES | FALSE_VALUES:
            raise ValueError(f"{key} must be true or false, got {raw!r}")
        flags[key] = raw in TRUE_VALUES
    use_ssl = flags["ssl"] or parts.scheme == "smtps"
    if use_ssl and flags["tls"]:
        raise ValueError("tls and ssl exclude each other (smtps:// is ssl)")
    try:
        port = parts.port or (465 if use_ssl else 587 if flags["tls"] else 25)
        timeout = int(query["timeout"]) if query.get("timeout") else None
    except ValueError as exc:
        raise ValueError(f"port and timeout must be integers in {url!r}") from exc
    settings: dict[str, object] = {
        "EMAIL_BACKEND": backend,
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": flags["tls"],
        "EMAIL_USE_SSL": use_ssl,
    }
    if timeout is not None:
        settings["EMAIL_TIMEOUT"] = timeout
    return settings


def env_email_url(name: str = "EMAIL_URL") -> dict[str, object]:
    """The EMAIL_* settings of the EMAIL_URL variable ({} when unset), checked at start."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {}
    try:
        return parse_email_url(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc


def env_media_storage() -> dict[str, object]:
    """The `default` storage of uploaded files: local files (MEDIA_ROOT) unless
    MEDIA_STORAGE=s3, then an S3-compatible bucket through django-storages (the `maillon[s3]`
    extra): AWS_STORAGE_BUCKET_NAME required; AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME,
    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY optional (an instance role may provide the keys).
    Files stay private: no public ACL, signed links, never overwritten."""
    kind = os.environ.get("MEDIA_STORAGE", "local").strip().lower() or "local"
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"MEDIA_STORAGE must be local or s3, got {kind!r}")
    bucket = env_str("AWS_STORAGE_BUCKET_NAME").strip()
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    options: dict[str, object] = {
        "bucket_name": bucket,
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        "location": env_str("AWS_LOCATION", "media"),
    }
    for variable, option in (
        ("AWS_S3_ENDPOINT_URL", "endpoint_url"),
        ("AWS_S3_REGION_NAME", "region_name"),
        ("AWS_ACCESS_KEY_ID", "access_key"),
        ("AWS_SECRET_ACCESS_KEY", "secret_key"),
    ):
        value = env_str(variable).strip()
        if value:
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
