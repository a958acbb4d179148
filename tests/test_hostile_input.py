"""Hostile input: odd bytes in addresses and forms, and absurd sizes.

Run on PostgreSQL too: it refuses a NUL in text, where SQLite stores it quietly.
"""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client

from releases.models import (
    Block,
    ChangeNote,
    Official,
    Photo,
    Position,
    PreviewLink,
    Release,
    Tag,
)

from .factories import (
    add_paragraph,
    make_country,
    make_official,
    make_photo,
    make_release,
    make_tag,
)
from .helpers import client_for, field_errors, form_data, management, release_form, soup_of

QUOTE_LIMIT = 3_000

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    # A 500 must show as a 500 here, not as the exception behind it.
    return Client(raise_request_exception=False)


@pytest.fixture
def editor(editor_user):
    # A 500 must show as a 500 here too; the shared ``editor`` raises the exception behind it.
    return client_for(editor_user, raise_request_exception=False)


@pytest.fixture
def site():
    release = make_release(title_uk="Реліз", title_en="Release")
    release.countries.add(make_country("UA"))
    release.tags.add(make_tag("Тема", "Topic"))
    release.officials.add(make_official(name_uk="Іван Петренко", name_en="Ivan Petrenko"))
    return release


def assert_branded_bad_request(response, language):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    soup = soup_of(response)
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


def test_a_refused_request_is_logged_on_one_line(anonymous, caplog):
    with caplog.at_level("WARNING", logger="releases.request_guard"):
        anonymous.get("/releases/x%0AGET%20/admin/%20200%00/")
    (record,) = [r for r in caplog.records if r.name == "releases.request_guard"]
    assert "\n" not in record.getMessage()
    assert "\\n" in record.getMessage()


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


# Absurd sizes ------------------------------------------------------------------------------

# The longest text each field takes; the importer reads the same limits from the fields.
TEXT_LIMITS = [
    (Release, "title", 300),
    (Release, "lead", 1_000),
    (Release, "review_comment", 2_000),
    (Release, "archive_reason", 1_000),
    (Block, "text", 10_000),
    (ChangeNote, "note", 1_000),
    (PreviewLink, "note", 200),
    (Official, "name", 200),
    (Position, "title", 300),
    (Position, "organisation", 300),
    (Photo, "caption", 1_000),
    (Photo, "alt", 300),
    (Photo, "credit", 200),
    (Tag, "name", 100),
]


def columns(model, field):
    """The field's columns: one per language when it is translated."""
    names = {f.name for f in model._meta.get_fields()}
    per_language = [f"{field}_{lang}" for lang in ("uk", "en")]
    return per_language if all(name in names for name in per_language) else [field]


@pytest.mark.parametrize(("model", "field", "limit"), TEXT_LIMITS)
def test_every_text_field_has_a_limit_that_validation_enforces(model, field, limit):
    for column in columns(model, field):
        model_field = model._meta.get_field(column)
        assert model_field.max_length == limit, column
        model_field.clean("ж" * limit, None)
        with pytest.raises(ValidationError) as refused:
            model_field.clean("ж" * (limit + 1), None)
        assert [e.code for e in refused.value.error_list] == ["max_length"]


def test_a_quote_longer_than_a_quote_may_be_is_refused_at_its_text():
    release = make_release()
    official = make_official()
    block = Block(release=release, kind=Block.Kind.QUOTE, official=official)
    block.text_uk = "с" * QUOTE_LIMIT
    block.full_clean()
    block.text_en = "w" * (QUOTE_LIMIT + 1)
    with pytest.raises(ValidationError) as refused:
        block.full_clean()
    assert list(refused.value.message_dict) == ["text_en"]


def test_an_overlong_lead_is_refused_at_its_field_in_ukrainian_and_kept_in_the_form(editor):
    lead = "Лід " + "ж" * 1_000
    response = editor.post(
        "/admin/releases/release/add/", release_form(lead_uk=lead, transition="publish")
    )
    assert response.status_code == 200
    errors = field_errors(response, "lead_uk")
    assert "не більше ніж 1000 символів (зараз 1004)" in errors
    assert "повинен мати лід" not in errors
    # No maxlength: a browser would cut a pasted lead short without a word.
    textarea = soup_of(response).find("textarea", attrs={"name": "lead_uk"})
    assert not textarea.has_attr("maxlength")
    assert textarea.get_text() == "\n" + lead
    assert not Release.objects.exists()


def test_an_overlong_lead_is_refused_in_english_in_the_english_admin(editor):
    response = editor.post("/en/admin/releases/release/add/", release_form(lead_en="x" * 1_001))
    assert "at most 1000 characters (it has 1001)" in field_errors(response, "lead_en")
    assert not Release.objects.exists()


@pytest.mark.parametrize(
    ("kind", "length", "message"),
    [
        ("paragraph", 10_001, "не більше ніж 10000 символів (зараз 10001)"),
        ("quote", 3_001, "Цитата може мати не більше ніж 3000 символів (ця має 3001)"),
    ],
)
def test_an_overlong_block_is_refused_at_its_text(editor, kind, length, message):
    official = make_official()
    data = release_form(
        **management("blocks", total=1),
        **{
            "blocks-0-position": "1",
            "blocks-0-kind": kind,
            "blocks-0-text_uk": "ж" * length,
            "blocks-0-official": str(official.pk) if kind == "quote" else "",
        },
    )
    response = editor.post("/admin/releases/release/add/", data)
    assert response.status_code == 200
    soup = soup_of(response)
    errors = soup.find(id="id_blocks-0-text_uk_error").get_text(" ", strip=True)
    assert message in errors
    # The text is there, and kept: no second error says it is missing.
    assert "Напишіть текст" not in errors
    assert len(soup.find("textarea", attrs={"name": "blocks-0-text_uk"}).get_text()) > length
    assert not Release.objects.exists()


def test_an_overlong_caption_is_refused_at_its_field(editor):
    photo = make_photo(caption_uk="Підпис")
    url = f"/admin/releases/photo/{photo.pk}/change/"
    data = form_data(editor, url)
    data["caption_uk"] = "ж" * 1_001
    response = editor.post(url, data)
    assert response.status_code == 200
    assert "не більше ніж 1000 символів" in field_errors(response, "caption_uk")
    photo.refresh_from_db()
    assert photo.caption_uk == "Підпис"


def test_an_overlong_review_comment_and_change_note_are_refused_at_their_fields(editor):
    release = make_release()
    add_paragraph(release)
    url = f"/admin/releases/release/{release.pk}/change/"
    data = form_data(editor, url)
    data.update(
        review_comment="ж" * 2_001,
        major_update="on",
        change_note_uk="ж" * 1_001,
        change_note_en="A note.",
    )
    response = editor.post(url, data)
    assert response.status_code == 200
    assert "не більше ніж 2000 символів" in field_errors(response, "review_comment")
    assert "не більше ніж 1000 символів" in field_errors(response, "change_note_uk")
    assert not ChangeNote.objects.exists()


def test_post_and_field_count_limits_fit_the_largest_release_the_admin_takes():
    from releases import limits

    # Every block at its limit, in both languages, Cyrillic, as a browser encodes a form.
    encoded_per_character = len("%D0%B6")
    body = limits.MAX_BLOCKS * 2 * limits.PARAGRAPH * encoded_per_character
    assert body + 100_000 < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    fields_per_block = 9
    assert limits.MAX_BLOCKS * fields_per_block + 100 < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


def test_a_search_longer_than_the_field_takes_is_shortened_and_said_so(anonymous, site):
    from releases import limits

    response = anonymous.get("/en/search/", {"q": "Release " + "x" * limits.SEARCH_QUERY})
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.find("input", attrs={"name": "q"})["maxlength"] == str(limits.SEARCH_QUERY)
    assert f"first {limits.SEARCH_QUERY} characters" in soup.get_text()


def test_a_form_with_more_fields_than_any_form_has_gets_the_bad_request_page(anonymous):
    body = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    assert_branded_bad_request(urlencoded(anonymous, "/en/admin/login/", body), "en")


def test_a_form_larger_than_any_form_is_gets_the_bad_request_page(anonymous):
    body = "username=" + "a" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert_branded_bad_request(urlencoded(anonymous, "/admin/login/", body), "uk")
