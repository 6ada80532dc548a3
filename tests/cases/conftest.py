import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Attachments land in a temporary directory, never in the data directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
