import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads of a test go to its own folder, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty shared cache (Redis when CACHE_URL names it)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def ukrainian_by_default():
    """Each test starts in the site's default language, whatever the last one left."""
    translation.activate("uk")
    yield
    translation.activate("uk")


@pytest.fixture
def page(client):
    """GET a URL and parse it: ``page(url)`` returns ``(response, soup)``."""
    from bs4 import BeautifulSoup

    def get(url, status=200, **kwargs):
        response = client.get(url, **kwargs)
        assert response.status_code == status, (url, response.status_code)
        return response, BeautifulSoup(response.content, "html.parser")

    return get
