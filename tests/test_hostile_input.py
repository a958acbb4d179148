"""Hostile input: odd bytes in addresses and forms, and absurd sizes.

Run on PostgreSQL too: it refuses a NUL in text, where SQLite stores it quietly.
"""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client

from releases.models import Release
from releases.roles import EDITOR

from .factories import make_country, make_official, make_release, make_tag
from .test_workflow import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    # A 500 must show as a 500 here, not as the exception behind it.
    return Client(raise_request_exception=False)


@pytest.fixture
def editor():
    client = Client(raise_request_exception=False)
    client.force_login(make_user("editor", EDITOR))
    return client


@pytest.fixture
def site():
    release = make_release(title_uk="Реліз", title_en="Release")
    release.countries.add(make_country("UA"))
    release.tags.add(make_tag("Тема", "Topic"))
    release.officials.add(make_official(name_uk="Іван Петренко", name_en="Ivan Petrenko"))
    return release


def assert_branded_bad_request(response, language):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["lang"] == language
    assert settings.SITE_NAME[language] in soup.get_text()
    heading = {"uk": "Некоректний запит", "en": "Bad request"}[language]
    assert soup.h1.get_text(strip=True) == heading


# Each odd byte in the path, in a query string's names and values, in both languages.
HOSTILE_ADDRESSES = [
    "/countries/u%00a/",
    "/countries/u%00a/rss/",
    "/en/countries/u%00a/atom/",
    "/releases/%00/",
    "/en/releases/a%00b/parallel/",
    "/tags/%FF/",  # not UTF-8
    "/officials/%C0%AF/",  # an overlong encoding of "/"
    "/releases/%ED%A0%80/",  # a lone surrogate
    "/en/photos/a%01b/",
    "/search/?q=%00",
    "/en/search/?q=%FF%FE",
    "/search/?q=%ED%B0%80",
    "/search/?q=a%1Bb",
    "/releases/?tag=%00",
    "/en/releases/?country=u%00a",
    "/releases/?status=%00",
    "/releases/?%00=1",
    "/en/?a%7Fb=1",
    "/feeds/rss/?x=%00",
    "/preview/%00/",
    "/renditions/a%00/w480.jpg",
    "/sitemap.xml?p=%00",
]


@pytest.mark.parametrize("url", HOSTILE_ADDRESSES)
def test_odd_bytes_in_a_public_address_get_a_bad_request_page(anonymous, site, url):
    language = "en" if url.startswith("/en/") else "uk"
    assert_branded_bad_request(anonymous.get(url), language)


HOSTILE_ADMIN_ADDRESSES = [
    "/admin/releases/release/%00/versions/",
    "/admin/releases/release/%00/change/",
    "/admin/releases/release/?status=%00",
    "/admin/releases/release/?status__exact=%00",
    "/admin/releases/release/?q=%00",
    "/en/admin/releases/official/?q=%FF",
    "/admin/autocomplete/?term=%00&app_label=releases&model_name=release&field_name=officials",
    "/admin/autocomplete/?term=%ED%A0%80&app_label=releases&model_name=release"
    "&field_name=countries",
    "/admin/releases/release/1/versions/compare/?a=%00&b=1",
]


@pytest.mark.parametrize("url", HOSTILE_ADMIN_ADDRESSES)
def test_odd_bytes_in_an_admin_address_get_a_bad_request_page(editor, site, url):
    language = "en" if url.startswith("/en/") else "uk"
    assert_branded_bad_request(editor.get(url), language)


def urlencoded(client, url, body):
    return client.post(url, body, content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize(
    "body",
    [
        "title_uk=a%00b&lead_uk=x",
        "title_uk=%FF&lead_uk=x",
        "title_uk=%ED%A0%80&lead_uk=x",
        "title_uk=a%08b&lead_uk=x",
        "ti%00tle_uk=x&lead_uk=x",
    ],
)
def test_odd_bytes_in_a_form_are_refused_and_nothing_is_saved(editor, body):
    response = urlencoded(editor, "/admin/releases/release/add/", body)
    assert_branded_bad_request(response, "uk")
    assert not Release.objects.exists()


def test_odd_bytes_in_a_multipart_form_are_refused(editor):
    response = editor.post(
        "/en/admin/releases/release/add/", {"title_uk": "a\x00b", "lead_uk": "Лід"}
    )
    assert_branded_bad_request(response, "en")
    assert not Release.objects.exists()


@pytest.mark.parametrize("body", ["username=%00&password=x", "username=a&password=%FF"])
def test_odd_bytes_in_the_login_form_are_refused(anonymous, body):
    assert_branded_bad_request(urlencoded(anonymous, "/admin/login/", body), "uk")


def test_line_breaks_and_tabs_typed_in_a_form_are_accepted(editor):
    response = urlencoded(
        editor,
        "/admin/login/",
        "username=editor&password=a%09b%0D%0Ac",
    )
    assert response.status_code == 200


def test_an_ordinary_search_with_every_kind_of_letter_still_works(anonymous, site):
    response = anonymous.get("/search/", {"q": "Реліз ґ ї є ’ — «» café 日本"})
    assert response.status_code == 200


def test_a_session_cookie_that_unquotes_to_nul_bytes_gets_a_bad_request_page(anonymous):
    # Django reads octal escapes in a quoted cookie: this one is eight NUL characters.
    anonymous.cookies.load({})
    response = anonymous.get("/admin/", HTTP_COOKIE='sessionid="' + "\\000" * 8 + '"')
    assert_branded_bad_request(response, "uk")


def test_an_odd_host_header_gets_the_bad_request_page(anonymous):
    assert_branded_bad_request(anonymous.get("/en/", HTTP_HOST="press\x00.example"), "en")


def test_a_malformed_multipart_body_gets_a_bad_request_page(editor):
    response = editor.post(
        "/admin/releases/release/add/",
        b"--x\r\nContent-Disposition: form-data; name=\x00\r\n\r\n",
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 400
    assert not Release.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/releases/release/abc/versions/",
        "/admin/releases/release/99999999999999999999999/versions/",
        "/admin/releases/release/1%20OR%201=1/versions/compare/?a=1&b=2",
    ],
)
def test_an_admin_address_naming_no_release_is_not_found(editor, site, url):
    assert editor.get(url).status_code == 404


def test_a_query_string_longer_than_any_page_takes_is_refused(anonymous, site):
    assert_branded_bad_request(anonymous.get("/search/", {"q": "о" * 5000}), "uk")


def test_more_parameters_than_any_page_takes_are_refused(anonymous, site):
    query = "&".join(f"p{n}=1" for n in range(settings.REQUEST_MAX_QUERY_PARAMETERS + 1))
    assert_branded_bad_request(anonymous.get(f"/en/releases/?{query}"), "en")


def test_a_search_with_every_filter_fits_in_the_query_string(anonymous, site):
    query = {
        "q": "о" * 500,
        "tag": "tema",
        "country": "ua",
        "official": "ivan-petrenko",
        "date_from": "2024-01-01",
        "date_to": "2025-12-31",
        "page": "2",
    }
    assert anonymous.get("/search/", query).status_code == 200
