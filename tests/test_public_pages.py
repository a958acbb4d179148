from datetime import date, datetime

import pytest
from django.utils import translation

from releases.models import Release

from .factories import (
    KYIV,
    add_paragraph,
    add_photo_block,
    add_quote,
    make_country,
    make_official,
    make_photo,
    make_position,
    make_release,
    make_rich_release,
    make_tag,
)

pytestmark = pytest.mark.django_db


def url_in(obj, lang, method="get_absolute_url"):
    with translation.override(lang):
        return getattr(obj, method)()


@pytest.fixture
def release():
    official = make_official(name_uk="Сергій Боєв", name_en="Sergiy Boyev")
    make_position(
        official,
        title_uk="Заступник Міністра оборони України",
        title_en="Deputy Minister of Defence of Ukraine",
    )
    release = make_release(
        title_uk="Боєв зустрівся з Фредріксеном",
        title_en="Boyev meets Fredriksen",
        hero_photo=make_photo(code="jrs-5105"),
    )
    release.officials.add(official)
    release.countries.add(make_country("NO"))
    release.tags.add(make_tag("Міжнародне співробітництво", "International cooperation"))
    add_paragraph(release, uk="Перший абзац.", en="First paragraph.")
    add_quote(release, official, uk="Ми нарощуємо виробництво.", en="We are scaling up.")
    add_photo_block(release, make_photo(code="jrs-5088"))
    return release


@pytest.fixture
def ukrainian_only():
    release = make_release(languages=("uk",), title_uk="Лише українською")
    add_paragraph(release, en="")
    return release


# Every public page, in both languages ------------------------------------------------------


def public_urls(release):
    official = release.officials.get()
    tag = release.tags.get()
    photo = release.hero_photo
    country = release.countries.get()
    return [
        ("releases:home", lambda lang: "/" if lang == "uk" else "/en/"),
        ("list", lambda lang: "/releases/" if lang == "uk" else "/en/releases/"),
        ("release", lambda lang: url_in(release, lang)),
        ("parallel", lambda lang: url_in(release, lang, "get_parallel_url")),
        ("official", lambda lang: url_in(official, lang)),
        ("tag", lambda lang: url_in(tag, lang)),
        ("country", lambda lang: url_in(country, lang)),
        ("photo", lambda lang: url_in(photo, lang)),
    ]


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_every_public_page_answers_in_its_language(page, release, lang):
    for name, url in public_urls(release):
        _response, soup = page(url(lang))
        assert soup.html["lang"] == lang, name
        assert soup.find("main", id="content"), name
        assert soup.find("a", class_="skip-link")["href"] == "#content"


def test_english_pages_live_under_en_and_ukrainian_ones_unprefixed(release):
    assert url_in(release, "uk") == "/releases/boievi-zustrivsia-z-fredriksenom/".replace(
        "boievi", "boiev"
    )
    assert url_in(release, "en") == "/en/releases/boyev-meets-fredriksen/"


def test_release_page_shows_its_texts_in_the_page_language_only(page, release):
    _r, soup = page(url_in(release, "en"))
    text = soup.get_text()
    assert "Boyev meets Fredriksen" in text
    assert "First paragraph." in text
    assert "Перший абзац" not in text
    assert "Norway" in text
    assert "International cooperation" in text
    assert "Deputy Minister of Defence of Ukraine" in text


def test_dates_are_written_in_the_page_language(page, release):
    _r, soup = page(url_in(release, "uk"))
    assert "20 лютого 2025" in soup.find("time").get_text()
    _r, soup = page(url_in(release, "en"))
    assert "20 February 2025" in soup.find("time").get_text()


# Language switching ----------------------------------------------------------------------


def switcher_link(soup, lang):
    nav = soup.find("nav", class_="language-switcher")
    return nav.find("a", attrs={"hreflang": lang})


def test_switcher_leads_to_the_same_release_with_the_other_languages_slug(page, release):
    _r, soup = page(url_in(release, "uk"))
    assert switcher_link(soup, "en")["href"] == "/en/releases/boyev-meets-fredriksen/"
    _r, soup = page(url_in(release, "en"))
    assert switcher_link(soup, "uk")["href"] == url_in(release, "uk")


def test_alternate_links_name_every_existing_translation(page, release):
    _r, soup = page(url_in(release, "uk"))
    alternates = {
        link["hreflang"]: link["href"]
        for link in soup.find_all("link", rel="alternate")
        if link.has_attr("hreflang")
    }
    assert alternates == {
        "uk": "http://testserver" + url_in(release, "uk"),
        "en": "http://testserver" + url_in(release, "en"),
    }


def test_switcher_says_plainly_when_there_is_no_english_version(page, ukrainian_only):
    _r, soup = page(url_in(ukrainian_only, "uk"))
    missing = soup.find(class_="language-switcher__missing")
    assert missing is not None
    link = missing.find("a")
    assert link["href"] == "/en/"
    assert link["lang"] == "en"
    assert not soup.find_all("link", rel="alternate", hreflang="en")


def test_english_address_of_a_ukrainian_only_release_explains_instead_of_404(page, ukrainian_only):
    _r, soup = page(f"/en/releases/{ukrainian_only.slug_uk}/")
    assert soup.html["lang"] == "en"
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert "not available in this language" in soup.h1.get_text()
    ukrainian = soup.find("main").find("a", attrs={"hreflang": "uk"})
    assert ukrainian["href"] == url_in(ukrainian_only, "uk")
    assert "Лише українською" not in soup.get_text()


def test_other_languages_slug_redirects_to_this_languages_address(client, release):
    response = client.get(f"/en/releases/{release.slug_uk}/")
    assert response.status_code == 301
    assert response["Location"] == "/en/releases/boyev-meets-fredriksen/"


def test_unknown_release_is_a_404_in_the_page_language(page):
    _r, soup = page("/en/releases/no-such-release/", status=404)
    assert soup.html["lang"] == "en"
    assert "Page not found" in soup.h1.get_text()
    _r, soup = page("/releases/no-such-release/", status=404)
    assert soup.html["lang"] == "uk"


def test_draft_release_is_not_shown_to_anonymous_reader(client):
    draft = make_release(published=False)
    assert client.get(url_in(draft, "uk")).status_code == 404


# Quotes, photos, officials -----------------------------------------------------------------


@pytest.mark.parametrize(("lang", "opening", "closing"), [("uk", "«", "»"), ("en", "“", "”")])
def test_quotation_marks_come_from_the_page_language(page, release, lang, opening, closing):
    _r, soup = page(url_in(release, lang))
    quote = soup.find("blockquote").get_text().strip()
    assert quote[0] == opening
    assert quote[-1] == closing
    assert quote.count(opening) == 1


def test_quote_cites_the_official_with_a_link_to_their_page(page, release):
    _r, soup = page(url_in(release, "en"))
    cite = soup.find("figure", class_="quote").find("cite")
    assert cite.a["href"] == url_in(release.officials.get(), "en")
    assert cite.get_text() == "Sergiy Boyev"


def test_photo_is_a_figure_with_the_caption_of_the_page_language(page, release):
    _r, soup = page(url_in(release, "en"))
    figures = soup.find_all("figure", class_="photo")
    assert len(figures) == 2
    photo = release.blocks.get(kind="photo").photo
    assert photo.caption_en in figures[1].figcaption.get_text()
    assert figures[1].img["alt"] == photo.alt_en
    assert "Підпис" not in soup.get_text()


def test_photo_codes_never_appear_as_text(page, release):
    _r, soup = page(url_in(release, "uk"))
    assert "jrs-5088" not in soup.find("main").get_text()


def test_release_shows_the_position_held_on_its_date_not_today(page):
    official = make_official(name_en="Marta Hnatiuk")
    make_position(
        official, start=date(2022, 3, 1), end=date(2024, 5, 31), title_en="Department Director"
    )
    make_position(official, start=date(2024, 6, 1), title_en="Deputy Minister")
    release = make_release()  # 20 February 2025
    old = make_release(published_at=make_release().published_at.replace(year=2023))
    for r in (release, old):
        r.officials.add(official)
        add_quote(r, official)
    _r, soup = page(url_in(release, "en"))
    assert "Deputy Minister" in soup.find("figure", class_="quote").figcaption.get_text()
    _r, soup = page(url_in(old, "en"))
    assert "Department Director" in soup.find("figure", class_="quote").figcaption.get_text()
    assert "Deputy Minister" not in soup.find("aside").get_text()


def test_official_page_lists_current_and_past_positions_releases_and_quotes(page, release):
    official = release.officials.get()
    make_position(official, start=date(2020, 1, 1), end=date(2023, 12, 31), title_en="Adviser")
    _r, soup = page(url_in(official, "en"))
    positions = soup.find("ul", class_="positions").get_text()
    assert "Deputy Minister of Defence of Ukraine" in positions
    assert "Adviser" in positions
    assert "We are scaling up." in soup.find("blockquote").get_text()
    assert soup.find("a", href=url_in(release, "en"))


def test_country_page_lists_its_releases_by_its_standard_name(page, release):
    _r, soup = page("/countries/no/")
    assert soup.h1.get_text() == "Норвегія"
    _r, soup = page("/en/countries/no/")
    assert soup.h1.get_text() == "Norway"
    assert soup.find("a", href=url_in(release, "en"))


def test_tag_page_reads_in_each_language(page, release):
    tag = release.tags.get()
    _r, soup = page(url_in(tag, "uk"))
    assert soup.h1.get_text() == "Міжнародне співробітництво"
    _r, soup = page(url_in(tag, "en"))
    assert soup.h1.get_text() == "International cooperation"
    assert url_in(tag, "en") == "/en/tags/international-cooperation/"


def test_photo_page_shows_caption_credit_download_and_releases(page, release):
    _r, soup = page("/en/photos/jrs-5105/")
    assert release.hero_photo.caption_en in soup.find("figure").get_text()
    assert "Ministry of Defence of Ukraine" in soup.find("dl").get_text()
    download = soup.find("a", download=True)
    assert download["download"] == "jrs-5105.jpg"
    assert soup.find("a", href=url_in(release, "en"))


def test_untrusted_text_is_escaped(page):
    release = make_release(title_en='<script>alert("x")</script>Title')
    response, soup = page(url_in(release, "en"))
    scripts = soup.find_all("script")
    # The article and its breadcrumbs, as JSON-LD.
    assert [s["type"] for s in scripts if not s.get("src")] == ["application/ld+json"] * 2
    assert "<script>alert" not in response.content.decode().split("ld+json", 1)[1]
    assert '<script>alert("x")</script>Title' in soup.h1.get_text()


# The parallel view -----------------------------------------------------------------------------


def test_parallel_view_aligns_the_two_versions_block_by_block(page, release):
    _r, soup = page(url_in(release, "uk", "get_parallel_url"))
    rows = soup.find_all("div", class_="parallel__row")
    assert len(rows) == 1 + release.blocks.count()
    for row in rows:
        cells = row.find_all("div", class_="parallel__cell", recursive=False)
        assert [c["lang"] for c in cells] == ["uk", "en"]
    first_block = rows[1].find_all("div", class_="parallel__cell")
    assert first_block[0].get_text(strip=True) == "Перший абзац."
    assert first_block[1].get_text(strip=True) == "First paragraph."
    quote_cells = rows[2].find_all("blockquote")
    assert quote_cells[0].get_text(strip=True).startswith("«")
    assert quote_cells[1].get_text(strip=True).startswith("“")


def test_both_language_versions_link_to_the_parallel_view(page, release):
    for lang in ("uk", "en"):
        _r, soup = page(url_in(release, lang))
        assert soup.find("a", href=url_in(release, lang, "get_parallel_url"))


def test_release_in_one_language_has_no_parallel_view(page, ukrainian_only):
    _r, soup = page(url_in(ukrainian_only, "uk"))
    assert soup.find("p", class_="parallel-link") is None
    page(f"/releases/{ukrainian_only.slug_uk}/parallel/", status=302)


# The list and its filters ----------------------------------------------------------------------


def test_home_lists_the_latest_public_releases_only(page, release, ukrainian_only):
    draft = make_release(published=False, title_en="Secret draft")
    _r, soup = page("/en/")
    text = soup.get_text()
    assert "Boyev meets Fredriksen" in text
    assert "Secret draft" not in text
    assert str(draft) not in text
    assert ukrainian_only.title_uk not in text


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("tag=international-cooperation", True),
        ("country=no", True),
        ("country=NO", True),
        ("official=sergiy-boyev", True),
        ("year=2025", True),
        ("year=2024", False),
    ],
)
def test_release_list_filters(page, release, query, found):
    make_release(title_en="Unrelated release", published_at=datetime(2024, 6, 1, tzinfo=KYIV))
    _r, soup = page(f"/en/releases/?{query}")
    text = soup.find("ul", class_="cards").get_text() if soup.find("ul", class_="cards") else ""
    assert ("Boyev meets Fredriksen" in text) is found
    if found:
        assert "Unrelated release" not in text


@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "There is no such option"), ("uk", "Такого варіанта немає")],
)
def test_bad_filter_value_is_reported_at_its_field_in_the_readers_language(
    page, release, lang, message
):
    prefix = "/en" if lang == "en" else ""
    _r, soup = page(f"{prefix}/releases/?year=abc&tag=<script>")
    errors = soup.find_all(class_="error")
    assert len(errors) == 2
    assert all(message in e.get_text() for e in errors)
    assert soup.find("script") is None
    assert "Boyev" in soup.get_text() or "Боєв" in soup.get_text()


@pytest.mark.parametrize("page_number", ["abc", "999", "-1", "0"])
def test_odd_page_numbers_show_a_page_not_an_error(page, release, page_number):
    page(f"/releases/?page={page_number}")


def test_list_switcher_keeps_filters_in_the_other_languages_words(page, release):
    _r, soup = page("/releases/?tag=mizhnarodne-spivrobitnytstvo&country=no")
    href = switcher_link(soup, "en")["href"]
    assert href.startswith("/en/releases/?")
    assert "tag=international-cooperation" in href
    assert "country=no" in href


# Query budgets: a page costs the same however much a release holds ------------------------


def count_queries(client, url, django_assert_max_num_queries=None):
    """Queries of one uncached request (the page cache may be on: the page is new)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from releases import page_cache

    # The first request after a change also asks when the next release is due; once.
    page_cache.current_generation()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("release", lambda r, lang: url_in(r, lang)),
        ("parallel", lambda r, lang: url_in(r, lang, "get_parallel_url")),
        ("list", lambda r, lang: "/releases/" if lang == "uk" else "/en/releases/"),
        ("home", lambda r, lang: "/" if lang == "uk" else "/en/"),
        ("official", lambda r, lang: url_in(r.officials.first(), lang)),
        ("tag", lambda r, lang: url_in(r.tags.first(), lang)),
        ("country", lambda r, lang: url_in(r.countries.first(), lang)),
        ("photo", lambda r, lang: url_in(r.hero_photo, lang)),
        ("search", lambda r, lang: f"{'/en' if lang == 'en' else ''}/search/?q=release"),
        ("feed", lambda r, lang: "/feeds/rss/" if lang == "uk" else "/en/feeds/atom/"),
    ],
)
def test_page_costs_a_fixed_number_of_queries(client, name, url):
    small = make_rich_release(1)
    small_count = count_queries(client, url(small, "en"))
    Release.objects.all().delete()
    large = make_rich_release(30)
    for _ in range(5):
        make_rich_release(1)
    large_count = count_queries(client, url(large, "en"))
    assert small_count == large_count, name
    assert small_count <= QUERY_BUDGET[name], name


# The most queries each page may cost when it is not cached; lists and search count
# the archive and read their filter options here, once per change of content.
QUERY_BUDGET = {
    # The release and its blocks, officials, countries, tags, notes and documents; related
    # releases in one query, whatever the release carries.
    "release": 10,
    "parallel": 9,
    "list": 7,
    "home": 2,
    "official": 6,
    "tag": 3,
    "country": 4,
    "photo": 2,
    # The releases are indexed as they are saved: the search finds them, ranks them and
    # shows a page of them.
    "search": 7,
    "feed": 2,
}


def test_filter_error_is_tied_to_its_field_for_screen_readers(page, release):
    _r, soup = page("/en/releases/?year=abc")
    select = soup.find("select", attrs={"name": "year"})
    assert select["aria-invalid"] == "true"
    assert soup.find(id=select["aria-describedby"]).get_text().startswith("There is no such")


@pytest.mark.parametrize(
    ("prefix", "lang", "heading"),
    [("", "uk", "Сталася помилка"), ("/en", "en", "Something went wrong")],
)
def test_server_error_page_speaks_the_language_of_the_address(prefix, lang, heading, rf):
    from bs4 import BeautifulSoup

    from releases.views import server_error

    with translation.override(lang):
        response = server_error(rf.get(f"{prefix}/releases/"))
    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 500
    assert soup.html["lang"] == lang
    assert heading in soup.h1.get_text()


def test_draft_only_tags_officials_and_countries_are_not_offered_as_filters(page, release):
    secret = make_release(published=False)
    secret.tags.add(make_tag("Таємна операція", "Secret operation"))
    secret_official = make_official(name_en="Unannounced Visitor")
    secret.officials.add(secret_official)
    secret.countries.add(make_country("JP"))
    _r, soup = page("/en/releases/")
    form = soup.find("form", class_="filters").get_text()
    assert "Norway" in form
    assert "Secret operation" not in form
    assert "Unannounced Visitor" not in form
    assert "Japan" not in form
    page(url_in(secret.tags.get(), "en"), status=404)
    page(url_in(secret_official, "en"), status=404)


def test_filter_choices_follow_the_ukrainian_alphabet(page):
    for name in ("Протиповітряна оборона", "Підготовка військових", "Єдність", "Ґрунт"):
        release = make_release()
        release.tags.add(make_tag(name, name))
    _r, soup = page("/releases/")
    names = [o.get_text() for o in soup.find("select", attrs={"name": "tag"}).find_all("option")]
    assert names[1:] == ["Ґрунт", "Єдність", "Підготовка військових", "Протиповітряна оборона"]


def test_release_naming_an_official_without_an_english_name_is_not_public_in_english(release):
    release.officials.add(make_official(name_en=""))
    assert release in Release.objects.public("uk")
    assert release not in Release.objects.public("en")


def test_release_quoting_an_official_without_an_english_name_is_not_public_in_english():
    release = make_release()
    add_quote(release, make_official(name_en=""))
    assert release not in Release.objects.public("en")


def test_parallel_view_of_a_one_language_release_leads_to_the_release(client, ukrainian_only):
    response = client.get(f"/en/releases/{ukrainian_only.slug_uk}/parallel/")
    assert response.status_code == 302
    assert response["Location"] == f"/en/releases/{ukrainian_only.slug_uk}/"


def test_unavailable_page_switcher_links_to_the_version_that_exists(page, ukrainian_only):
    _r, soup = page(f"/en/releases/{ukrainian_only.slug_uk}/")
    assert switcher_link(soup, "uk")["href"] == url_in(ukrainian_only, "uk")
    assert soup.find(class_="language-switcher__missing") is None


def test_address_of_a_release_without_a_slug_in_the_language_falls_back(ukrainian_only):
    assert url_in(ukrainian_only, "en") == url_in(ukrainian_only, "uk")
    assert "None" not in url_in(ukrainian_only, "en", "get_parallel_url")


def test_official_page_costs_the_same_with_many_quotes(client):
    official = make_official()
    make_position(official)
    release = make_release()
    release.officials.add(official)
    add_quote(release, official)
    few = count_queries(client, url_in(official, "en"))
    for _ in range(10):
        add_quote(make_release(), official)
    assert count_queries(client, url_in(official, "en")) == few


def test_not_found_page_offers_each_languages_home_page(page):
    _r, soup = page("/en/no-such-page/", status=404)
    assert switcher_link(soup, "uk")["href"] == "/"


def test_public_pages_forbid_scripts_from_anywhere_but_the_site(client, release):
    policy = client.get(url_in(release, "en"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize("path", ["/releases/", "/search/?q=реліз"])
def test_a_deep_page_costs_what_the_first_page_costs(client, settings, path):
    """Neither the archive's size nor the page number adds a query (page cache off)."""
    settings.PAGE_CACHE_ENABLED = False
    settings.RELEASES_PER_PAGE = 2
    for _ in range(25):
        release = make_release()
        add_paragraph(release)
        release.refresh_text_stamps()
    join = "&" if "?" in path else "?"
    first = count_queries(client, path)
    # Counts and filter options are remembered until the content changes.
    assert count_queries(client, path) < first
    deep = count_queries(client, f"{path}{join}page=5")
    assert deep == count_queries(client, f"{path}{join}page=2")
    assert deep <= 4


def test_a_tag_page_shows_the_newest_releases_and_links_to_them_all(page, settings):
    settings.RELEASES_PER_PAGE = 3
    tag = make_tag(name_uk="Протиповітряна оборона", name_en="Air defence")
    for _ in range(5):
        release = make_release()
        add_paragraph(release)
        release.tags.add(tag)
    _r, soup = page(f"/en/tags/{tag.slug_en}/")
    assert len(soup.select("ul.cards > li")) == 3
    more = soup.select_one("p.more a")["href"]
    assert more == f"/en/releases/?tag={tag.slug_en}"
    _r, listing = page(more)
    assert len(listing.select("ul.cards > li")) == 3
    _r, second = page(f"{more}&page=2")
    assert len(second.select("ul.cards > li")) == 2


def test_an_official_listed_and_quoted_in_a_release_finds_it_once(page):
    official = make_official(name_en="Listed And Quoted")
    release = make_release(title_en="Named twice")
    add_paragraph(release)
    release.officials.add(official)
    add_quote(release, official)
    add_quote(release, official)
    _r, soup = page(f"/en/releases/?official={official.slug_en}")
    assert [a.get_text() for a in soup.select("ul.cards .card__title a")] == ["Named twice"]
    assert list(Release.objects.naming(official)) == [release]


def test_every_page_of_the_list_holds_its_own_releases_in_order(page, settings):
    settings.RELEASES_PER_PAGE = 2
    for day in range(1, 8):
        release = make_release(
            title_en=f"Day {day}", published_at=datetime(2025, 3, day, 12, tzinfo=KYIV)
        )
        add_paragraph(release)
    shown = []
    for number in range(1, 5):
        _r, soup = page(f"/en/releases/?page={number}")
        shown.append([a.get_text() for a in soup.select("ul.cards .card__title a")])
    assert shown == [["Day 7", "Day 6"], ["Day 5", "Day 4"], ["Day 3", "Day 2"], ["Day 1"]]


def test_the_filters_options_are_the_markup_django_would_write():
    from django import forms
    from django.test.html import parse_html

    from releases.forms import OptionsSelect

    choices = [("", "All"), ("a&b", "<script>x</script>"), (2025, "2025")]
    attrs = {"id": "id_tag", "aria-invalid": "true", "required": True}
    for value in ("a&b", 2025, None):
        ours = OptionsSelect(choices=choices).render("tag", value, attrs)
        django = forms.Select(choices=choices).render("tag", value, attrs)
        assert parse_html(ours) == parse_html(django)
    assert "<script>" not in OptionsSelect(choices=choices).render("tag", None)


def test_kept_filter_fields_follow_the_content_and_the_choice(page, release):
    _r, soup = page("/en/releases/")
    assert soup.select_one("select[name=tag] option[selected]")["value"] == ""
    chosen = soup.select("select[name=tag] option")[1]["value"]
    _r, soup = page(f"/en/releases/?tag={chosen}")
    assert soup.select_one("select[name=tag] option[selected]")["value"] == chosen
    newer = make_release(title_en="Newer")
    add_paragraph(newer)
    newer.tags.add(make_tag("Нова тема", "A new topic"))
    _r, soup = page("/en/releases/")
    labels = [option.get_text() for option in soup.select("select[name=tag] option")]
    assert "A new topic" in labels
    assert soup.select_one("select[name=tag] option[selected]")["value"] == ""
