"""Embargo: a scheduled release shared before its time with named journalists.

The key proof is ``test_an_embargoed_release_is_public_exactly_from_its_kyiv_time``: the
release is nowhere the public looks (``PUBLIC_SURFACES``) one second before its time, and
everywhere from that second, across both of Kyiv's summer-time changes, in both languages,
with the page cache warmed before the time.
"""

import json
import re
import shutil
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from releases import page_cache
from releases.models import EmbargoAccess, EmbargoView, PreviewLink, Release

from .factories import add_paragraph, make_document, make_photo, make_release
from .helpers import ROOT, assert_accessible, change_url, client_for, form_data, settle, soup_of

pytestmark = pytest.mark.django_db

KYIV = ZoneInfo("Europe/Kyiv")
# The release of most tests: 18:00 on 5 December 2026, Kyiv time; read a few days before.
TIME = datetime(2026, 12, 5, 18, 0, tzinfo=KYIV)
BEFORE = TIME - timedelta(days=3)
BANNER = {
    "uk": "ЕМБАРГО до 18:00, 5 грудня 2026, за київським часом",
    "en": "EMBARGO until 18:00, 5 December 2026, Kyiv time",
}
PREFIX = {"uk": "", "en": "/en"}


def embargoed(published_at=TIME, **fields):
    """A release scheduled for ``published_at``, with a paragraph, in both languages."""
    release = make_release(
        published=False, status=Release.Status.SCHEDULED, published_at=published_at, **fields
    )
    add_paragraph(release, uk="Секретний абзац.", en="A secret paragraph.")
    return release


def give_access(release, **fields):
    values = {"name": "Olha Koval", "outlet": "Ukrinform", "email": "olha@example.org"}
    return EmbargoAccess.objects.create(release=release, **{**values, **fields})


def link(access, language="en"):
    with translation.override(language):
        return access.get_absolute_url()


@pytest.fixture
def access(db):
    return give_access(embargoed())


@pytest.fixture
def before():
    with time_machine.travel(BEFORE, tick=False):
        yield


def text_of(response):
    return soup_of(response).get_text(" ", strip=True)


# The page a journalist reads --------------------------------------------------------------


@pytest.mark.parametrize("language", ["uk", "en"])
def test_the_link_shows_the_release_under_an_embargo_banner_in_its_language(
    client, access, before, language
):
    response = client.get(link(access, language))
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.html["lang"] == language
    banner = soup.select_one("section.embargo-banner")
    assert banner["aria-labelledby"] == "embargo-notice"
    assert soup.find(id="embargo-notice").get_text(" ", strip=True) == BANNER[language]
    assert "Olha Koval (Ukrinform)" in banner.get_text()
    paragraph = {"uk": "Секретний абзац.", "en": "A secret paragraph."}[language]
    assert paragraph in text_of(response)
    # Nothing leads to a public address that does not answer yet.
    assert not soup.select(".parallel-link")
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"


def test_the_link_is_never_indexed_cached_or_passed_on(client, access, before):
    response = client.get(link(access))
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert set(re.split(r",\s*", response["Cache-Control"])) == {"private", "no-store"}
    assert response["Referrer-Policy"] == "no-referrer"
    assert not page_cache.is_cacheable_response(response)
    assert "X-Page-Cache" not in response
    assert "X-Accel-Expires" not in response
    # Not kept by the page cache either: a second reader's request is drawn afresh (and
    # logged).
    second = client.get(link(access), REMOTE_ADDR="198.51.100.9")
    assert "X-Page-Cache" not in second
    assert access.views.count() == 2


def test_nginx_micro_cache_skips_embargo_links():
    """The shipped nginx configuration neither reads nor stores /embargo/ pages, whatever
    the app answered (tests/test_deployment.py runs the same file)."""
    config = (ROOT / "mod_press/deploy/nginx.conf").read_text()
    skip_map = re.search(r"map \$uri \$skip_cache_path \{(.*?)\}", config, re.S).group(1)
    patterns = [re.compile(line.split()[0][1:]) for line in skip_map.splitlines() if "~" in line]
    for path in ("/embargo/abc/", "/en/embargo/abc/"):
        assert any(p.search(path) for p in patterns), path
    assert "proxy_no_cache $skip_cache_session $skip_cache_path" in config
    assert "proxy_cache_bypass $skip_cache_session $skip_cache_path" in config


def test_robots_txt_keeps_crawlers_out_of_embargo_links(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /embargo/" in text
    assert "Disallow: /en/embargo/" in text


def test_each_view_is_recorded_with_who_when_address_and_browser(client, access, before):
    client.get(link(access, "uk"), HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="203.0.113.7")
    view = EmbargoView.objects.get()
    assert view.access == access
    assert view.time == timezone.now()
    assert (view.language, view.ip_address, view.user_agent) == (
        "uk",
        "203.0.113.7",
        "Firefox/140",
    )


def test_reloads_and_head_requests_do_not_drown_the_record(client, access, before):
    for _ in range(5):
        client.get(link(access, "uk"), REMOTE_ADDR="203.0.113.7")
        client.head(link(access, "uk"), REMOTE_ADDR="203.0.113.7")
    client.get(link(access, "en"), REMOTE_ADDR="203.0.113.7")
    client.get(link(access, "uk"), REMOTE_ADDR="198.51.100.9")
    assert EmbargoView.objects.count() == 3
    with time_machine.travel(BEFORE + timedelta(minutes=1), tick=False):
        client.get(link(access, "uk"), REMOTE_ADDR="203.0.113.7")
    assert EmbargoView.objects.count() == 4


def test_a_signed_in_editor_opening_the_link_is_named_in_the_record(
    editor, editor_user, access, before
):
    assert editor.get(link(access)).status_code == 200
    view = EmbargoView.objects.get()
    assert (view.access, view.staff) == (access, editor_user)


def test_an_anonymous_view_names_no_staff(client, access, before):
    client.get(link(access))
    assert EmbargoView.objects.get().staff is None


def test_a_very_long_browser_description_is_cut_to_its_field(client, access, before):
    response = client.get(link(access), HTTP_USER_AGENT="A" * 5000)
    assert response.status_code == 200
    assert len(EmbargoView.objects.get().user_agent) == 300


def test_the_page_costs_the_same_queries_however_long_the_release(client, before):
    short, long = embargoed(), embargoed()
    for _ in range(8):
        add_paragraph(long)
    client.get(link(give_access(short)))  # what any first request reads once
    counts = []
    for release in (short, long):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(link(give_access(release))).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 12


def test_a_release_not_written_in_the_links_language_says_where_it_is(client, before):
    access = give_access(
        make_release(
            published=False,
            languages=("uk",),
            status=Release.Status.SCHEDULED,
            published_at=TIME,
        )
    )
    response = client.get(link(access, "en"))
    assert response.status_code == 404
    assert link(access, "uk") in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert not EmbargoView.objects.exists()


def test_the_releases_photos_show_through_the_link_while_it_is_valid(client, small_sizes, before):
    photo = make_photo(code="emb-0001")
    access = give_access(embargoed(hero_photo=photo))
    other = give_access(embargoed())
    page = soup_of(client.get(link(access)))
    source = page.select_one("article img")["src"]
    assert f"preview={access.token}" in source
    assert client.get(photo.rendition_url("w40", "jpg")).status_code == 404
    response = client.get(source)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert client.get(photo.rendition_url("w40", "jpg", other.token)).status_code == 404
    access.withdraw(None)
    assert client.get(source).status_code == 404


def test_the_releases_documents_download_through_the_link_while_it_is_valid(client, before):
    from . import documents

    release = embargoed()
    make_document(release, documents.pdf(), title_en="Joint communiqué")
    access, other = give_access(release), give_access(embargoed())
    page = soup_of(client.get(link(access, "en")))
    href = page.select_one("section.documents a")["href"]
    assert f"preview={quote(access.token)}" in href
    response = client.get(href)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert client.get(href.split("?")[0]).status_code == 404
    assert client.get(href.split("?")[0] + f"?preview={other.token}").status_code == 404
    access.withdraw(None)
    assert client.get(href).status_code == 404


def test_a_journalists_name_is_shown_as_text(client, before):
    access = give_access(embargoed(), name='<script>alert("x")</script>', outlet="<b>Daily</b>")
    page = client.get(link(access)).content.decode()
    assert "<script>alert" not in page and "<b>Daily</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_release_moved_to_a_later_time_keeps_its_links_with_the_new_time(client, access, before):
    Release.objects.filter(pk=access.release_id).update(published_at=TIME + timedelta(days=1))
    response = client.get(link(access))
    notice = soup_of(response).find(id="embargo-notice").get_text(" ", strip=True)
    assert notice == "EMBARGO until 18:00, 6 December 2026, Kyiv time"


# From the publication time on -------------------------------------------------------------


@pytest.mark.parametrize("language", ["uk", "en"])
def test_at_its_time_the_link_leads_to_the_public_page(client, access, language):
    with time_machine.travel(TIME - timedelta(seconds=1), tick=False):
        assert client.get(link(access, language)).status_code == 200
    with time_machine.travel(TIME, tick=False):
        # The scheduler has not run: the clock alone makes it public.
        assert Release.objects.get().status == Release.Status.SCHEDULED
        response = client.get(link(access, language))
        assert response.status_code == 302
        with translation.override(language):
            assert response["Location"] == access.release.get_absolute_url()
        assert response["Cache-Control"] == "private, no-store"
        assert client.get(response["Location"]).status_code == 200
    assert access.views.count() == 1  # the redirect shows nothing embargoed


# Withdrawing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("uk", "Ваш доступ до цього релізу відкликано."),
        ("en", "Your access to this release has been withdrawn."),
    ],
)
def test_a_withdrawn_link_says_so_at_once_even_to_an_open_page(
    client, access, before, language, message
):
    assert client.get(link(access, language)).status_code == 200
    access.withdraw(None)
    response = client.get(link(access, language))
    assert response.status_code == 410
    assert message in text_of(response)
    assert "A secret paragraph." not in response.content.decode()
    assert "Секретний абзац." not in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_link_to_a_release_taken_off_the_schedule_stops_showing_it(client, access, before):
    Release.objects.filter(pk=access.release_id).update(status=Release.Status.IN_REVIEW)
    response = client.get(link(access))
    assert response.status_code == 410
    assert "This release is no longer shared under embargo." in text_of(response)
    assert "A secret paragraph." not in response.content.decode()


@pytest.mark.parametrize("status", ["draft", "in_review", "archived"])
def test_scheduling_a_release_again_does_not_bring_back_the_links_it_ended(
    client, access, before, status
):
    release = access.release
    release.status = status
    release.save()
    release.status = Release.Status.SCHEDULED
    release.save()
    assert client.get(link(access)).status_code == 410
    access.refresh_from_db()
    assert access.withdrawn_at is not None


def test_publishing_keeps_the_links_which_then_lead_to_the_public_page(client, access, before):
    release = access.release
    release.status, release.published_at = Release.Status.PUBLISHED, timezone.now()
    release.save()
    response = client.get(link(access))
    assert response.status_code == 302
    assert response["Location"] == release.get_absolute_url()


# Hostile links -----------------------------------------------------------------------------


def tampered(access, other):
    """``other``'s number under ``access``'s signature."""
    payload = signing.b64_encode(json.dumps({"access": other.pk}).encode()).decode()
    return payload + access.token[access.token.index(":") :]


HOSTILE = {
    "garbage": lambda access, other: "not-a-token",
    "cut short": lambda access, other: access.token[:-3],
    "last letters changed": lambda access, other: access.token[:-2] + "xx",
    "another access's number": tampered,
    "a preview link's token": lambda access, other: (
        PreviewLink.objects.create(
            release=access.release, expires_at=timezone.now() + timedelta(days=1)
        ).token
    ),
    "signed for another purpose": lambda access, other: signing.dumps(
        {"access": other.pk}, salt="releases.preview-link"
    ),
    "a number alone": lambda access, other: str(other.pk),
    "very long": lambda access, other: access.token + "A" * 20_000,
    "not an object": lambda access, other: signing.dumps([other.pk], salt=EmbargoAccess.SALT),
    "not a number": lambda access, other: signing.dumps(
        {"access": "1 OR 1=1"}, salt=EmbargoAccess.SALT
    ),
    "an access that does not exist": lambda access, other: signing.dumps(
        {"access": 10**9}, salt=EmbargoAccess.SALT
    ),
    "unicode": lambda access, other: "ембарго",
}


@pytest.mark.parametrize("forge", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_link_the_site_did_not_sign_gets_one_plain_page(client, access, before, forge):
    other = give_access(embargoed(title_en="Another secret", title_uk="Інший секрет"))
    response = client.get(f"/en/embargo/{forge(access, other)}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "This embargo link does not work" in page
    # Not an oracle: whatever is wrong, the same page, naming nothing.
    plain = client.get("/en/embargo/x/").content.decode()
    assert page == plain
    assert "Another secret" not in page and "A secret paragraph." not in page
    assert response["Cache-Control"] == "private, no-store"
    assert not EmbargoView.objects.exists()


def test_the_token_of_another_release_shows_that_release_only(client, access, before):
    other = give_access(embargoed(title_en="Another secret"))
    page = client.get(link(other)).content.decode()
    assert "Another secret" in page
    assert access.release.title_en not in page


# The admin ---------------------------------------------------------------------------------


def add_rows(data, *rows):
    data = dict(data)
    data["embargo_accesses-TOTAL_FORMS"] = str(
        int(data["embargo_accesses-TOTAL_FORMS"]) + len(rows)
    )
    start = int(data["embargo_accesses-INITIAL_FORMS"])
    for n, (name, outlet, email) in enumerate(rows, start=start):
        data.update(
            {
                f"embargo_accesses-{n}-name": name,
                f"embargo_accesses-{n}-outlet": outlet,
                f"embargo_accesses-{n}-email": email,
            }
        )
    return data


def test_an_editor_gives_access_and_sees_both_links_on_the_release(editor, editor_user, before):
    release = embargoed()
    data = add_rows(
        form_data(editor, change_url(release)), ("Olha Koval", "Ukrinform", "olha@example.org")
    )
    response = editor.post(change_url(release), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    access = release.embargo_accesses.get()
    assert (access.name, access.outlet, access.created_by) == (
        "Olha Koval",
        "Ukrinform",
        editor_user,
    )
    soup = soup_of(editor.get(change_url(release)))
    # No "view on site" here: opening the link would count as the journalist's view.
    assert not soup.select("#embargo_accesses-group a.inlineviewlink")
    shown = {field["value"] for field in soup.select(".field-addresses input")}
    assert shown == set(access.urls().values())
    assert len(shown) == 2
    assert "18:00" in soup.select_one(".press-embargo-note").get_text()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("email", "not an address", "Введіть коректну адресу електронної пошти."),
        ("name", "", "Це поле обов'язкове."),
        ("outlet", "x" * 201, "не більше ніж 200 символів"),
    ],
)
def test_a_wrong_journalist_field_is_refused_at_the_field(editor, field, value, error, before):
    release = embargoed()
    row = {"name": "Olha Koval", "outlet": "Ukrinform", "email": "olha@example.org"}
    row[field] = value
    data = add_rows(form_data(editor, change_url(release)), tuple(row.values()))
    response = editor.post(change_url(release), data)
    assert response.status_code == 200
    cell = soup_of(response).select_one(f"#embargo_accesses-group .field-{field}")
    assert error in cell.get_text(" ", strip=True)
    assert not EmbargoAccess.objects.exists()


def test_one_click_withdraws_an_access_at_once(editor, editor_user, client, access, before):
    data = form_data(editor, change_url(access.release))
    button = soup_of(editor.get(change_url(access.release))).select_one(
        "button[name=_withdraw_embargo]"
    )
    response = editor.post(button["formaction"], data)
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.withdrawn_at == timezone.now()
    assert access.withdrawn_by == editor_user
    assert client.get(link(access)).status_code == 410
    page = soup_of(editor.get(change_url(access.release)))
    assert "Відкликано" in page.select_one(".field-withdraw").get_text()


def test_views_are_shown_to_editors_on_the_release(editor, client, access, before):
    client.get(link(access), REMOTE_ADDR="203.0.113.7")
    cell = soup_of(editor.get(change_url(access.release))).select_one(".field-seen a")
    assert cell.get_text().startswith("1,")
    log = editor.get(cell["href"])
    assert log.status_code == 200
    assert "203.0.113.7" in log.content.decode()
    assert "Olha Koval" in log.content.decode()


@pytest.mark.parametrize("role", ["press_officer", "translator"])
def test_only_editors_see_or_give_embargo_access(request, role, access, before):
    client = request.getfixturevalue(role)
    page = client.get(change_url(access.release)).content.decode()
    assert "embargo_accesses" not in page
    withdraw = f"/admin/releases/release/{access.release_id}/embargo/{access.pk}/withdraw/"
    assert client.post(withdraw).status_code == 403
    assert client.get("/admin/releases/embargoview/").status_code == 403
    access.refresh_from_db()
    assert access.withdrawn_at is None


def test_withdrawing_through_another_release_touches_nothing(editor, access, before):
    other = embargoed()
    response = editor.post(f"/admin/releases/release/{other.pk}/embargo/{access.pk}/withdraw/")
    assert response.status_code == 404
    access.refresh_from_db()
    assert access.withdrawn_at is None


@pytest.mark.parametrize("release_id", ["99999999999999999999999", "-1", "x"])
def test_withdrawing_through_a_release_number_that_cannot_be_is_a_404(
    editor, access, before, release_id
):
    response = editor.post(f"/admin/releases/release/{release_id}/embargo/{access.pk}/withdraw/")
    assert response.status_code == 404
    access.refresh_from_db()
    assert access.withdrawn_at is None


def test_an_access_of_another_release_cannot_be_changed_through_this_one(editor, access, before):
    release, theirs = embargoed(), access.release_id
    give_access(release, name="Own")
    data = form_data(editor, change_url(release))
    data.update({"embargo_accesses-0-id": str(access.pk), "embargo_accesses-0-name": "Taken"})
    editor.post(change_url(release), data)
    access.refresh_from_db()
    assert (access.name, access.release_id) == ("Olha Koval", theirs)
    assert release.embargo_accesses.get().name == "Own"


def test_withdrawing_is_a_post(editor, access, before):
    url = f"/admin/releases/release/{access.release_id}/embargo/{access.pk}/withdraw/"
    assert editor.get(url).status_code == 403
    access.refresh_from_db()
    assert access.withdrawn_at is None


@pytest.mark.parametrize(
    ("fields", "note"),
    [
        ({"status": Release.Status.DRAFT, "published_at": None}, "once the release is scheduled"),
        ({"status": Release.Status.IN_REVIEW}, "once the release is scheduled"),
        (
            {"status": Release.Status.PUBLISHED, "published_at": BEFORE - timedelta(days=1)},
            "public",
        ),
        ({"status": Release.Status.ARCHIVED}, "archived"),
    ],
    ids=["draft", "in review", "published", "archived"],
)
def test_no_access_is_given_to_a_release_not_scheduled_and_the_admin_says_why(
    editor, editor_user, fields, note, before
):
    release = embargoed()
    Release.objects.filter(pk=release.pk).update(**fields)
    page = soup_of(client_for(editor_user).get("/en" + change_url(release)))
    assert note in page.select_one(".press-embargo-note").get_text()
    # A row forged into the form is not saved.
    data = add_rows(form_data(editor, change_url(release)), ("Forged", "Outlet", "f@example.org"))
    editor.post(change_url(release), data)
    assert not EmbargoAccess.objects.exists()


def test_a_scheduled_release_whose_time_has_come_takes_no_new_access(editor_user):
    release = embargoed()
    with time_machine.travel(TIME + timedelta(minutes=1), tick=False):
        editor = client_for(editor_user)
        data = add_rows(
            form_data(editor, change_url(release)), ("Late", "Outlet", "l@example.org")
        )
        editor.post(change_url(release), data)
    assert not EmbargoAccess.objects.exists()


def test_the_model_refuses_access_to_a_draft_with_a_readable_error(before):
    from django.core.exceptions import ValidationError

    draft = make_release(published=False)
    access = EmbargoAccess(release=draft, name="A", outlet="B", email="a@example.org")
    with pytest.raises(ValidationError) as refused:
        access.full_clean(exclude=["created_by"])
    assert refused.value.messages == [
        "Доступ під ембарго можна надати, лише поки реліз заплановано на час, який ще не настав."
    ]


# The key proof: nowhere public before its time, everywhere from then on ------------------------


def in_detail(client, release, language):
    with translation.override(language):
        return client.get(release.get_absolute_url()).status_code == 200


def listed_at(path):
    """A public page that lists releases: ``release`` shows if its address is on it."""

    def check(client, release, language):
        with translation.override(language):
            address = release.get_absolute_url()
        response = client.get(PREFIX[language] + path)
        assert response.status_code == 200, (path, response.status_code)
        return address in response.content.decode()

    return check


def in_search(client, release, language):
    word = {"uk": "Затемнення", "en": "Eclipse"}[language]
    return listed_at(f"/search/?q={word}")(client, release, language)


def in_sitemap(client, release, language):
    with translation.override(language):
        address = "http://testserver" + release.get_absolute_url()
    return f"<loc>{address}</loc>" in client.get("/sitemap-releases.xml").content.decode()


def in_api(client, release, language):
    """The API lists it, with its texts in ``language``, and answers for its own address."""
    listed = client.get("/api/v1/releases/").json()["results"]
    texts = [item["title"][language] for item in listed if item["key"] == release.key]
    detail = client.get(f"/api/v1/releases/{release.key}/")
    return bool(texts and texts[0]) and detail.status_code == 200


# Every place the public can find a release; the proof below covers each.
PUBLIC_SURFACES = {
    "release page": in_detail,
    "home page": listed_at("/"),
    "list of releases": listed_at("/releases/"),
    "search": in_search,
    "RSS feed": listed_at("/feeds/rss/"),
    "Atom feed": listed_at("/feeds/atom/"),
    "sitemap": in_sitemap,
    "API": in_api,
}


def where_the_public_finds(client, release, language) -> set[str]:
    """The names of the ``PUBLIC_SURFACES`` that show ``release`` to an anonymous reader."""
    return {name for name, shows in PUBLIC_SURFACES.items() if shows(client, release, language)}


def kyiv(*args, fold=0):
    return datetime(*args, tzinfo=KYIV, fold=fold)


# Kyiv's clocks jump from 03:00 to 04:00 on 28 March 2027 and fall back from 04:00 to 03:00 on
# 25 October 2026: 03:30 does not exist on the first day and happens twice on the second. The
# admin refuses both (tests/test_workflow.py); the database keeps UTC, so the moments on
# either side of each change, and both 03:30s of October, are each one instant.
MOMENTS = {
    "spring, before the jump": (
        kyiv(2027, 3, 28, 2, 30),
        datetime(2027, 3, 28, 0, 30, tzinfo=UTC),
    ),
    "spring, after the jump": (kyiv(2027, 3, 28, 4, 30), datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
    "autumn, the first 03:30": (
        kyiv(2026, 10, 25, 3, 30),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    ),
    "autumn, the second 03:30": (
        kyiv(2026, 10, 25, 3, 30, fold=1),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    ),
    "autumn, after the change": (
        kyiv(2026, 10, 25, 4, 30),
        datetime(2026, 10, 25, 2, 30, tzinfo=UTC),
    ),
}


@pytest.mark.parametrize("language", ["uk", "en"])
@pytest.mark.parametrize(("local", "utc"), MOMENTS.values(), ids=MOMENTS.keys())
def test_an_embargoed_release_is_public_exactly_from_its_kyiv_time(client, local, utc, language):
    assert local.astimezone(UTC) == utc
    # Something public already, so that every list has a page to cache.
    make_release(title_uk="Затемнення вчора", title_en="Eclipse yesterday")
    release = embargoed(
        published_at=local, title_uk="Затемнення сонця", title_en="Eclipse of the sun"
    )
    access = give_access(release)
    hidden_until = utc - timedelta(seconds=1)
    with time_machine.travel(hidden_until - timedelta(minutes=10), tick=False):
        # Lists cached well before the time: they must not hide the release after it.
        assert where_the_public_finds(client, release, language) == set()
        assert client.get(link(access, language)).status_code == 200
    with time_machine.travel(hidden_until, tick=False):
        # The lists come from the page cache now: what follows proves it lets them go.
        assert client.get(PREFIX[language] + "/releases/")["X-Page-Cache"] == "hit"
        assert where_the_public_finds(client, release, language) == set()
        assert release not in Release.objects.public(language)
        embargo_page = client.get(link(access, language))
        assert embargo_page.status_code == 200
        when = timezone.localtime(local).strftime("%H:%M")
        assert f" {when}, " in soup_of(embargo_page).find(id="embargo-notice").get_text()
    with time_machine.travel(utc, tick=False):
        assert where_the_public_finds(client, release, language) == set(PUBLIC_SURFACES)
        assert release in Release.objects.public(language)
        assert client.get(link(access, language)).status_code == 302
    assert Release.objects.get(pk=release.pk).status == Release.Status.SCHEDULED


# Accessibility: axe-core and the Nu HTML Checker ------------------------------------------------


def nu_errors(folder):
    from .test_accessibility import nu_errors as check

    return check(folder)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_embargo_pages_pass_axe_and_the_nu_html_checker(browser, live_server, tmp_path):
    if not shutil.which("java"):
        pytest.fail("java is needed for the Nu HTML Checker: apt-get install default-jre-headless")
    # As the admin stores it: to the second.
    soon = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    access = give_access(embargoed(published_at=soon))
    withdrawn = give_access(access.release, name="Taras")
    withdrawn.withdraw(None)
    paths = [
        *(link(access, lang) for lang in ("uk", "en")),
        *(link(withdrawn, lang) for lang in ("uk", "en")),
        "/embargo/forged/",
        "/en/embargo/forged/",
    ]
    context = browser.new_context()
    tab = context.new_page()
    for n, path in enumerate(paths):
        tab.goto(live_server.url + path)
        assert_accessible(tab)
        try:
            html = urllib.request.urlopen(live_server.url + path).read()
        except urllib.error.HTTPError as error:
            html = error.read()
        (tmp_path / f"page-{n}.html").write_bytes(html)
    settle(tab)
    context.close()
    assert [(e["url"].rsplit("/", 1)[-1], e["message"]) for e in nu_errors(tmp_path)] == []
