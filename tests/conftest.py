"""Fixtures every test module may ask for: a clean state, accounts by role, photos, a browser.

Plain helpers are in ``helpers.py``, factories in ``factories.py``.
"""

import os
import shutil

import pytest
from django.core.management import call_command
from django.utils import translation

from releases.roles import EDITOR, PRESS_OFFICER, TRANSLATOR

from .factories import make_photo, make_public_photo, make_release, make_superuser, make_user
from .helpers import client_for, settle, soup_of

CHROMIUM = "/usr/bin/chromium"


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
    """Each test starts with empty caches: the shared one (Redis when CACHE_URL names it)
    and the rate limits' counters."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def ukrainian_by_default():
    """Each test starts in the site's default language, whatever the last one left."""
    translation.activate("uk")
    yield
    translation.activate("uk")


@pytest.fixture
def english():
    """The test runs in English, as a request under /en/ would."""
    with translation.override("en"):
        yield


@pytest.fixture
def page(client):
    """GET a URL and parse it: ``page(url)`` returns ``(response, soup)``."""

    def get(url, status=200, **kwargs):
        response = client.get(url, **kwargs)
        assert response.status_code == status, (url, response.status_code)
        return response, soup_of(response)

    return get


# Accounts, one per role, made as the press office makes them (releases/roles.py).
# Tests sign in with these names and read them in what the admin says.


@pytest.fixture
def press_officer_user(db):
    return make_user("officer", PRESS_OFFICER)


@pytest.fixture
def editor_user(db):
    return make_user("editor", EDITOR)


@pytest.fixture
def translator_user(db):
    return make_user("translator", TRANSLATOR)


@pytest.fixture
def superuser(db):
    return make_superuser("chief")


@pytest.fixture
def people(press_officer_user, editor_user, translator_user):
    """The three roles' accounts by the name the tests call them."""
    return {"officer": press_officer_user, "editor": editor_user, "translator": translator_user}


# The same accounts signed in, each in a client of its own (``client`` stays anonymous).


@pytest.fixture
def press_officer(press_officer_user):
    return client_for(press_officer_user)


@pytest.fixture
def editor(editor_user):
    return client_for(editor_user)


@pytest.fixture
def translator(translator_user):
    return client_for(translator_user)


@pytest.fixture
def staff(superuser):
    """Signed in as a superuser: every admin page, no role in the way."""
    return client_for(superuser)


# Photos ------------------------------------------------------------------------------------


@pytest.fixture
def photo(db):
    """A public 2000×1000 photo, jrs-5105, stored as an upload and shown by a release."""
    return make_public_photo("jrs-5105")


@pytest.fixture
def draft_photo(db):
    """Photo jrs-9000, shown only by a draft: nobody outside the office may see it."""
    photo = make_photo(code="jrs-9000")
    make_release(published=False, hero_photo=photo)
    return photo


@pytest.fixture
def small_sizes(settings):
    """Rendition sizes small enough that a 400-pixel photo has a working copy (160 px)."""
    settings.PHOTO_WIDTHS = [40, 80]
    settings.PHOTO_CROPS = {"card": (80, 60)}


# The browser: Debian's Chromium driven by Playwright, on the demo site ---------------------


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium")
        pytest.skip("Debian's Chromium is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server's
    # database work happens in its own thread, so Django's guard does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(live_server):
    """The demo content on a live server; returns the server's address."""
    call_command("load_demo", no_user=True, verbosity=0)
    return live_server.url


@pytest.fixture
def tab(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    settle(page)
    context.close()
