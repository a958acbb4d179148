"""Kinds of release (news, announcement, statement, press conference) and the home page's
featured lead: the list's filter, the labels, the admin, the interchange and the cache."""

import json
import shutil
import urllib.request
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone, translation

from releases.models import Release

from .factories import add_paragraph, make_photo, make_release, make_tag
from .helpers import assert_accessible, change_url, form_data, release_form, settle, soup_of
from .test_accessibility import nu_errors
from .test_interchange import database_is_empty, document, import_errors  # noqa: F401
from .test_public_pages import count_queries

pytestmark = pytest.mark.django_db

KIND = Release.Kind
LABELS = {
    "uk": {
        KIND.NEWS: "Новина",
        KIND.ANNOUNCEMENT: "Анонс",
        KIND.STATEMENT: "Заява",
        KIND.PRESS_CONFERENCE: "Пресконференція",
    },
    "en": {
        KIND.NEWS: "News",
        KIND.ANNOUNCEMENT: "Announcement",
        KIND.STATEMENT: "Statement",
        KIND.PRESS_CONFERENCE: "Press conference",
    },
}
PREFIX = {"uk": "", "en": "/en"}


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def card_titles(soup) -> list[str]:
    cards = soup.find("ul", class_="cards")
    return [t.get_text(strip=True) for t in cards.find_all(class_="card__title")] if cards else []


def lead_of(soup):
    """The home page's lead: (its title, whether it says it is featured), or None."""
    lead = soup.find(class_="lead-release")
    if lead is None:
        return None
    title = lead.find(class_="lead-release__title").get_text(strip=True)
    return title, lead.find(class_="lead-release__featured") is not None


def title_in(release, lang):
    return getattr(release, f"title_{lang}")


# The model ----------------------------------------------------------------------------------


def test_a_release_is_news_unless_told_otherwise():
    assert make_release().kind == KIND.NEWS
    assert make_release().featured is False


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_every_kind_is_named_in_both_languages(lang):
    with translation.override(lang):
        assert {kind: str(kind.label) for kind in KIND} == LABELS[lang]


# The list's filter --------------------------------------------------------------------------


@pytest.fixture
def kinds():
    """One public release of each kind, newest first in the order of ``Release.Kind``."""
    return {
        kind: make_release(kind=kind, published_at=days_ago(number + 1))
        for number, kind in enumerate(KIND)
    }


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("kind", list(KIND))
def test_the_list_filtered_by_kind_shows_only_that_kind(page, kinds, lang, kind):
    _r, soup = page(f"{PREFIX[lang]}/releases/?kind={kind}")
    assert card_titles(soup) == [title_in(kinds[kind], lang)]
    chosen = soup.find("select", attrs={"name": "kind"}).find("option", selected=True)
    assert (chosen["value"], chosen.get_text()) == (kind, LABELS[lang][kind])
    assert soup.find(class_="error") is None


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_the_kind_filter_offers_every_kind_in_the_readers_language(page, kinds, lang):
    _r, soup = page(f"{PREFIX[lang]}/releases/")
    select = soup.find("select", attrs={"name": "kind"})
    label = soup.find("label", attrs={"for": select["id"]}).get_text()
    assert label == {"uk": "Тип", "en": "Kind"}[lang]
    options = {o["value"]: o.get_text() for o in select.find_all("option")}
    assert options == {"": {"uk": "Усі", "en": "All"}[lang], **LABELS[lang]}
    assert len(card_titles(soup)) == len(KIND)


def test_the_kind_filter_joins_the_other_filters(page, kinds):
    tag = make_tag("Оборона", "Defence")
    kinds[KIND.STATEMENT].tags.add(tag)
    kinds[KIND.NEWS].tags.add(tag)
    _r, soup = page(f"/en/releases/?kind=statement&tag={tag.slug_en}")
    assert card_titles(soup) == [kinds[KIND.STATEMENT].title_en]


def test_the_language_switcher_keeps_the_kind(page, kinds):
    _r, soup = page("/releases/?kind=press_conference")
    english = soup.find("a", attrs={"hreflang": "en"}) or soup.find("a", attrs={"lang": "en"})
    assert english["href"] == "/en/releases/?kind=press_conference"


def test_search_can_be_narrowed_to_a_kind(page, kinds):
    for release in kinds.values():
        add_paragraph(release, uk="Про ППО.", en="About air defence.")
        release.refresh_text_stamps()
    _r, soup = page("/en/search/?q=air+defence&kind=announcement")
    titles = [h.get_text(strip=True) for h in soup.select(".results .result__title")]
    assert titles == [kinds[KIND.ANNOUNCEMENT].title_en]
    assert soup.select_one(".results .release-kind").get_text() == "Announcement"


@pytest.mark.parametrize(
    "value",
    [
        "interview",
        "NEWS",
        "<script>alert(1)</script>",
        "news' OR '1'='1",
        "new\u202es",
        "я" * 600,  # just under the query string's limit (REQUEST_MAX_QUERY_STRING_LENGTH)
        "press conference",
    ],
)
@pytest.mark.parametrize("lang", ["uk", "en"])
def test_a_kind_that_does_not_exist_is_reported_at_its_field_and_not_applied(
    client, kinds, lang, value
):
    response = client.get(f"{PREFIX[lang]}/releases/", {"kind": value})
    assert response.status_code == 200
    soup = soup_of(response)
    select = soup.find("select", attrs={"name": "kind"})
    assert select["aria-invalid"] == "true"
    error = soup.find(id=select["aria-describedby"]).get_text()
    assert error.startswith({"uk": "Такого варіанта немає", "en": "There is no such option"}[lang])
    # As with the other filters: the wrong one is shown, not applied, and not repeated.
    assert len(card_titles(soup)) == len(KIND)
    assert soup.find("script", string=lambda s: s and "alert" in s) is None
    assert "<script>alert" not in response.content.decode()
    switcher = [a["href"] for a in soup.select("a[href*='/releases/']")]
    assert not any("kind=" in href for href in switcher)


def test_a_kind_given_twice_is_read_once(client, kinds):
    response = client.get("/en/releases/?kind=news&kind=statement")
    assert response.status_code == 200
    assert len(card_titles(soup_of(response))) == 1


def test_a_kind_with_a_control_character_gets_the_bad_request_page(client, kinds):
    response = client.get("/en/releases/?kind=news%00")
    assert response.status_code == 400
    assert soup_of(response).html["lang"] == "en"


def test_each_kind_is_counted_on_its_own(client, kinds, settings):
    """The list's count is remembered per choice of filters: a kind has its own."""
    settings.RELEASES_PER_PAGE = 1
    for kind in (KIND.NEWS, ""):
        soup = soup_of(client.get(f"/en/releases/?kind={kind}"))
        pages = soup.find(class_="pagination")
        assert (pages is None) == (kind == KIND.NEWS), kind


# Labels -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_every_card_says_its_kind(page, kinds, lang):
    _r, soup = page(f"{PREFIX[lang]}/releases/")
    labels = [c.find(class_="release-kind").get_text() for c in soup.select(".cards .card")]
    assert labels == [LABELS[lang][kind] for kind in KIND]


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_the_release_page_says_its_kind_and_leads_to_that_kind(page, lang):
    release = make_release(kind=KIND.PRESS_CONFERENCE)
    with translation.override(lang):
        url = release.get_absolute_url()
    _r, soup = page(url)
    label = soup.find("article", class_="release").find(class_="release-kind")
    assert label.get_text() == LABELS[lang][KIND.PRESS_CONFERENCE]
    assert label["href"] == f"{PREFIX[lang]}/releases/?kind=press_conference"
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert data["articleSection"] == LABELS[lang][KIND.PRESS_CONFERENCE]
    section = soup.find("meta", property="article:section")
    assert section["content"] == LABELS[lang][KIND.PRESS_CONFERENCE]


def test_a_changed_kind_shows_at_once_on_cached_pages(client):
    release = make_release(kind=KIND.NEWS)
    with translation.override("en"):
        urls = ["/en/", "/en/releases/", release.get_absolute_url()]
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url
    release.kind = KIND.STATEMENT
    release.save()
    for url in urls:
        body = client.get(url).content.decode()
        assert ">Statement<" in body, url


@pytest.mark.parametrize(("url", "lang"), [("/feeds/rss/", "uk"), ("/en/feeds/atom/", "en")])
def test_feeds_give_the_kind_as_the_first_category(client, url, lang):
    release = make_release(kind=KIND.ANNOUNCEMENT)
    release.tags.add(make_tag("Оборона", "Defence"))
    body = client.get(url).content.decode()
    label = LABELS[lang][KIND.ANNOUNCEMENT]
    tag = {"uk": "Оборона", "en": "Defence"}[lang]
    if url.endswith("rss/"):
        assert f"<category>{label}</category><category>{tag}</category>" in body
    else:
        assert f'<category term="{label}"/><category term="{tag}"/>' in body


# The home page's lead -----------------------------------------------------------------------


def test_without_a_featured_release_the_newest_leads(page):
    older = make_release(published_at=days_ago(3))
    newest = make_release(published_at=days_ago(1))
    _r, soup = page("/en/")
    assert lead_of(soup) == (newest.title_en, False)
    assert card_titles(soup) == [older.title_en]


def test_a_featured_release_leads_and_is_not_repeated_below(page):
    featured = make_release(published_at=days_ago(10), featured=True, kind=KIND.STATEMENT)
    newer = [make_release(published_at=days_ago(d)) for d in (3, 2, 1)]
    _r, soup = page("/en/")
    assert lead_of(soup) == (featured.title_en, True)
    assert card_titles(soup) == [r.title_en for r in reversed(newer)]
    lead = soup.find(class_="lead-release")
    assert lead.find(class_="release-kind").get_text() == "Statement"
    assert lead.find("a")["href"] == f"/en/releases/{featured.slug_en}/"
    _r, soup = page("/")
    assert lead_of(soup) == (featured.title_uk, True)
    assert soup.find(class_="lead-release__featured").get_text() == "Головне"


def test_the_home_page_shows_six_more_releases_beside_its_lead(page):
    make_release(published_at=days_ago(30), featured=True)
    for day in range(1, 10):
        make_release(published_at=days_ago(day))
    _r, soup = page("/en/")
    assert len(card_titles(soup)) == 6


def test_the_newest_featured_release_leads(page):
    make_release(published_at=days_ago(9), featured=True)
    newer = make_release(published_at=days_ago(5), featured=True)
    make_release(published_at=days_ago(1))
    _r, soup = page("/en/")
    assert lead_of(soup) == (newer.title_en, True)


@pytest.mark.parametrize(
    "fields",
    [
        {"published": False},
        {"status": Release.Status.IN_REVIEW, "published_at": None},
        {"status": Release.Status.ARCHIVED, "archive_mode": Release.ArchiveMode.NOTICE},
        {"status": Release.Status.SCHEDULED, "published_at": timezone.now() + timedelta(hours=1)},
    ],
    ids=["draft", "in-review", "archived", "scheduled-later"],
)
def test_a_featured_release_that_is_not_public_never_leads(page, fields):
    hidden = make_release(featured=True, title_en="Hidden lead", **fields)
    newest = make_release(published_at=days_ago(1))
    _r, soup = page("/en/")
    assert lead_of(soup) == (newest.title_en, False)
    assert hidden.title_en not in soup.get_text()


def test_a_featured_release_without_a_translation_leads_only_in_its_language(page):
    ukrainian = make_release(languages=("uk",), featured=True, published_at=days_ago(5))
    english_one = make_release(featured=True, published_at=days_ago(8))
    newest = make_release(published_at=days_ago(1))
    _r, soup = page("/")
    assert lead_of(soup) == (ukrainian.title_uk, True)
    _r, soup = page("/en/")
    assert lead_of(soup) == (english_one.title_en, True)
    english_one.featured = False
    english_one.save()
    _r, soup = page("/en/")
    assert lead_of(soup) == (newest.title_en, False)


def test_a_scheduled_featured_release_leads_from_its_time_even_from_the_cache(client):
    when = timezone.now() + timedelta(hours=2)
    make_release(published_at=days_ago(1), title_en="Yesterday's news")
    make_release(
        status=Release.Status.SCHEDULED, published_at=when, featured=True, title_en="Due later"
    )
    assert lead_of(soup_of(client.get("/en/"))) == ("Yesterday's news", False)
    assert client.get("/en/")["X-Page-Cache"] == "hit"
    with time_machine.travel(when + timedelta(seconds=1)):
        response = client.get("/en/")
        assert response["X-Page-Cache"] == "miss"
        assert lead_of(soup_of(response)) == ("Due later", True)


def test_an_empty_site_has_no_lead(page):
    _r, soup = page("/en/")
    assert lead_of(soup) is None
    assert soup.find(class_="empty") is not None


def test_the_lead_text_is_escaped(page):
    make_release(featured=True, title_en="<img src=x onerror=alert(1)>", lead_en="<b>lead</b>")
    response, soup = page("/en/")
    assert soup.find(class_="lead-release").find("img") is None
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.content.decode()


def home_queries(client, url="/en/") -> int:
    """Queries of one uncached home page (its cards not kept either)."""
    cache.clear()
    return count_queries(client, url)


def test_the_home_page_costs_the_same_with_and_without_a_featured_release(client):
    for day in range(1, 12):
        release = make_release(published_at=days_ago(day), hero_photo=make_photo())
        release.tags.add(make_tag(), make_tag())
    without = home_queries(client)
    featured = make_release(published_at=days_ago(40), featured=True, hero_photo=make_photo())
    featured.tags.add(make_tag())
    with_featured = home_queries(client)
    make_release(published_at=days_ago(50), featured=True)
    assert without == with_featured == home_queries(client) == home_queries(client, "/") == 2


def test_a_cached_home_page_costs_no_query(client, django_assert_num_queries):
    make_release(featured=True)
    client.get("/en/")
    with django_assert_num_queries(0):
        assert client.get("/en/")["X-Page-Cache"] == "hit"


# Featuring in the admin: editors only, checked on the server --------------------------------


def featured_box(response):
    return soup_of(response).find("input", attrs={"name": "featured"})


def test_editors_see_the_featured_box_and_press_officers_do_not(
    editor, press_officer, press_officer_user
):
    release = make_release()
    assert featured_box(editor.get(change_url(release))) is not None
    assert featured_box(editor.get("/admin/releases/release/add/")) is not None
    draft = make_release(published=False, created_by=press_officer_user)
    assert featured_box(press_officer.get(change_url(draft))) is None
    assert featured_box(press_officer.get("/admin/releases/release/add/")) is None


def test_an_editor_features_a_release_and_the_cached_home_page_follows(client, editor):
    chosen = make_release(published_at=days_ago(9), title_en="The editors' choice")
    make_release(published_at=days_ago(1), title_en="Newest")
    assert lead_of(soup_of(client.get("/en/")))[0] == "Newest"
    assert client.get("/en/")["X-Page-Cache"] == "hit"

    url = change_url(chosen)
    assert editor.post(url, form_data(editor, url, featured="on")).status_code == 302
    chosen.refresh_from_db()
    assert chosen.featured
    home = client.get("/en/")
    assert home["X-Page-Cache"] == "miss"
    assert lead_of(soup_of(home)) == ("The editors' choice", True)

    data = form_data(editor, url)
    assert data.pop("featured") == "on"
    assert editor.post(url, data).status_code == 302
    assert lead_of(soup_of(client.get("/en/"))) == ("Newest", False)


def test_a_press_officer_cannot_feature_by_posting_the_field(
    press_officer, press_officer_user, client
):
    draft = make_release(published=False, created_by=press_officer_user)
    url = change_url(draft)
    response = press_officer.post(url, form_data(press_officer, url, featured="on"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.featured is False

    response = press_officer.post(
        "/admin/releases/release/add/", release_form(featured="on", kind="statement")
    )
    assert response.status_code == 302
    added = Release.objects.latest("pk")
    assert (added.kind, added.featured) == (KIND.STATEMENT, False)


def test_a_press_officers_save_keeps_an_editors_featured_choice(press_officer, press_officer_user):
    draft = make_release(published=False, created_by=press_officer_user, featured=True)
    url = change_url(draft)
    assert "featured" not in form_data(press_officer, url)
    assert (
        press_officer.post(url, form_data(press_officer, url, title_en="New")).status_code == 302
    )
    draft.refresh_from_db()
    assert (draft.title_en, draft.featured) == ("New", True)


def test_a_press_officer_sets_the_kind_of_their_draft(press_officer, press_officer_user):
    draft = make_release(published=False, created_by=press_officer_user)
    url = change_url(draft)
    response = press_officer.post(url, form_data(press_officer, url, kind="announcement"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.kind == KIND.ANNOUNCEMENT


def test_an_unknown_kind_is_refused_at_its_field_in_the_admin(editor):
    release = make_release()
    response = editor.post(change_url(release), form_data(editor, change_url(release), kind="x"))
    assert response.status_code == 200
    box = soup_of(response).find("select", id="id_kind").find_parent(class_="form-row")
    assert "x немає серед варіантів вибору" in box.find(class_="errorlist").get_text()
    release.refresh_from_db()
    assert release.kind == KIND.NEWS


def test_history_compares_kinds_and_a_restore_leaves_the_featured_choice_alone(editor):
    from releases import history

    release = make_release()
    url = change_url(release)
    editor.post(url, form_data(editor, url, title_en="First words"))
    editor.post(url, form_data(editor, url, kind="statement", featured="on"))
    first, second = history.numbered_versions(release)
    page = editor.get(
        f"{url.removesuffix('change/')}versions/compare/", {"a": first.pk, "b": second.pk}
    )
    assert "<del>Новина</del>" in page.content.decode()
    assert "<ins>Заява</ins>" in page.content.decode()

    editor.post(f"{url.removesuffix('change/')}versions/{first.pk}/restore/")
    release.refresh_from_db()
    # The kind is the release's content and comes back; featuring is an editor's choice.
    assert (release.kind, release.featured) == (KIND.NEWS, True)


def test_the_admin_list_filters_by_kind_and_by_featured(editor):
    statement = make_release(kind=KIND.STATEMENT, title_uk="Заява міністра")
    featured = make_release(featured=True, title_uk="Головна новина")
    make_release(title_uk="Звичайна новина")
    for query, expected in (("kind__exact=statement", statement), ("featured__exact=1", featured)):
        response = editor.get(f"/admin/releases/release/?{query}")
        rows = soup_of(response).select("#result_list tbody tr")
        assert [r.find("th").get_text(strip=True) for r in rows] == [expected.title_uk], query
    filters = soup_of(editor.get("/admin/releases/release/")).find(id="changelist-filter")
    assert "Пресконференція" in filters.get_text()


# The interchange ----------------------------------------------------------------------------


def test_kinds_and_the_featured_choice_survive_export_and_import(tmp_path):
    releases = {kind: make_release(kind=kind) for kind in KIND}
    releases[KIND.STATEMENT].featured = True
    releases[KIND.STATEMENT].save()
    expected = {r.key: (r.kind, r.featured) for r in releases.values()}
    call_command("export_releases", tmp_path / "export", verbosity=0)
    exported = json.loads((tmp_path / "export" / "releases.json").read_text())
    assert {r["key"]: (r["kind"], r["featured"]) for r in exported["releases"]} == expected
    Release.objects.all().delete()
    call_command("import_releases", tmp_path / "export" / "releases.json", verbosity=0)
    assert {r.key: (r.kind, r.featured) for r in Release.objects.all()} == expected


def test_a_document_without_a_kind_gives_news_and_no_featured_release(document):  # noqa: F811
    for release in document.data["releases"]:
        assert "kind" not in release and "featured" not in release
    call_command("import_releases", document.write(), verbosity=0)
    assert set(Release.objects.values_list("kind", "featured")) == {(KIND.NEWS, False)}


def test_a_changed_kind_in_a_document_updates_the_release(document):  # noqa: F811
    call_command("import_releases", document.write(), verbosity=0)
    document.data["releases"][0].update(kind="press_conference", featured=True)
    call_command("import_releases", document.write(), verbosity=0)
    release = Release.objects.get(key=document.data["releases"][0]["key"])
    assert (release.kind, release.featured) == (KIND.PRESS_CONFERENCE, True)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"kind": "interview"}, 'releases[0].kind: unknown kind "interview"; one of: news, '),
        ({"kind": ["news"]}, 'releases[0].kind: unknown kind ["news"]'),
        ({"kind": None}, "releases[0].kind: unknown kind null"),
        ({"featured": "yes"}, "releases[0].featured: expected true or false"),
        ({"featured": 1}, "releases[0].featured: expected true or false"),
    ],
)
def test_an_unknown_kind_or_featured_value_is_refused_at_its_place(
    document,  # noqa: F811
    change,
    expected,
):
    path = document.changed(lambda d: d["releases"][0].update(change))
    errors = import_errors(path)
    assert any(e.startswith(expected) for e in errors), errors
    assert database_is_empty()


# The demo -----------------------------------------------------------------------------------


def test_the_demo_has_every_kind_and_one_featured_public_release():
    call_command("load_demo", no_user=True, verbosity=0)
    assert set(Release.objects.values_list("kind", flat=True)) == set(KIND.values)
    featured = Release.objects.get(featured=True)
    assert Release.objects.public("uk").filter(pk=featured.pk).exists()
    assert featured != Release.objects.public("uk").first()


# Accessibility ------------------------------------------------------------------------------

CHECKED_PAGES = [
    "/",
    "/en/",
    "/releases/?kind=statement",
    "/en/releases/?kind=press_conference",
    "/releases/?kind=interview",
    "/en/releases/?kind=%3Cb%3E",
    "/search/?q=%D0%BE%D0%B1%D0%BE%D1%80%D0%BE%D0%BD%D0%B0&kind=news",
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_lead_the_labels_and_the_filter_pass_axe_and_the_nu_checker(browser, demo, tmp_path):
    if not shutil.which("java"):
        pytest.fail("java is needed for the Nu HTML Checker: apt-get install default-jre-headless")
    featured = Release.objects.get(featured=True)
    pages = tmp_path / "pages"  # not tmp_path itself: the photos of the test are there
    pages.mkdir()
    paths = list(CHECKED_PAGES)
    for lang in ("uk", "en"):
        with translation.override(lang):
            paths.append(featured.get_absolute_url())
    context = browser.new_context()
    tab = context.new_page()
    for number, path in enumerate(paths):
        response = tab.goto(demo + path)
        assert response.status == 200, path
        assert tab.locator(".release-kind").count() >= 1, path
        if path in ("/", "/en/"):
            assert tab.locator(".lead-release__featured").count() == 1
        assert_accessible(tab)
        html = urllib.request.urlopen(demo + path).read()
        (pages / f"page-{number:02d}.html").write_bytes(html)
    settle(tab)
    context.close()
    assert [f"{e.get('url')}: {e['message']}" for e in nu_errors(pages)] == []


def test_the_lead_shows_its_tags_and_follows_their_names(client, settings):
    settings.PAGE_CACHE_ENABLED = False  # the lead itself is kept, as cards are
    lead = make_release(featured=True)
    tag = make_tag("Оборона", "Defence")
    lead.tags.add(tag)
    assert ">Defence</a>" in client.get("/en/").content.decode()
    tag.name_en = "Air defence"
    tag.save()
    assert ">Air defence</a>" in client.get("/en/").content.decode()


def test_a_form_sent_without_a_kind_keeps_the_releases_own(editor):
    release = make_release(kind=KIND.STATEMENT)
    url = change_url(release)
    data = form_data(editor, url, title_en="Renamed")
    del data["kind"]
    assert editor.post(url, data).status_code == 302
    release.refresh_from_db()
    assert (release.title_en, release.kind) == ("Renamed", KIND.STATEMENT)
    assert editor.post("/admin/releases/release/add/", release_form()).status_code == 302
    assert Release.objects.latest("pk").kind == KIND.NEWS
