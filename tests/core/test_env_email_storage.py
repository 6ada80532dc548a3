"""EMAIL_URL and MEDIA_STORAGE: parsed at start, refused early when they cannot work."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from maillon.core.env import env_email_url, env_media_storage, parse_email_url

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_smtp_url_with_starttls_and_a_password_holding_an_at_sign():
    assert parse_email_url("smtp://maillon%40asso.org:p%40ss:w@smtp.example.org:587/?tls=True") == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "maillon@asso.org",
        "EMAIL_HOST_PASSWORD": "p@ss:w",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtps://smtp.example.org", 465, False, True),
        ("smtp://smtp.example.org?tls=1", 587, True, False),
        ("smtp://relay", 25, False, False),
        ("smtp://relay:2525/?timeout=10", 2525, False, False),
    ],
    ids=["implicit-tls", "starttls-default-port", "plain-relay", "port-and-timeout"],
)
def test_default_ports_follow_the_encryption(url, port, tls, ssl):
    settings = parse_email_url(url)
    assert (settings["EMAIL_PORT"], settings["EMAIL_USE_TLS"], settings["EMAIL_USE_SSL"]) == (
        port,
        tls,
        ssl,
    )


def test_console_scheme_selects_the_console_backend():
    assert parse_email_url("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")


@pytest.mark.parametrize(
    "url",
    ["imap://host", "smtp://host?tls=maybe", "smtps://host?tls=true", "smtp://host:port"],
    ids=["scheme", "flag", "tls-and-ssl", "port"],
)
def test_unusable_urls_stop_the_start(monkeypatch, url):
    monkeypatch.setenv("EMAIL_URL", url)
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env_email_url()


def test_no_email_url_keeps_the_separate_variables(monkeypatch):
    monkeypatch.delenv("EMAIL_URL", raising=False)
    assert env_email_url() == {}


def test_media_storage_is_local_files_by_default(monkeypatch):
    monkeypatch.delenv("MEDIA_STORAGE", raising=False)
    assert env_media_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_s3_media_storage_is_private_and_needs_a_bucket(monkeypatch):
    monkeypatch.setenv("MEDIA_STORAGE", "s3")
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        env_media_storage()
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "maillon-pj")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "https://s3.fr-par.scw.cloud")
    monkeypatch.setenv("AWS_S3_REGION_NAME", "fr-par")
    storage = env_media_storage()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "maillon-pj",
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        "location": "media",
        "endpoint_url": "https://s3.fr-par.scw.cloud",
        "region_name": "fr-par",
    }


def test_an_unknown_media_storage_is_refused(monkeypatch):
    monkeypatch.setenv("MEDIA_STORAGE", "ftp")
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE"):
        env_media_storage()
