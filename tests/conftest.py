import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads of a test go to its own folder, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def ukrainian_by_default():
    """Each test starts in the site's default language, whatever the last one left."""
    translation.activate("uk")
    yield
    translation.activate("uk")
