"""Finding one's way: breadcrumbs, related releases, the archive by year and month,
numbered pages, thumbnails in search results and visible feed links."""

import json
import re
import shutil
import urllib.request
from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import translation

from releases.models import Release
from releases.navigation import RELATED_COUNT, related_query, related_releases

from .factories import (
    KYIV,
    add_paragraph,
    make_country,
    make_official,
    make_photo,
    make_position,
    make_release,
    make_tag,
)
from .helpers import assert_accessible, needs_postgresql, settle, soup_of
from .test_public_pages import count_queries, url_in

pytestmark = pytest.mark.django_db


def prefixed(lang, path):
    return f"/en{path}" if lang == "en" else path


def public_release(**fields):
    release = make_release(**fields)
    add_paragraph(release)
    return release


@pytest.fixture
def site():
    official = make_official(name_uk="Сергій Боєв", name_en="Sergiy Boyev")
    make_position(official)
    tag = make_tag("Оборонна промисловість", "Defence industry")
    release = public_release(
        title_uk="Про оборонну промисловість",
        title_en="On the defence industry",
        hero_photo=make_photo(code="jrs-5105", alt_uk="Двоє за столом", alt_en="Two at a table"),
        published_at=datetime(2025, 11, 20, 12, tzinfo=KYIV),
    )
    release.tags.add(tag)
    release.officials.add(official)
    release.countries.add(make_country("NO"))
    return {"release": release, "tag": tag, "official": official}


# Breadcrumbs ---------------------------------------------------------------------------------

HOME = {"uk": "Головна", "en": "Home"}
RELEASES = {"uk": "Пресрелізи", "en": "Press releases"}


def trail(soup):
    """The breadcrumbs' steps: (text, address or None for the current page)."""
    nav = soup.find("nav", class_="breadcrumbs")
    assert nav is not None and nav.get("aria-label")
    steps = []
    for item in nav.find("ol").find_all("li", recursive=False):
        link = item.find("a")
        if link is not None:
            steps.append((link.get_text(strip=True), link["href"]))
        else:
            current = item.find(attrs={"aria-current": "page"})
            steps.append((current.get_text(strip=True), None))
    return nav, steps


PAGES = {
    "release": lambda s, lang: url_in(s["release"], lang),
    "list": lambda s, lang: prefixed(lang, "/releases/"),
    "search": lambda s, lang: prefixed(lang, "/search/?q=defence"),
    "archive": lambda s, lang: prefixed(lang, "/archive/"),
    "year": lambda s, lang: prefixed(lang, "/archive/2025/"),
    "month": lambda s, lang: prefixed(lang, "/archive/2025/11/"),
    "official": lambda s, lang: url_in(s["official"], lang),
    "country": lambda s, lang: prefixed(lang, "/countries/no/"),
    "tag": lambda s, lang: url_in(s["tag"], lang),
    "photo": lambda s, lang: prefixed(lang, "/photos/jrs-5105/"),
    "contacts": lambda s, lang: prefixed(lang, "/contacts/"),
}


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_public_page_below_home_has_breadcrumbs_in_its_language(client, site, name, lang):
    soup = soup_of(client.get(PAGES[name](site, lang)))
    nav, steps = trail(soup)
    assert nav["aria-label"] == {"uk": "Навігаційний ланцюжок", "en": "Breadcrumbs"}[lang]
    assert steps[0] == (HOME[lang], prefixed(lang, "/"))
    assert steps[-1][1] is None, "the last step is the page itself"
    assert all(url for _text, url in steps[:-1])
    assert len(nav.find_all(attrs={"aria-current": "page"})) == 1


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("uk", ["Головна", "Пресрелізи", "Архів", "2025", "Листопад 2025"]),
        ("en", ["Home", "Press releases", "Archive", "2025", "November 2025"]),
    ],
)
def test_the_archive_months_trail_leads_back_through_the_year(client, site, lang, expected):
    _nav, steps = trail(soup_of(client.get(prefixed(lang, "/archive/2025/11/"))))
    assert [text for text, _url in steps] == expected
    assert steps[3][1] == prefixed(lang, "/archive/2025/")


def test_a_release_trail_names_the_release_and_the_list(client, site):
    _nav, steps = trail(soup_of(client.get(url_in(site["release"], "en"))))
    assert steps == [
        ("Home", "/en/"),
        ("Press releases", "/en/releases/"),
        ("On the defence industry", None),
    ]


def breadcrumb_list(client, url):
    scripts = soup_of(client.get(url)).head.find_all("script", type="application/ld+json")
    found = [json.loads(s.string) for s in scripts]
    lists = [data for data in found if data["@type"] == "BreadcrumbList"]
    assert len(lists) == 1
    return lists[0]


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_a_release_page_describes_its_trail_as_a_breadcrumb_list(client, site, lang):
    data = breadcrumb_list(client, url_in(site["release"], lang))
    items = data["itemListElement"]
    assert [item["position"] for item in items] == [1, 2, 3]
    assert [item["name"] for item in items][:2] == [HOME[lang], RELEASES[lang]]
    assert items[0]["item"] == "http://testserver" + prefixed(lang, "/")
    assert items[1]["item"] == "http://testserver" + prefixed(lang, "/releases/")
    titles = {"uk": "Про оборонну промисловість", "en": "On the defence industry"}
    assert items[2]["name"] == titles[lang]
    assert "item" not in items[2]


def test_a_title_cannot_break_out_of_the_breadcrumb_list(client):
    release = public_release(title_en='</script><script>alert("x")</script>')
    with translation.override("en"):
        page = client.get(release.get_absolute_url()).content.decode()
    assert '<script>alert("x")' not in page
    data = breadcrumb_list(client, url_in(release, "en"))
    assert data["itemListElement"][-1]["name"] == '</script><script>alert("x")</script>'


def test_breadcrumbs_escape_what_they_show(client):
    tag = make_tag("Тема", "<b>Bold</b> & co")
    public_release().tags.add(tag)
    response = client.get(url_in(tag, "en"))
    assert b"<b>Bold</b>" not in response.content
    _nav, steps = trail(soup_of(response))
    assert steps[-1] == ("<b>Bold</b> & co", None)


# Related releases ----------------------------------------------------------------------------


@pytest.fixture
def links():
    return {
        "tags": [make_tag() for _ in range(3)],
        "officials": [make_official() for _ in range(2)],
        "countries": [make_country(code) for code in ("NO", "PL")],
    }


def linked(release, tags=(), officials=(), countries=()):
    release.tags.add(*tags)
    release.officials.add(*officials)
    release.countries.add(*countries)
    return release


def on_day(day, **fields):
    return public_release(published_at=datetime(2025, 3, day, 12, tzinfo=KYIV), **fields)


def test_related_releases_are_ranked_by_what_they_share_then_newest(links):
    t, o, c = links["tags"], links["officials"], links["countries"]
    this = linked(on_day(1), t, o, c)
    three = linked(on_day(2, title_en="Three"), t[:2], o[:1])
    newer_one = linked(on_day(9, title_en="Newer one"), countries=c[:1])
    older_one = linked(on_day(3, title_en="Older one"), officials=o[1:])
    two = linked(on_day(4, title_en="Two"), t[2:], countries=c[1:])
    linked(on_day(5, title_en="Nothing shared"))
    linked(make_release(published=False), t, o, c)  # a draft is never related
    linked(on_day(8, languages=("uk",)), t, o, c)  # not public in English
    with translation.override("en"):
        related = related_releases(this)
    assert related == [three, two, newer_one, older_one]
    assert [r.shared for r in related] == [3, 2, 1, 1]


def test_related_releases_are_at_most_a_few_and_never_the_release_itself(links):
    this = linked(on_day(1), links["tags"])
    for day in range(2, 9):
        linked(on_day(day), links["tags"][:1])
    related = related_releases(this)
    assert len(related) == RELATED_COUNT
    assert this not in related


def test_a_release_that_shares_nothing_has_no_related_releases(client, links):
    this = on_day(1)
    linked(on_day(2), links["tags"])
    assert related_releases(this) == []
    soup = soup_of(client.get(url_in(this, "en")))
    assert soup.find("section", class_="related") is None


def test_related_releases_cost_one_query_however_much_the_release_carries(
    links, django_assert_num_queries
):
    small = linked(on_day(1), links["tags"][:1])
    many_tags = [make_tag() for _ in range(20)]
    officials = [make_official() for _ in range(10)]
    countries = [make_country(code) for code in ("DE", "FR", "IT", "ES", "JP")]
    large = linked(on_day(2), many_tags, officials, countries)
    for day in range(3, 20):
        linked(on_day(day), many_tags[day % 20 :][:3], officials[:1], countries[day % 5 :][:1])
    with django_assert_num_queries(1):
        related_releases(small)
    with django_assert_num_queries(1):
        assert len(related_releases(large)) == RELATED_COUNT


def test_the_release_page_shows_related_releases_as_links(client, links):
    this = linked(on_day(1), links["tags"])
    other = linked(on_day(2, title_en="Also on it"), links["tags"][:1])
    section = soup_of(client.get(url_in(this, "en"))).find("section", class_="related")
    assert section.find("h2").get_text(strip=True) == "Related releases"
    link = section.find("a")
    assert (link.get_text(strip=True), link["href"]) == ("Also on it", url_in(other, "en"))
    assert section.select_one(".release-kind").get_text(strip=True) == "News"
    ukrainian = soup_of(client.get(url_in(this, "uk"))).find("section", class_="related")
    assert ukrainian.find("h2").get_text(strip=True) == "Пов’язані релізи"
    assert ukrainian.select_one(".release-kind").get_text(strip=True) == "Новина"


def test_the_release_page_costs_the_same_with_more_related_releases(client, settings, links):
    settings.PAGE_CACHE_ENABLED = False
    this = linked(on_day(1), links["tags"], links["officials"], links["countries"])
    linked(on_day(2), links["tags"][:1])
    few = count_queries(client, url_in(this, "en"))
    for day in range(3, 25):
        linked(on_day(day, hero_photo=make_photo()), links["tags"], links["officials"])
    assert count_queries(client, url_in(this, "en")) == few


def test_a_publication_changes_the_related_releases_of_a_cached_page(client, links):
    this = linked(on_day(1), links["tags"])
    url = url_in(this, "en")
    assert soup_of(client.get(url)).find("section", class_="related") is None
    linked(on_day(2, title_en="Just published"), links["tags"][:1])
    assert "Just published" in client.get(url).content.decode()


def bulk_releases(count):
    """``count`` published releases, an hour apart from 2020 on, written at once: one in
    three is public in Ukrainian only, and each row is as wide as a real release's."""
    start = datetime(2020, 1, 1, tzinfo=KYIV)
    releases = Release.objects.bulk_create(
        Release(
            key=f"bulk-{n}",
            slug_uk=f"bulk-uk-{n}",
            slug_en=f"bulk-en-{n}",
            title_uk=f"Реліз {n}",
            title_en=f"Release {n}",
            # A lead of one or two sentences, as releases have: rows as wide as real ones.
            lead_uk=f"{n} " + "Міністр обговорив із партнерами постачання озброєння. " * 6,
            lead_en=f"{n} " + "The minister discussed arms supplies with partners. " * 6,
            status=Release.Status.PUBLISHED,
            published_at=start + timedelta(hours=n),
            complete_uk=True,
            complete_en=n % 3 > 0,
        )
        for n in range(count)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return releases


def test_related_releases_walk_indexes_on_postgresql(links):
    """20,000 releases, 50 tags, officials and countries on many of them: the query reads
    releases through the public index and the link tables through theirs, never all rows.
    """
    needs_postgresql("the plan of PostgreSQL's query planner")
    tags, officials, countries = links["tags"][:2], links["officials"], links["countries"]
    tags += [make_tag() for _ in range(48)]
    this = linked(on_day(1), tags[:2], officials[:1], countries[:1])
    releases = bulk_releases(20_000)
    tagged = Release.tags.through
    tagged.objects.bulk_create(
        tagged(content_object=r, tag=tags[k])
        for n, r in enumerate(releases)
        for k in {n % 50, n * 7 % 50}
    )
    Release.officials.through.objects.bulk_create(
        Release.officials.through(release=r, official=officials[n % 20 // 10])
        for n, r in enumerate(releases)
        if n % 10 < 2
    )
    Release.countries.through.objects.bulk_create(
        Release.countries.through(release=r, country=countries[n % 2])
        for n, r in enumerate(releases)
        if n % 5 == 0
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with translation.override("en"):
        plan = related_query(this).explain(analyze=True)
        assert len(related_releases(this)) == RELATED_COUNT
    assert not re.search(r"Seq Scan on releases_release\b(?!_)", plan), plan
    assert "Seq Scan on releases_taggedrelease" not in plan, plan


# The archive ---------------------------------------------------------------------------------


def test_the_archive_counts_and_lists_from_the_public_index_on_postgresql():
    """20,000 releases: the years' counts, a year's months and a month's page read the
    public index of the page's language, never the whole table."""
    from releases.archive import counted, counts_query, month_start, public_between

    needs_postgresql("the plan of PostgreSQL's query planner")
    bulk_releases(20_000)
    with translation.override("en"):
        years = counted(Release.objects.public(), year=ExtractYear("published_at"))
        assert sum(count for _year, count in years) == 13_333
        year = public_between(month_start(2021, 1), month_start(2022, 1))
        month = public_between(month_start(2021, 3), month_start(2021, 4))
        plans = [
            counts_query(Release.objects.public(), year=ExtractYear("published_at")).explain(),
            counts_query(year, month=ExtractMonth("published_at")).explain(),
            month.order_by("-published_at", "-pk")[24:36].explain(),
        ]
    for plan in plans:
        assert "using release_public_en_" in plan, plan
        assert not re.search(r"Seq Scan on releases_release\b(?!_)", plan), plan


def test_the_archive_lists_years_with_their_counts_in_one_query(client, django_assert_num_queries):
    for year, count in ((2023, 1), (2024, 2), (2025, 3)):
        for _ in range(count):
            public_release(published_at=datetime(year, 6, 1, 12, tzinfo=KYIV))
    public_release(languages=("uk",), published_at=datetime(2022, 6, 1, tzinfo=KYIV))
    make_release(published=False, published_at=datetime(2021, 6, 1, tzinfo=KYIV))
    soup = soup_of(client.get("/en/archive/"))
    items = [li.get_text(" ", strip=True) for li in soup.select("ul.archive-list li")]
    assert items == ["2025 (3 releases)", "2024 (2 releases)", "2023 (1 release)"]
    assert soup.select_one("ul.archive-list a")["href"] == "/en/archive/2025/"
    ukrainian = soup_of(client.get("/archive/"))
    years = [a.get_text() for a in ukrainian.select("ul.archive-list a")]
    assert years == ["2025", "2024", "2023", "2022"]


def test_the_archive_costs_the_same_however_many_years_it_holds(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    public_release(published_at=datetime(2025, 6, 1, tzinfo=KYIV))
    few = {url: count_queries(client, url) for url in ARCHIVE_URLS}
    for year in range(2010, 2025):
        for month in (1, 6, 11):
            public_release(published_at=datetime(year, month, 3, tzinfo=KYIV))
            public_release(published_at=datetime(2025, month, 3, tzinfo=KYIV))
    for url in ARCHIVE_URLS:
        assert count_queries(client, url) == few[url], url
        assert few[url] <= 4, url


ARCHIVE_URLS = ["/en/archive/", "/en/archive/2025/", "/en/archive/2025/06/", "/archive/2025/06/"]


def test_a_year_lists_its_months_with_counts(client):
    for month, count in ((1, 2), (11, 1)):
        for _ in range(count):
            public_release(published_at=datetime(2026, month, 10, tzinfo=KYIV))
    soup = soup_of(client.get("/en/archive/2026/"))
    items = [li.get_text(" ", strip=True) for li in soup.select("ul.archive-list li")]
    assert items == ["November (1 release)", "January (2 releases)"]
    assert soup.select_one("ul.archive-list a")["href"] == "/en/archive/2026/11/"
    ukrainian = soup_of(client.get("/archive/2026/"))
    assert ukrainian.select_one("ul.archive-list a").get_text() == "Листопад"


@pytest.mark.parametrize(
    ("moment", "month", "not_month"),
    [
        # 00:30 in Kyiv on 1 December is still 30 November in UTC (winter time, UTC+2).
        ("2025-11-30T22:30:00+00:00", "2025/12", "2025/11"),
        # Summer time (UTC+3): 00:30 on 1 July in Kyiv is 21:30 on 30 June in UTC.
        ("2025-06-30T21:30:00+00:00", "2025/07", "2025/06"),
        # Summer time began on 30 March: 00:30 on 1 April in Kyiv is 21:30 on 31 March UTC.
        ("2025-03-31T21:30:00+00:00", "2025/04", "2025/03"),
        # 23:59 on 31 October in Kyiv (winter time since the 26th) is 21:59 UTC.
        ("2025-10-31T21:59:00+00:00", "2025/10", "2025/11"),
        # New Year in Kyiv comes two hours before UTC's.
        ("2025-12-31T22:15:00+00:00", "2026/01", "2025/12"),
    ],
)
def test_kyiv_time_decides_a_releases_month(client, moment, month, not_month):
    release = public_release(title_en="At the turn", published_at=datetime.fromisoformat(moment))
    page = client.get(f"/en/archive/{month}/")
    assert "At the turn" in page.content.decode()
    year = month.split("/")[0]
    assert client.get(f"/en/archive/{year}/").status_code == 200
    other = client.get(f"/en/archive/{not_month}/")
    assert other.status_code == 404  # the only release is not that month's
    assert release in Release.objects.public("en")


def test_a_month_lists_only_its_public_releases_in_the_pages_language(client):
    public_release(title_en="In November", published_at=datetime(2025, 11, 5, tzinfo=KYIV))
    public_release(title_en="In December", published_at=datetime(2025, 12, 5, tzinfo=KYIV))
    make_release(
        published=False, title_en="Draft", published_at=datetime(2025, 11, 6, tzinfo=KYIV)
    )
    public_release(
        languages=("uk",),
        title_uk="Лише українською",
        published_at=datetime(2025, 11, 7, tzinfo=KYIV),
    )
    english = soup_of(client.get("/en/archive/2025/11/"))
    assert [a.get_text() for a in english.select(".card__title a")] == ["In November"]
    ukrainian = soup_of(client.get("/archive/2025/11/"))
    assert len(ukrainian.select(".card__title a")) == 2
    assert english.h1.get_text() == "Press releases: November 2025"


def test_a_month_is_paginated_with_numbered_pages(client, settings):
    settings.RELEASES_PER_PAGE = 2
    for day in range(1, 8):
        public_release(title_en=f"Day {day}", published_at=datetime(2025, 5, day, tzinfo=KYIV))
    soup = soup_of(client.get("/en/archive/2025/05/?page=2"))
    assert [a.get_text() for a in soup.select(".card__title a")] == ["Day 5", "Day 4"]
    assert soup.select_one(".pagination [aria-current=page]").get_text(" ", strip=True) == "Page 2"


@pytest.mark.parametrize(
    "path",
    [
        "/archive/0000/",
        "/archive/0001/",
        "/archive/0999/01/",
        "/archive/99999/",
        "/archive/0/",
        "/archive/abcd/",
        "/archive/2025/13/",
        "/archive/2025/00/",
        "/archive/2025/1/",
        "/archive/2025/xx/",
        "/archive/2025/99999999999999999999/",
        "/archive/9999/12/",
        "/archive/1999/",
        "/archive/2025/02/",
        "/en/archive/0000/01/",
        "/archive/-2025/",
    ],
)
def test_hostile_or_empty_archive_addresses_are_not_found(client, path):
    public_release(published_at=datetime(2025, 11, 5, tzinfo=KYIV))
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/archive/2024/", "/archive/2024/02/"])
def test_the_switcher_offers_no_archive_page_a_language_has_no_releases_for(client, path):
    public_release(languages=("uk",), published_at=datetime(2024, 2, 5, tzinfo=KYIV))
    public_release(published_at=datetime(2025, 2, 5, tzinfo=KYIV))
    switcher = soup_of(client.get(path)).find("nav", class_="language-switcher")
    # The page does not exist in English: the switcher says so and offers the home page.
    assert switcher.find("a", attrs={"hreflang": "en"})["href"] == "/en/"
    both = soup_of(client.get(path.replace("2024", "2025"))).find(
        "nav", class_="language-switcher"
    )
    assert both.find("a", attrs={"hreflang": "en"})["href"] == "/en" + path.replace("2024", "2025")


@pytest.mark.parametrize("number", ["abc", "999", "-1", "0", "1e9", "<script>"])
def test_odd_page_numbers_of_a_month_show_a_page_not_an_error(client, number):
    public_release(published_at=datetime(2025, 11, 5, tzinfo=KYIV))
    response = client.get("/archive/2025/11/", {"page": number})
    assert response.status_code == 200
    assert b"<script>" not in response.content.split(b"</head>")[1]


def test_the_archive_is_linked_from_the_list_and_the_footer(client, site):
    soup = soup_of(client.get("/en/releases/"))
    assert soup.select_one("main a[href='/en/archive/']")
    assert (
        soup.select_one("footer a[href='/en/archive/']").get_text() == "Archive by year and month"
    )
    home = soup_of(client.get("/"))
    assert home.select_one("footer a[href='/archive/']").get_text() == "Архів за роками й місяцями"


def test_the_sitemap_lists_the_archive_in_the_languages_it_has_releases_in(client):
    public_release(published_at=datetime(2025, 11, 5, tzinfo=KYIV))
    public_release(languages=("uk",), published_at=datetime(2024, 2, 5, tzinfo=KYIV))
    text = client.get("/sitemap-archive.xml").content.decode()
    for path in (
        "/archive/2025/11/",
        "/en/archive/2025/11/",
        "/archive/2025/",
        "/archive/2024/02/",
    ):
        assert f"http://testserver{path}<" in text, path
    assert "/en/archive/2024/" not in text
    pages = client.get("/sitemap-pages.xml").content.decode()
    assert "http://testserver/en/archive/<" in pages


# Numbered pagination --------------------------------------------------------------------------


def pagination(soup):
    """The pagination's items: numbers, "…", and the words of previous and next."""
    nav = soup.find("nav", class_="pagination")
    return nav, [li.get_text(" ", strip=True) for li in nav.find_all("li")]


@pytest.fixture
def twelve_pages(settings):
    settings.RELEASES_PER_PAGE = 1
    tag = make_tag("Тема", "Topic")
    for day in range(1, 13):
        linked(on_day(day), [tag])
    return tag


def test_the_list_numbers_its_pages_with_the_first_the_last_and_gaps(client, twelve_pages):
    nav, items = pagination(soup_of(client.get("/en/releases/?page=6")))
    assert nav["aria-label"] == "Pages"
    assert items == [
        "Newer",
        "Page 1",
        "…",
        "Page 4",
        "Page 5",
        "Page 6",
        "Page 7",
        "Page 8",
        "…",
        "Page 12",
        "Older",
    ]
    current = nav.find_all(attrs={"aria-current": "page"})
    assert [a.get_text(" ", strip=True) for a in current] == ["Page 6"]
    hrefs = [a["href"] for a in nav.find_all("a") if "Page" in a.get_text()]
    assert hrefs[0] == "/en/releases/"
    assert hrefs[-1] == "?page=12"
    assert nav.find("a", rel="prev")["href"] == "?page=5"
    assert nav.find("a", rel="next")["href"] == "?page=7"
    second = soup_of(client.get("/en/releases/?page=2")).find("nav", class_="pagination")
    assert second.find("a", rel="prev")["href"] == "/en/releases/"  # the first page's address


def test_numbered_pages_keep_the_lists_filters(client, twelve_pages):
    soup = soup_of(client.get(f"/en/releases/?tag={twelve_pages.slug_en}&page=3"))
    nav, items = pagination(soup)
    hrefs = {a.get_text(" ", strip=True): a["href"] for a in nav.find_all("a")}
    assert hrefs["Page 1"] == f"?tag={twelve_pages.slug_en}"
    assert hrefs["Page 12"] == f"?tag={twelve_pages.slug_en}&page=12"
    assert hrefs["Newer"] == f"?tag={twelve_pages.slug_en}&page=2"
    ukrainian = soup_of(client.get("/releases/?page=12"))
    _nav, items = pagination(ukrainian)
    assert items[:2] == ["Новіші", "Сторінка 1"]
    assert "Older" not in items and "Старіші" not in items


def test_the_last_page_costs_what_the_second_costs(client, settings, twelve_pages):
    settings.PAGE_CACHE_ENABLED = False
    count_queries(client, "/en/releases/")
    assert count_queries(client, "/en/releases/?page=12") == count_queries(
        client, "/en/releases/?page=2"
    )


@pytest.mark.parametrize("number", ["abc", "999", "-1", "0"])
def test_odd_page_numbers_still_show_a_page_with_numbers(client, twelve_pages, number):
    response = client.get("/en/releases/", {"page": number})
    assert response.status_code == 200
    _nav, items = pagination(soup_of(response))
    assert "Page 1" in items


def test_search_results_are_numbered_too(client, settings):
    for day in range(1, 25):
        on_day(day, title_en=f"Air defence news {day}")
    _nav, items = pagination(soup_of(client.get("/en/search/?q=defence&page=2")))
    assert items == ["Newer", "Page 1", "Page 2", "Page 3", "Older"]


# Thumbnails in search results -------------------------------------------------------------------


def test_search_results_show_the_hero_photos_small_rendition_lazily(client):
    photo = make_photo(alt_uk="Зустріч у Києві", alt_en="A meeting in Kyiv")
    on_day(1, title_en="Defence talks", title_uk="Оборонні перемовини", hero_photo=photo)
    on_day(2, title_en="Defence without a photo", title_uk="Оборона без фото")
    results = soup_of(client.get("/en/search/?q=defence")).select("ol.results > li")
    assert len(results) == 2
    with_photo = next(r for r in results if "Defence talks" in r.get_text())
    image = with_photo.find("img")
    assert image["alt"] == "A meeting in Kyiv"
    assert image["loading"] == "lazy"
    assert f"/renditions/{photo.code}/card-small.jpg" in image["srcset"]
    without = next(r for r in results if "without a photo" in r.get_text())
    assert without.find("img") is None
    ukrainian = soup_of(client.get("/search/?q=перемовини")).select_one("ol.results img")
    assert ukrainian["alt"] == "Зустріч у Києві"


def test_search_thumbnails_cost_no_query_per_result(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    on_day(1, title_en="Defence 1", hero_photo=make_photo())
    one = count_queries(client, "/en/search/?q=defence")
    for day in range(2, 10):
        on_day(day, title_en=f"Defence {day}", hero_photo=make_photo())
    assert count_queries(client, "/en/search/?q=defence") == one


# Feed links ------------------------------------------------------------------------------------


FEED_PAGES = {
    "list": (lambda s: "/en/releases/", "All press releases", "/en/feeds/"),
    "release": (lambda s: url_in(s["release"], "en"), "All press releases", "/en/feeds/"),
    "tag": (lambda s: url_in(s["tag"], "en"), "Defence industry", "/en/tags/defence-industry/"),
    "official": (
        lambda s: url_in(s["official"], "en"),
        "Sergiy Boyev",
        "/en/officials/sergiy-boyev/",
    ),
    "country": (lambda s: "/en/countries/no/", "Norway", "/en/countries/no/"),
}


@pytest.mark.parametrize("name", sorted(FEED_PAGES))
def test_lists_and_the_release_page_show_their_feeds_with_names(client, site, name):
    url, subject, base = FEED_PAGES[name]
    links = soup_of(client.get(url(site))).select("p.feed-links a[type]")
    named = {a.get_text(" ", strip=True): a["href"] for a in links}
    assert named == {
        f"RSS feed : {subject}": f"{base}rss/",
        f"Atom feed : {subject}": f"{base}atom/",
    }
    for href in named.values():
        assert client.get(href).status_code == 200


def test_feed_links_speak_ukrainian_on_the_ukrainian_site(client, site):
    links = soup_of(client.get("/releases/")).select("p.feed-links a")
    names = [a.get_text(" ", strip=True) for a in links]
    assert names == [
        "RSS-стрічка : Усі пресрелізи",
        "Atom-стрічка : Усі пресрелізи",
        "Сповіщення електронною поштою",
    ]


# Accessibility of the new and changed pages, in both languages ---------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_navigation_pages_pass_axe_and_the_nu_html_checker(
    browser, live_server, tmp_path, settings
):
    if not shutil.which("java"):
        pytest.fail("java is needed for the Nu HTML Checker: apt-get install default-jre-headless")
    from .test_accessibility import nu_errors

    settings.RELEASES_PER_PAGE = 1
    tag = make_tag("Оборонна промисловість", "Defence industry")
    official = make_official(name_uk="Сергій Боєв", name_en="Sergiy Boyev")
    make_position(official)
    releases = []
    for day in range(1, 9):
        photo = make_photo(code=f"nav-{day:04d}")
        release = on_day(day, hero_photo=photo, title_en=f"Defence news {day}")
        linked(release, [tag], [official], [make_country("NO")])
        releases.append(release)
    paths = [
        "/archive/",
        "/archive/2025/",
        "/archive/2025/03/?page=4",
        "/releases/?page=5",
        "/search/?q=оборона&page=1",
        url_in(releases[0], "uk"),
        url_in(tag, "uk"),
        "/contacts/",
        "/photos/nav-0001/",
    ]
    paths += [prefixed("en", p) for p in paths[:5]] + ["/en/search/?q=defence"]
    paths += [url_in(releases[0], "en"), url_in(official, "en"), "/en/countries/no/"]
    pages_dir = tmp_path / "pages"
    pages_dir.mkdir()
    context = browser.new_context()
    tab = context.new_page()
    for number, path in enumerate(paths):
        response = tab.goto(live_server.url + path)
        assert response.status == 200, path
        assert_accessible(tab)
        html = urllib.request.urlopen(live_server.url + quote(path, safe="/?=&")).read()
        (pages_dir / f"page-{number:03d}.html").write_bytes(html)
    settle(tab)
    context.close()
    assert nu_errors(pages_dir) == []
