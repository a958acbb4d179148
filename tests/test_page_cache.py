"""The shared page cache: anonymous readers only, renewed by every change that shows."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from releases.models import Release

from .factories import (
    add_paragraph,
    add_photo_block,
    add_quote,
    make_country,
    make_official,
    make_photo,
    make_release,
    make_tag,
    make_user,
)
from .helpers import client_for

pytestmark = pytest.mark.django_db


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, response.content.decode()


@pytest.fixture
def story():
    """A public release with a photo, a quoted official, a tag and a country."""
    official = make_official(name_uk="Олена Кравець", name_en="Olena Kravets")
    release = make_release(title_uk="Зустріч у Києві", title_en="Meeting in Kyiv")
    add_paragraph(release, uk="Сторони обговорили співпрацю.", en="They discussed cooperation.")
    add_quote(release, official)
    add_photo_block(release, make_photo(caption_uk="Підпис фото", caption_en="Photo caption"))
    release.officials.add(official)
    release.tags.add(make_tag(name_uk="Оборона", name_en="Defence"))
    release.countries.add(make_country("NO"))
    release.refresh_text_stamps()  # and its search documents, as the admin does
    return release


def english(obj) -> str:
    with translation.override("en"):
        return obj.get_absolute_url()


def pages_of(release):
    """Every public page that shows ``release``, in English."""
    official = release.officials.get()
    return [
        "/en/",
        "/en/releases/",
        english(release),
        "/en/search/?q=Kyiv",
        "/en/feeds/rss/",
        "/en/feeds/atom/",
        f"/en/tags/{release.tags.get().slug_en}/",
        "/en/countries/no/",
        f"/en/officials/{official.slug_en}/",
    ]


def test_an_anonymous_page_is_stored_once_and_then_served_from_the_cache(client, story):
    first, body = get(client, "/en/")
    second, cached = get(client, "/en/")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert cached == body
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_cached_page_costs_no_database_query(client, story, django_assert_num_queries):
    get(client, story.get_absolute_url())
    with django_assert_num_queries(0):
        response, _body = get(client, story.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"


def test_each_language_has_its_own_page(client, story):
    _, ukrainian = get(client, "/")
    english, body = get(client, "/en/")
    assert english["X-Page-Cache"] == "miss"
    assert 'lang="en"' in body and "Meeting in Kyiv" in body
    assert "Зустріч у Києві" in ukrainian and "Зустріч у Києві" not in body
    assert get(client, "/")[0]["Content-Language"] == "uk"


def test_staff_are_never_served_or_stored(client, story):
    story.status = Release.Status.DRAFT
    story.save()
    editor = client_for(make_user("editor", "Editor"))
    response, _body = get(editor, story.get_absolute_url())
    assert response.status_code == 200 and "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    # The draft an editor saw never reaches an anonymous reader.
    assert get(client, story.get_absolute_url())[0].status_code == 404
    get(client, "/")
    assert "X-Page-Cache" not in get(editor, "/")[0]


def test_a_session_cookie_skips_the_cache_even_without_a_login(story):
    reader = Client()
    get(reader, "/")
    reader.cookies["sessionid"] = "whatever"
    assert "X-Page-Cache" not in get(reader, "/")[0]


def test_responses_that_set_a_cookie_are_not_stored(client):
    first, _ = get(client, "/admin/login/")
    assert first.cookies  # the CSRF token of the login form
    assert "X-Page-Cache" not in first
    assert "X-Page-Cache" not in get(Client(), "/admin/login/")[0]


def test_preview_links_are_never_stored(client, story):
    story.status = Release.Status.DRAFT
    story.save()
    link = story.preview_links.create(expires_at=timezone.now() + timedelta(days=1))
    response, _ = get(client, link.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "X-Page-Cache" not in response


def test_front_caches_are_told_how_long_and_conditional_gets_get_304(client, story):
    response, _ = get(client, "/en/releases/")
    control = response["Cache-Control"]
    assert "public" in control and "s-maxage=10" in control
    assert "stale-while-revalidate=30" in control
    assert response["X-Accel-Expires"] == "10"
    assert "Accept-Language" not in response.get("Vary", "")
    for validator in (
        {"If-None-Match": response["ETag"]},
        {"If-Modified-Since": response["Last-Modified"]},
    ):
        again, body = get(client, "/en/releases/", **validator)
        assert again.status_code == 304 and body == ""


def test_a_changed_page_is_not_a_304(client, story):
    response, _ = get(client, "/en/")
    story.title_en = "Meeting in Oslo"
    story.save()
    again, body = get(client, "/en/", **{"If-None-Match": response["ETag"]})
    assert again.status_code == 200 and "Meeting in Oslo" in body


def read_all(client, urls):
    """Every page, twice: the second read comes from the cache."""
    for url in urls:
        get(client, url)
    return {url: get(client, url) for url in urls}


def assert_renewed(client, urls, expected, absent=None):
    for url in urls:
        response, body = get(client, url)
        assert response.status_code == 200, url
        assert expected in body, url
        if absent:
            assert absent not in body, url


def test_editing_a_release_renews_every_page_that_shows_it(client, story):
    urls = pages_of(story)
    cached = read_all(client, urls)
    assert all(response["X-Page-Cache"] == "hit" for response, _ in cached.values())
    story.title_en = "Meeting in Kyiv, renewed"
    story.save()
    story.refresh_text_stamps()
    assert_renewed(client, urls, "renewed")


def test_publishing_and_archiving_show_at_once(client, story):
    draft = make_release(title_en="Brand new statement", published=False)
    add_paragraph(draft)
    read_all(client, ["/en/", "/en/releases/", "/en/feeds/rss/", "/sitemap-releases.xml"])
    draft.status = Release.Status.PUBLISHED
    draft.save()
    assert_renewed(client, ["/en/", "/en/releases/", "/en/feeds/rss/"], "Brand new statement")
    assert_renewed(client, ["/sitemap-releases.xml"], "brand-new-statement")
    draft.status = Release.Status.ARCHIVED
    draft.archive_mode = Release.ArchiveMode.NOTICE
    draft.save()
    for url in ("/en/", "/en/releases/"):
        assert "Brand new statement" not in get(client, url)[1]


def test_a_photo_caption_change_renews_the_release_page(client, story):
    url = english(story)
    read_all(client, [url])
    photo = story.blocks.get(kind="photo").photo
    photo.caption_en = "A better caption"
    photo.save()
    assert "A better caption" in get(client, url)[1]


def test_renaming_an_official_a_tag_or_a_country_link_renews_their_pages(client, story):
    official, tag = story.officials.get(), story.tags.get()
    urls = [english(story), "/en/releases/"]
    read_all(client, urls)
    official.name_en = "Olena Kravets-Renamed"
    official.save()
    assert_renewed(client, urls, "Kravets-Renamed")
    tag.name_en = "Defence policy"
    tag.save()
    assert_renewed(client, [english(story)], "Defence policy")
    read_all(client, ["/en/countries/pl/"])
    story.countries.add(make_country("PL"))
    assert_renewed(client, ["/en/countries/pl/"], "Meeting in Kyiv")


def test_a_scheduled_release_appears_on_a_cached_page_at_its_time(client, story):
    """By the clock: the scheduler has not run, nothing was saved in between."""
    when = timezone.now() + timedelta(hours=2)
    scheduled = make_release(
        title_en="Announced for later", status=Release.Status.SCHEDULED, published_at=when
    )
    add_paragraph(scheduled)
    before, body = get(client, "/en/")
    assert "Announced for later" not in body
    # The page's life in every cache ends by then.
    assert int(before["X-Accel-Expires"]) <= 10
    assert get(client, "/en/")[0]["X-Page-Cache"] == "hit"
    with time_machine.travel(when + timedelta(seconds=1)):
        response, body = get(client, "/en/")
        assert "Announced for later" in body
        assert response["X-Page-Cache"] == "miss"


def test_the_edge_lifetime_never_reaches_past_the_next_publication(client, story):
    when = timezone.now() + timedelta(seconds=4)
    scheduled = make_release(status=Release.Status.SCHEDULED, published_at=when)
    add_paragraph(scheduled)
    response, _ = get(client, "/en/")
    assert int(response["X-Accel-Expires"]) <= 5
    assert "s-maxage=5" in response["Cache-Control"] or "s-maxage=4" in response["Cache-Control"]


def test_publish_scheduled_renews_pages(client, story):
    when = timezone.now() + timedelta(minutes=1)
    scheduled = make_release(
        title_en="Due now", status=Release.Status.SCHEDULED, published_at=when
    )
    add_paragraph(scheduled)
    with time_machine.travel(when + timedelta(seconds=1)):
        read_all(client, ["/en/"])
        call_command("publish_scheduled", verbosity=0)
        assert get(client, "/en/")[0]["X-Page-Cache"] == "miss"


def test_editing_interface_strings_renews_pages(client, story):
    from mod_press.interface_strings.catalogues import reload_catalogues

    read_all(client, ["/en/"])
    reload_catalogues()
    assert get(client, "/en/")[0]["X-Page-Cache"] == "miss"


@pytest.mark.parametrize(
    "url",
    [
        "/en/releases/?page=2&page=3",
        "/en/search/?q=%3Cscript%3E",
        "/en/releases/?tag=%00",
    ],
)
def test_hostile_query_strings_get_their_own_entry_and_never_a_500(client, story, url):
    response, _ = get(client, url)
    assert response.status_code in (200, 400, 404)
    if response.status_code == 200:
        assert get(client, url)[0]["X-Page-Cache"] == "hit"


def test_a_parameter_no_page_takes_gets_the_pages_stored_copy_or_none_is_stored(client, story):
    response, _ = get(client, "/en/?fbclid=abc")
    assert response.status_code == 200 and "X-Page-Cache" not in response
    assert get(client, "/en/")[0]["X-Page-Cache"] == "miss"
    assert get(client, "/en/?fbclid=def")[0]["X-Page-Cache"] == "hit"
    assert get(client, "/en/releases/?page=1&utm_source=x")[0].get("X-Page-Cache") is None


def test_random_parameters_cannot_fill_the_cache(client, story):
    from django.core.cache import cache
    from django.test import RequestFactory

    from releases import page_cache

    for n in range(50):
        assert client.get(f"/en/archive/?flood={n}").status_code == 200
    request = RequestFactory().get("/en/archive/?flood=7")
    key = page_cache.page_key(request, page_cache.current_generation())
    assert cache.get(key) is None


def test_a_flood_of_pages_never_evicts_the_rate_limits(settings, client):
    from django.core.cache import caches

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "p"},
        "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "l"},
    }
    settings.API_THROTTLE_RATE = "2/min"
    assert [client.get("/api/v1/tags/").status_code for _ in range(3)] == [200, 200, 429]
    caches["default"].clear()  # as when pages fill it and push everything else out
    assert client.get("/api/v1/tags/").status_code == 429
    caches["limits"].clear()


def test_a_wrong_host_is_refused_not_cached(settings, story):
    settings.ALLOWED_HOSTS = ["testserver"]
    assert Client(HTTP_HOST="evil.example").get("/").status_code == 400
    assert Client(HTTP_HOST="evil.example").get("/").status_code == 400


def test_pages_are_shared_through_redis(settings, client, story):
    """Whatever CACHE_URL says for the suite, this one runs on the real Redis server."""
    import redis

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": "page-cache-test",
        }
    }
    server = redis.Redis.from_url("redis://127.0.0.1:6379/14")
    server.flushdb()
    assert get(client, "/en/")[0]["X-Page-Cache"] == "miss"
    stored = [key for key in server.keys("page-cache-test:*") if b":page:" in key]
    assert len(stored) == 1
    # Another worker (a new client, a new connection) reads the same page.
    assert get(Client(), "/en/")[0]["X-Page-Cache"] == "hit"
    story.title_en = "Changed through Redis"
    story.save()
    response, body = get(Client(), "/en/")
    assert response["X-Page-Cache"] == "miss" and "Changed through Redis" in body
    server.flushdb()


def test_a_cache_server_that_is_down_costs_speed_not_pages(settings, client, story):
    """Nothing listens on port 1: every cache call fails as it would with Redis down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response, body = get(client, "/en/releases/")
    assert response.status_code == 200 and "Meeting in Kyiv" in body
    assert "X-Page-Cache" not in response
    # Editing still works, and says nothing to the editor about the cache.
    story.title_en = "Saved while the cache was down"
    story.save()
    assert "Saved while the cache was down" in get(client, "/en/releases/")[1]


def test_an_import_renews_cached_pages(client, tmp_path, story):
    import json

    from releases.interchange.importer import Importer

    read_all(client, ["/en/releases/"])
    document = {
        "format": "mod-press/1",
        "releases": [
            {
                "key": "imported-now",
                "status": "published",
                "published_at": "2025-03-01T10:00:00+02:00",
                "title": {"uk": "Імпортований реліз", "en": "Imported statement"},
                "lead": {"uk": "Лід.", "en": "Lead."},
                "body": [{"type": "paragraph", "text": {"uk": "Абзац.", "en": "Paragraph."}}],
            }
        ],
    }
    path = tmp_path / "releases.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    Importer(path).run()
    assert "Imported statement" in get(client, "/en/releases/")[1]


# A release's own article: kept per release while the pages around it are renewed -------


def article_queries(client, url, settings) -> tuple[int, str]:
    """Queries and body of ``url`` read with the full-page cache off."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_ENABLED = False
    with CaptureQueriesContext(connection) as queries:
        body = get(client, url)[1]
    return len(queries), body


def test_a_page_cache_miss_reuses_the_article_of_an_unchanged_release(client, settings, story):
    other = make_release(title_en="Another release")
    add_paragraph(other)
    first, body = article_queries(client, english(story), settings)
    again, cached = article_queries(client, english(story), settings)
    assert again < first and again <= 2
    assert cached == body
    # Publishing or editing another release renews every page, but not this article.
    other.title_en = "Another release, edited"
    other.save()
    assert article_queries(client, english(story), settings)[0] == again
    assert article_queries(client, english(other), settings)[0] > again


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("paragraph", "They agreed on training."),
        ("photo", "A new caption"),
        ("official", "Olena Kravets-Bondar"),
        ("tag", "Air defence"),
        ("position", "Head of the Agency"),
        ("change_note", "Corrected the date."),
    ],
)
def test_whatever_an_article_shows_renews_it_when_it_changes(
    client, settings, story, change, expected
):
    from releases.models import Block, ChangeNote

    from .factories import make_position

    url = english(story)
    article_queries(client, url, settings)
    official = story.officials.get()
    if change == "paragraph":
        block = story.blocks.get(kind=Block.Kind.PARAGRAPH)
        block.text_en = expected
        block.save()  # in code, not through the admin: the signal renews the article
    elif change == "photo":
        photo = story.blocks.get(kind=Block.Kind.PHOTO).photo
        photo.caption_en = expected
        photo.save()
    elif change == "official":
        official.name_en = expected
        official.save()
    elif change == "tag":
        tag = story.tags.get()
        tag.name_en = expected
        tag.save()
    elif change == "position":
        make_position(official, title_en=expected, start=story.published_at.date())
    else:
        ChangeNote.objects.create(release=story, note_uk="Виправлено дату.", note_en=expected)
    assert expected in article_queries(client, url, settings)[1]


def test_each_language_and_host_has_its_own_article(client, settings, story):
    settings.ALLOWED_HOSTS = ["testserver", "press.example.org"]
    settings.PAGE_CACHE_ENABLED = False
    uk = get(client, story.get_absolute_url())[1]
    en = get(client, english(story))[1]
    assert "Зустріч у Києві" in uk and "Meeting in Kyiv" not in uk
    assert "Meeting in Kyiv" in en
    other_host = get(client, english(story), host="press.example.org")[1]
    assert 'content="http://press.example.org/en/' in other_host
    assert "press.example.org" not in get(client, english(story))[1]


def test_a_draft_seen_by_staff_is_never_kept_as_an_article(settings, story):
    settings.PAGE_CACHE_ENABLED = False
    draft = make_release(published=False, title_en="Draft words")
    add_paragraph(draft, en="Draft paragraph.")
    staff = client_for(make_user("editor", "Editor"))
    assert "Draft paragraph." in get(staff, english(draft))[1]
    draft.blocks.update(text_en="Changed without a signal.")
    assert "Changed without a signal." in get(staff, english(draft))[1]


def test_the_article_cache_can_be_switched_off(client, settings, story):
    settings.ARTICLE_CACHE_ENABLED = False
    article_queries(client, english(story), settings)
    story.blocks.filter(kind="paragraph").update(text_en="Changed without a signal.")
    assert "Changed without a signal." in article_queries(client, english(story), settings)[1]


def test_release_cards_are_kept_and_renewed_like_articles(client, settings, story):
    settings.PAGE_CACHE_ENABLED = False
    assert "Meeting in Kyiv" in get(client, "/en/releases/")[1]
    # Kept: a write that sends no signal is not seen...
    Release.objects.filter(pk=story.pk).update(title_en="Changed without a signal")
    assert "Changed without a signal" not in get(client, "/en/releases/")[1]
    # ...and every change that does is, wherever the card is shown.
    story.title_en = "Meeting in Kyiv, edited"
    story.save()
    tag = story.tags.get()
    tag.name_en = "Air defence"
    tag.save()
    for url in ("/en/", "/en/releases/", f"/en/tags/{tag.slug_en}/", "/en/countries/no/"):
        body = get(client, url)[1]
        assert "Meeting in Kyiv, edited" in body, url
        assert "Air defence" in body, url
