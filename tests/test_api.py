"""The read-only JSON API at /api/v1/: what is public, what it looks like, what it costs,
how it answers conditional GETs, hostile input, other sites and too many requests."""

import base64
import json
from datetime import datetime, timedelta

import pytest
import yaml
from django.test import Client
from django.utils import timezone
from drf_spectacular.validation import validate_schema

from releases.models import Block, Release
from tests import documents
from tests.factories import (
    KYIV,
    add_paragraph,
    add_photo_block,
    add_quote,
    add_video,
    make_country,
    make_document,
    make_official,
    make_photo,
    make_position,
    make_release,
    make_rich_release,
    make_tag,
)
from tests.helpers import assert_accessible, settle
from tests.test_accessibility import nu_errors

API = "/api/v1"
pytestmark = pytest.mark.django_db


def get_json(client, url, status=200, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, (url, response.status_code, response.content[:500])
    assert "json" in response["Content-Type"]
    return response.json()


def keys_of(data):
    return [item["key"] for item in data["results"]]


# What is public ------------------------------------------------------------------------------


def test_release_list_shows_releases_public_in_either_language_newest_first(client):
    both = make_release(published_at=datetime(2025, 3, 1, 10, 0, tzinfo=KYIV))
    english_only = make_release(
        languages=("en",), published_at=datetime(2025, 3, 2, 10, 0, tzinfo=KYIV)
    )
    make_release(published=False)
    make_release(status=Release.Status.SCHEDULED, published_at=timezone.now() + timedelta(days=1))
    make_release(status=Release.Status.ARCHIVED, archive_mode=Release.ArchiveMode.NOTICE)
    make_release(languages=())  # published, but complete in no language

    data = get_json(client, f"{API}/releases/")

    assert keys_of(data) == [english_only.key, both.key]


def test_release_texts_are_given_only_in_the_languages_it_is_public_in(client):
    release = make_release(languages=("en",), title_uk="Чернетка назви")
    item = get_json(client, f"{API}/releases/")["results"][0]

    assert item["key"] == release.key
    assert item["title"] == {"uk": None, "en": release.title_en}
    assert item["lead"] == {"uk": None, "en": release.lead_en}
    assert item["page_url"]["uk"] is None
    assert item["page_url"]["en"] == f"http://testserver/en/releases/{release.slug_en}/"
    assert item["languages"]["uk"] == {"complete": False, "translation_status": "source"}
    assert item["languages"]["en"]["complete"] is True


def test_release_detail_gives_the_body_as_structured_data_in_both_languages(client):
    official = make_official(name_uk="Олена Петренко", name_en="Olena Petrenko")
    make_position(official, title_uk="Міністерка", title_en="Minister")
    photo = make_photo(caption_uk="Підпис", caption_en="Caption", credit_en="Credit")
    release = make_release(hero_photo=photo)
    release.officials.add(official)
    release.countries.add(make_country("PL"))
    tag = make_tag(name_uk="Оборона", name_en="Defence")
    release.tags.add(tag)
    add_paragraph(
        release,
        uk='Перший <strong>рядок</strong><br>другий <a href="https://mod.gov.ua/">лінк</a>',
        en="First &amp; <em>only</em>",
    )
    add_quote(release, official, uk="Ми разом.", en="We stand together.")
    add_photo_block(release, photo)

    data = get_json(client, f"{API}/releases/{release.key}/")

    paragraph, quote, picture = data["body"]
    assert paragraph["type"] == "paragraph"
    assert paragraph["html"]["uk"].startswith("Перший <strong>рядок</strong><br>")
    assert paragraph["text"] == {"uk": "Перший рядок\nдругий лінк", "en": "First & only"}
    assert quote == {
        "type": "quote",
        "text": {"uk": "Ми разом.", "en": "We stand together."},
        "official": quote["official"],
    }
    assert quote["official"]["name"] == {"uk": "Олена Петренко", "en": "Olena Petrenko"}
    assert quote["official"]["position"]["title"] == {"uk": "Міністерка", "en": "Minister"}
    assert picture["type"] == "photo"
    assert picture["photo"]["code"] == photo.code
    assert picture["photo"]["caption"] == {"uk": "Підпис", "en": "Caption"}
    assert data["hero_photo"]["credit"]["en"] == "Credit"
    assert data["countries"][0]["code"] == "PL"
    assert data["countries"][0]["name"] == {"uk": "Польща", "en": "Poland"}
    assert data["tags"][0]["name"] == {"uk": "Оборона", "en": "Defence"}
    assert data["officials"][0]["key"] == official.key
    assert data["archived"] is False and data["archive_reason"] is None


def test_photo_renditions_are_addresses_the_site_serves(client, photo):
    data = get_json(client, f"{API}/photos/{photo.code}/")
    renditions = {(r["spec"], r["format"]): r for r in data["renditions"]}

    assert set(renditions) == {
        (spec, ext) for spec in photo.all_rendition_specs() for ext in ("webp", "jpg")
    }
    card = renditions["card", "webp"]
    assert (card["width"], card["height"]) == (800, 533)
    response = client.get(card["url"].removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"


def test_release_detail_answers_by_key_and_by_slug_in_either_language(client):
    release = make_release()

    for address in (release.key, release.slug_uk, release.slug_en):
        assert get_json(client, f"{API}/releases/{address}/")["key"] == release.key


def test_release_detail_of_an_old_slug_moves_to_its_key(client):
    release = make_release()
    old = release.slug_en
    release.slug_en = "new-address"
    release.save()

    response = client.get(f"{API}/releases/{old}/")

    assert response.status_code == 301
    assert response["Location"] == f"http://testserver{API}/releases/{release.key}/"


@pytest.mark.parametrize(
    "fields",
    [
        {"published": False},
        {"status": Release.Status.SCHEDULED, "published_at": timezone.now() + timedelta(days=1)},
        {"languages": ()},
    ],
    ids=["draft", "scheduled", "written-in-no-language"],
)
def test_release_the_public_cannot_see_is_not_found(client, fields):
    release = make_release(**fields)

    data = get_json(client, f"{API}/releases/{release.key}/", status=404)

    assert set(data) == {"detail"}


def test_archived_release_with_notice_answers_with_its_reason(client):
    release = make_release(
        status=Release.Status.ARCHIVED,
        archive_mode=Release.ArchiveMode.NOTICE,
        archive_reason_uk="Застаріло.",
        archive_reason_en="Out of date.",
    )

    data = get_json(client, f"{API}/releases/{release.key}/")

    assert data["archived"] is True
    assert data["archive_reason"] == {"uk": "Застаріло.", "en": "Out of date."}


def test_archived_release_with_redirect_moves_to_its_target_or_is_gone(client):
    target = make_release()
    moved = make_release(
        status=Release.Status.ARCHIVED,
        archive_mode=Release.ArchiveMode.REDIRECT,
        archive_target=target,
    )
    gone = make_release(status=Release.Status.ARCHIVED, archive_mode=Release.ArchiveMode.REDIRECT)

    response = client.get(f"{API}/releases/{moved.key}/")
    assert response.status_code == 301
    assert response["Location"].endswith(f"{API}/releases/{target.key}/")
    get_json(client, f"{API}/releases/{gone.key}/", status=404)


def test_officials_tags_countries_and_photos_are_those_public_releases_show(client):
    shown, hidden = make_official(), make_official()
    tag, draft_tag = make_tag(), make_tag()
    photo, draft_photo = make_photo(), make_photo()
    release = make_release(hero_photo=photo)
    release.officials.add(shown)
    release.tags.add(tag)
    release.countries.add(make_country("LT"))
    draft = make_release(published=False, hero_photo=draft_photo)
    draft.officials.add(hidden)
    draft.tags.add(draft_tag)
    draft.countries.add(make_country("EE"))

    assert keys_of(get_json(client, f"{API}/officials/")) == [shown.key]
    assert [t["slug"]["uk"] for t in get_json(client, f"{API}/tags/")["results"]] == [tag.slug_uk]
    assert [c["code"] for c in get_json(client, f"{API}/countries/")["results"]] == ["LT"]
    assert [p["code"] for p in get_json(client, f"{API}/photos/")["results"]] == [photo.code]
    get_json(client, f"{API}/officials/{hidden.key}/", status=404)
    get_json(client, f"{API}/tags/{draft_tag.slug_en}/", status=404)
    get_json(client, f"{API}/countries/ee/", status=404)
    get_json(client, f"{API}/photos/{draft_photo.code}/", status=404)
    assert get_json(client, f"{API}/officials/{shown.slug_en}/")["key"] == shown.key
    assert get_json(client, f"{API}/tags/{tag.slug_en}/")["name"]["en"] == tag.name_en
    assert get_json(client, f"{API}/countries/lt/")["code"] == "LT"


def test_a_tag_without_an_address_is_shown_without_one(client):
    release = make_release()
    release.tags.add(make_tag(name_uk="!!!", name_en="???"))

    tag = get_json(client, f"{API}/releases/{release.key}/")["tags"][0]

    assert tag["api_url"] is None
    assert tag["name"] == {"uk": "!!!", "en": "???"}
    assert tag["page_url"] == {"uk": None, "en": None}


# Filters and pages --------------------------------------------------------------------------


def test_release_list_filters_by_tag_country_and_official(client):
    tag, official = make_tag(), make_official()
    tagged, partnered, quoting, listing = (make_release() for _ in range(4))
    tagged.tags.add(tag)
    partnered.countries.add(make_country("DK"))
    add_quote(quoting, official)
    listing.officials.add(official)

    assert keys_of(get_json(client, f"{API}/releases/?tag={tag.slug_en}")) == [tagged.key]
    assert keys_of(get_json(client, f"{API}/releases/?tag={tag.slug_uk}")) == [tagged.key]
    assert keys_of(get_json(client, f"{API}/releases/?country=dk")) == [partnered.key]
    by_official = get_json(client, f"{API}/releases/?official={official.slug_uk}")
    assert set(keys_of(by_official)) == {quoting.key, listing.key}
    assert keys_of(get_json(client, f"{API}/releases/?tag=no-such-tag")) == []


def test_release_list_filters_by_kind_and_names_it_in_each_release(client):
    statement = make_release(kind=Release.Kind.STATEMENT)
    make_release(kind=Release.Kind.NEWS)

    data = get_json(client, f"{API}/releases/?kind=statement")

    assert keys_of(data) == [statement.key]
    assert data["results"][0]["kind"] == "statement"
    errors = get_json(client, f"{API}/releases/?kind=interview", status=400)
    assert "kind" in errors


def test_release_list_filters_by_kyiv_dates_and_update_time(client):
    # 00:30 in Kyiv on 1 March is still 28 February in UTC.
    early = make_release(published_at=datetime(2025, 3, 1, 0, 30, tzinfo=KYIV))
    late = make_release(published_at=datetime(2025, 2, 28, 23, 30, tzinfo=KYIV))

    assert keys_of(get_json(client, f"{API}/releases/?published_from=2025-03-01")) == [early.key]
    assert keys_of(get_json(client, f"{API}/releases/?published_to=2025-02-28")) == [late.key]
    Release.objects.filter(pk=late.pk).update(updated_at=timezone.now() - timedelta(days=3))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    response = client.get(f"{API}/releases/", {"updated_since": since})
    assert keys_of(response.json()) == [early.key]


def test_release_list_walks_pages_by_cursor_without_repeats(client):
    # Several releases share a publication time: the cursor keeps its place among them.
    moment = datetime(2025, 4, 1, 12, 0, tzinfo=KYIV)
    releases = [make_release(published_at=moment - timedelta(hours=i // 3)) for i in range(7)]
    url, seen = f"{API}/releases/?page_size=2", []
    while url:
        data = get_json(client, url.removeprefix("http://testserver"))
        seen += keys_of(data)
        url = data["next"]

    expected = sorted(releases, key=lambda r: (r.published_at, r.pk), reverse=True)
    assert seen == [r.key for r in expected]


# Hostile input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("published_from=2025-13-01", "published_from"),
        ("published_to=yesterday", "published_to"),
        ("published_from=0001-01-01", "published_from"),
        ("published_to=9999-12-31", None),
        ("updated_since=9999-12-31T23:59:59-12:00", "updated_since"),
        ("updated_since=2025-02-30T00:00", "updated_since"),
        ("tag=<script>", "tag"),
        ("tag=%D0%BE%D0%B1%D0%BE%D1%80%D0%BE%D0%BD%D0%B0", None),
        ("country=POL", "country"),
        ("official=" + "a" * 500, "official"),
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=" + "9" * 40, "page_size"),
        ("page_size=%D9%A3", "page_size"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=" + base64.b64encode(b"p=yesterday").decode(), "cursor"),
        ("cursor=" + base64.b64encode(b"p=9999-12-31 23:59:59-12:00").decode(), "cursor"),
        ("cursor=" + base64.b64encode(b"o=99999999999999999999&p=2025-01-01").decode(), None),
        ("colour=blue", "colour"),
        ("format=xml", "format"),
    ],
)
def test_bad_parameters_get_a_400_that_names_them(client, query, parameter):
    make_release()

    response = client.get(f"{API}/releases/?{query}")

    if parameter is None:
        assert response.status_code == 200, response.content
        return
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    errors = response.json()
    assert list(errors) == [parameter]
    assert all(isinstance(message, str) and message for message in errors[parameter])


def test_huge_cursor_position_of_a_numbered_list_is_a_400(client, photo):
    cursor = base64.b64encode(b"p=" + b"9" * 30).decode()
    errors = get_json(client, f"{API}/officials/?cursor={cursor}", status=400)
    assert list(errors) == ["cursor"]


def test_control_characters_get_a_json_400(client):
    data = get_json(client, f"{API}/releases/?tag=a%00b", status=400)
    assert set(data) == {"detail"}


@pytest.mark.parametrize(
    "address",
    [
        "/releases/%E2%80%AE%F0%9F%98%80/",
        "/releases/" + "x" * 300 + "/",
        "/officials/%D0%B0/",
        "/countries/xx/",
        "/countries/polska/",
        "/photos/..%2F..%2Fetc/",
        "/nothing/",
    ],
)
def test_unknown_addresses_get_a_json_404(client, address):
    data = get_json(client, f"{API}{address}", status=404)
    assert set(data) == {"detail"}


def test_errors_are_in_english_unless_ukrainian_is_asked_for(client):
    english = get_json(client, f"{API}/releases/?colour=blue", status=400)
    ukrainian = client.get(
        f"{API}/releases/?colour=blue", headers={"accept-language": "uk-UA,uk;q=0.9"}
    )

    assert english == {"colour": ["Unknown parameter."]}
    assert ukrainian.json() == {"colour": ["Невідомий параметр."]}
    assert ukrainian["Content-Language"] == "uk"
    assert "Accept-Language" in ukrainian["Vary"]


# Cost --------------------------------------------------------------------------------------


def test_release_list_costs_the_same_queries_whatever_the_page_holds(
    client, django_assert_num_queries
):
    def cost(page_size):
        client.get(f"{API}/countries/")  # starts the generation of content
        with django_assert_num_queries(5) as captured:
            data = get_json(client, f"{API}/releases/?page_size={page_size}")
        return len(data["results"]), len(captured)

    make_rich_release(1)
    small = cost(1)
    for size in (2, 5):
        make_rich_release(size)
    assert cost(3) == (3, small[1])


def test_release_detail_costs_the_same_queries_however_long_it_is(
    client, django_assert_num_queries
):
    small, large = make_rich_release(1), make_rich_release(12)
    for _ in range(12):
        add_video(large, poster=make_photo())
        make_document(large, documents.pdf())
    client.get(f"{API}/countries/")

    for release in (small, large):
        with django_assert_num_queries(9):
            data = get_json(client, f"{API}/releases/{release.key}/")
        assert len(data["body"]) == release.blocks.count()


@pytest.mark.parametrize("kind", ["officials", "tags", "countries", "photos"])
def test_other_lists_cost_the_same_queries_whatever_they_hold(
    client, django_assert_num_queries, kind
):
    # Officials bring their positions along.
    queries = 2 if kind == "officials" else 1
    for size in (1, 8):
        make_rich_release(size)
        client.get(f"{API}/releases/")  # starts the generation of content
        with django_assert_num_queries(queries):
            data = get_json(client, f"{API}/{kind}/?page_size=50")
    assert len(data["results"]) >= 8


# Conditional GET ----------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["/releases/", "/releases/{key}/", "/tags/"])
def test_conditional_get_answers_304_until_the_content_changes(
    client, django_assert_max_num_queries, address
):
    release = make_release()
    release.tags.add(make_tag())
    url = API + address.format(key=release.key)
    first = client.get(url)
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"]

    with django_assert_max_num_queries(1):
        not_modified = client.get(url, headers={"if-none-match": etag})
    assert not_modified.status_code == 304
    assert not_modified["ETag"] == etag
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304

    tag = release.tags.get()
    tag.name_en = "Renamed"
    tag.save()
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 200
    assert again["ETag"] != etag


def test_conditional_get_of_a_list_costs_no_query(client, django_assert_num_queries):
    make_release()
    etag = client.get(f"{API}/releases/")["ETag"]

    with django_assert_num_queries(0):
        response = client.get(f"{API}/releases/", headers={"if-none-match": etag})
    assert response.status_code == 304


def test_validators_change_when_a_scheduled_release_goes_live(client, time_machine):
    time_machine.move_to(datetime(2025, 5, 1, 9, 0, tzinfo=KYIV), tick=False)
    make_release()
    make_release(
        status=Release.Status.SCHEDULED,
        published_at=datetime(2025, 5, 1, 10, 0, tzinfo=KYIV),
    )
    etag = client.get(f"{API}/releases/")["ETag"]

    time_machine.move_to(datetime(2025, 5, 1, 10, 0, 1, tzinfo=KYIV), tick=False)
    response = client.get(f"{API}/releases/", headers={"if-none-match": etag})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


# The page cache -----------------------------------------------------------------------------


def test_page_cache_neither_serves_nor_stores_api_answers(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    release = make_release()
    first = client.get(f"{API}/releases/{release.key}/")
    # Changed without a signal: a cached copy would still show the old title.
    Release.objects.filter(pk=release.pk).update(title_en="Changed quietly")
    second = client.get(f"{API}/releases/{release.key}/")

    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert second.json()["title"]["en"] == "Changed quietly"
    assert "s-maxage" not in second["Cache-Control"]


# Other sites, methods, limits ---------------------------------------------------------------


def test_cors_lets_any_site_read_the_api_without_credentials(client):
    make_release()
    response = client.get(f"{API}/releases/", headers={"origin": "https://news.example"})

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_cors_preflight_allows_reading_only(client):
    response = client.options(
        f"{API}/releases/",
        headers={
            "origin": "https://news.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    allowed = {m.strip() for m in response["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}
    assert "Access-Control-Allow-Credentials" not in response


def test_cors_is_for_the_api_only(client):
    response = client.get("/en/releases/", headers={"origin": "https://news.example"})
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_methods_are_refused(client, method):
    release = make_release()
    for url in (f"{API}/releases/", f"{API}/releases/{release.key}/"):
        response = getattr(client, method)(url, {}, content_type="application/json")
        assert response.status_code == 405, (method, url)
        assert "GET" in response["Allow"]
    assert Release.objects.filter(pk=release.pk).exists()


def test_each_client_is_limited_to_the_rate_with_retry_after(settings):
    settings.API_THROTTLE_RATE = "3/min"
    settings.PROXY_HOPS = 1
    reader = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    other = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8")

    for _ in range(3):
        assert reader.get(f"{API}/tags/").status_code == 200
    limited = reader.get(f"{API}/tags/")
    # Whatever the client writes further left in the header is not read.
    forged = reader.get(f"{API}/tags/", headers={"x-forwarded-for": "1.2.3.4, 198.51.100.7"})

    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 60
    assert set(limited.json()) == {"detail"}
    assert forged.status_code == 429
    assert other.get(f"{API}/tags/").status_code == 200


# The schema and the docs ---------------------------------------------------------------------


def test_schema_is_valid_openapi_in_json_and_yaml(client):
    as_json = get_json(client, f"{API}/schema/?format=json")
    as_yaml = yaml.safe_load(client.get(f"{API}/schema/").content)

    validate_schema(as_json)
    assert as_json == as_yaml
    assert as_json["openapi"].startswith("3.")
    assert f"{API}/releases/{{key}}/" in as_json["paths"]
    release = as_json["components"]["schemas"]["ReleaseDetail"]["properties"]
    assert release["title"]["allOf"][0]["$ref"].endswith("/LocalizedText")


def test_schema_lists_only_reading_operations(client):
    paths = get_json(client, f"{API}/schema/?format=json")["paths"]
    methods = {method for operations in paths.values() for method in operations}
    assert methods == {"get"}


def test_docs_page_is_served_from_the_site_with_the_strict_policy(client):
    response = client.get(f"{API}/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html and "<style" not in html
    assert "cdn" not in html.lower()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    script = client.get(f"{API}/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_a_video_is_given_by_its_youtube_id_title_and_poster_never_a_youtube_image(client):
    release = make_release()
    poster = make_photo()
    add_video(release, poster=poster)

    (block,) = get_json(client, f"{API}/releases/{release.key}/")["body"]

    assert block["type"] == "video"
    assert block["youtube_id"] == "dQw4w9WgXcQ"
    assert block["title"] == {"uk": "Відео зустрічі", "en": "Video of the meeting"}
    assert block["url"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert block["embed_url"].startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    assert block["poster"]["code"] == poster.code
    assert "ytimg" not in json.dumps(block)


def test_documents_are_listed_with_type_size_and_a_download_in_each_public_language(client):
    release = make_release(languages=("uk",))
    make_document(release, documents.pdf(), title_uk="Комюніке", title_en="")

    (document,) = get_json(client, f"{API}/releases/{release.key}/")["documents"]

    assert document["title"] == {"uk": "Комюніке", "en": None}
    assert document["kind"] == "pdf"
    assert document["size"] > 0
    assert document["download_url"]["en"] is None
    download = client.get(document["download_url"]["uk"].removeprefix("http://testserver"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")


def test_change_notes_are_given_only_in_the_languages_the_release_is_public_in(client):
    from releases.models import ChangeNote

    release = make_release(languages=("uk",))
    ChangeNote.objects.create(release=release, note_uk="Уточнено дату", note_en="Not public")

    (note,) = get_json(client, f"{API}/releases/{release.key}/")["change_notes"]

    assert note["note"] == {"uk": "Уточнено дату", "en": None}


def test_the_apis_own_address_leads_to_its_docs(client):
    response = client.get(f"{API}/")
    assert response.status_code == 302
    assert response["Location"] == f"{API}/docs/"


def test_blocks_of_every_kind_are_in_the_schema(client):
    schemas = get_json(client, f"{API}/schema/?format=json")["components"]["schemas"]
    mapping = schemas["Block"]["discriminator"]["mapping"]
    assert set(mapping) == set(Block.Kind.values)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_page_shows_every_operation_accessibly_under_the_strict_policy(
    browser, live_server, tmp_path
):
    make_release()
    context = browser.new_context(locale="uk-UA")
    page = context.new_page()
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    response = page.goto(f"{live_server.url}{API}/docs/")
    (tmp_path / "docs.html").write_bytes(response.body())
    page.wait_for_selector(".opblock-summary-path", timeout=15000)

    paths = page.eval_on_selector_all(
        ".opblock-summary-path", "els => els.map(e => e.dataset.path)"
    )
    assert f"{API}/releases/{{key}}/" in paths
    # Swagger UI speaks English only: so does its page, whatever the browser prefers.
    assert page.eval_on_selector("html", "e => e.lang") == "en"
    assert_accessible(page)
    page.click("#operations-releases-releases_list .opblock-summary-control")
    page.wait_for_selector("#operations-releases-releases_list .parameters")
    assert_accessible(page)
    assert [text for text in messages if "Content Security Policy" in text] == []
    settle(page)
    context.close()
    assert nu_errors(tmp_path) == []
