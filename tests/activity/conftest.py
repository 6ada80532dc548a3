import pytest

from maillon.activity import taxonomy


@pytest.fixture(autouse=True)
def _fresh_taxonomies():
    """Partners created by a test are seen at once by the in-process taxonomy cache."""
    taxonomy.cache_clear()
    yield
    taxonomy.cache_clear()
