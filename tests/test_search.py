"""Search: inflected Ukrainian, English stems, filters, odd queries, snippets."""

from datetime import datetime

import pytest
from bs4 import BeautifulSoup

from releases.models import Release
from releases.search import index_release, query_roots

from .factories import (
    KYIV,
    add_paragraph,
    add_quote,
    make_country,
    make_official,
    make_release,
    make_tag,
)

pytestmark = pytest.mark.django_db

TEXTS = {
    "meeting": {
        "title": ("Сергій Боєв зустрівся з Йоном Фредріксеном", "Sergiy Boyev met Jon Fredriksen"),
        "lead": (
            "Сторони обговорили безпеку Норвегії та Європи.",
            "The sides discussed Norway's and Europe's security.",
        ),
        "body": (
            "Розмова із Сергієм Боєвим стосувалася оборонної промисловості. "
            "Йон Фредріксеном подякував за відвертість.",
            "The talk with Sergiy Boyev was about the defence industry.",
        ),
        "date": datetime(2025, 2, 20, 16, 0, tzinfo=KYIV),
    },
    "air-defence": {
        "title": (
            "Протиповітряна оборона: нові ракети-перехоплювачі",
            "Air defence: new interceptor missiles",
        ),
        "lead": (
            "Партнери з Данією готують постачання.",
            "Partners in Denmark prepare deliveries.",
        ),
        "body": ("Йдеться про посилення протиповітряної оборони.", "Air defence will grow."),
        "date": datetime(2024, 10, 1, 12, 0, tzinfo=KYIV),
    },
    "training": {
        "title": ("Підготовка військових у центрі JATEC", "Training of soldiers at JATEC"),
        "lead": ("Центр відкрили в Польщі.", "The centre opened in Poland."),
        "body": (
            "Він посилить підготовку бригади та обмін досвідом.",
            "It will strengthen the brigade, which trained there.",
        ),
        "date": datetime(2025, 3, 18, 11, 0, tzinfo=KYIV),
    },
    "drones": {
        "title": ("Спільне виробництво дронів з Естонією", "Joint drone production with Estonia"),
        "lead": ("Підписано меморандум.", "A memorandum was signed."),
        "body": ("Виробництва розмістять в обох країнах.", "Factories will be in both countries."),
        "date": datetime(2025, 1, 29, 14, 0, tzinfo=KYIV),
    },
}


@pytest.fixture
def releases():
    made = {}
    for key, text in TEXTS.items():
        release = make_release(
            key=key,
            title_uk=text["title"][0],
            title_en=text["title"][1],
            lead_uk=text["lead"][0],
            lead_en=text["lead"][1],
            published_at=text["date"],
        )
        add_paragraph(release, uk=text["body"][0], en=text["body"][1])
        index_release(release)
        made[key] = release
    only_uk = make_release(
        key="drone-makers",
        languages=("uk",),
        title_uk="Зустріч із виробниками безпілотників",
        lead_uk="Обговорили потреби війська.",
    )
    index_release(only_uk)
    made["drone-makers"] = only_uk
    return made


def found(client, query, language="uk", **filters):
    prefix = "" if language == "uk" else "/en"
    response = client.get(f"{prefix}/search/", {"q": query, **filters})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    titles = [a.get_text() for a in soup.select(".result__title a")]
    keys = {
        key
        for key, release in Release.objects.in_bulk(field_name="key").items()
        if getattr(release, f"title_{language}") in titles
    }
    return keys, soup


INFLECTED = [
    ("uk", "Боєв", {"meeting"}),
    ("uk", "Сергій", {"meeting"}),
    ("uk", "Норвегія", {"meeting"}),
    ("uk", "оборонна промисловість", {"meeting"}),
    ("uk", "Фредріксен", {"meeting"}),
    ("uk", "ракета", {"air-defence"}),
    ("uk", "Данія", {"air-defence"}),
    ("uk", "протиповітряної оборони", {"air-defence"}),
    ("uk", "Польща", {"training"}),
    ("uk", "підготовка військових", {"training"}),
    ("uk", "бригада", {"training"}),
    ("uk", "JATEC", {"training"}),
    ("uk", "дрон", {"drones"}),
    ("uk", "виробництво дронів", {"drones"}),
    ("uk", "Естонія", {"drones"}),
    ("uk", "безпілотник", {"drone-makers"}),
    ("uk", "нові ракети", {"air-defence"}),
    ("en", "Boyev", {"meeting"}),
    ("en", "Norway", {"meeting"}),
    ("en", "defence industries", {"meeting"}),
    ("en", "missile", {"air-defence"}),
    ("en", "interceptors", {"air-defence"}),
    ("en", "Denmark", {"air-defence"}),
    ("en", "train", {"training"}),
    ("en", "drones", {"drones"}),
    ("en", "produce", {"drones"}),
    ("en", "Estonia", {"drones"}),
    ("en", "безпілотник", set()),  # the Ukrainian-only release is not on the English site
    ("en", "air defence", {"air-defence"}),
]


@pytest.mark.parametrize(("language", "query", "expected"), INFLECTED)
def test_inflected_queries_find_their_releases(client, releases, language, query, expected):
    keys, _soup = found(client, query, language)
    assert keys == expected


def test_matches_in_the_title_rank_above_matches_in_the_text(client, releases):
    # "оборона" is in the title of one release and only in the text of none other; add one.
    other = make_release(
        key="mention",
        title_uk="Інша новина",
        lead_uk="Тут лише згадано протиповітряну оборону.",
        published_at=datetime(2025, 6, 1, tzinfo=KYIV),
    )
    index_release(other)
    _keys, soup = found(client, "протиповітряна оборона")
    titles = [a.get_text() for a in soup.select(".result__title a")]
    assert titles[0] == TEXTS["air-defence"]["title"][0]
    assert "Інша новина" in titles


def test_equal_matches_put_recent_releases_first(client):
    for year in (2023, 2025, 2024):
        release = make_release(
            title_uk=f"Новина {year}",
            lead_uk="Засідання штабу.",
            published_at=datetime(year, 5, 1, tzinfo=KYIV),
        )
        index_release(release)
    _keys, soup = found(client, "засідання")
    assert [a.get_text() for a in soup.select(".result__title a")] == [
        "Новина 2025",
        "Новина 2024",
        "Новина 2023",
    ]


def test_snippet_highlights_the_inflected_words(client, releases):
    _keys, soup = found(client, "оборонна промисловість")
    snippet = soup.select_one(".result__snippet")
    assert [m.get_text() for m in snippet.find_all("mark")] == ["оборонної", "промисловості"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "?!…—«»",
        "' OR 1=1; DROP TABLE releases_release; --",
        "<script>alert(1)</script>",
        "<b>Боєв</b>",
        "Boyev Боєв 2025 ЗСУ",
        "Норвегія " * 80,
        "x" * 3000,  # longer than a search takes; longer still is refused (test_hostile_input)
        "%_\\",
    ],
)
def test_odd_queries_give_a_normal_page(client, releases, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["lang"] == "uk"
    assert not soup.find("script", attrs={"type": lambda t: t != "application/ld+json"})


def test_a_long_query_is_cut_and_the_reader_told(client, releases):
    _keys, soup = found(client, "Норвегія " * 80)
    assert "500" in soup.find(class_="notice").get_text()


def test_html_in_the_query_comes_back_escaped(client, releases):
    response = client.get("/search/", {"q": "<b>Боєв</b>"})
    assert "<b>Боєв</b>" not in response.content.decode()
    assert "&lt;b&gt;Боєв&lt;/b&gt;" in response.content.decode()


def test_search_filters_by_date_tag_country_and_official(client, releases):
    meeting = releases["meeting"]
    meeting.tags.add(make_tag("Міжнародне співробітництво", "International cooperation"))
    meeting.countries.add(make_country("NO"))
    official = make_official(name_uk="Йон Фредріксен", name_en="Jon Fredriksen")
    add_quote(meeting, official)
    for release in releases.values():
        index_release(release)
    assert found(client, "Боєв", tag="mizhnarodne-spivrobitnytstvo")[0] == {"meeting"}
    assert found(client, "Боєв", country="no")[0] == {"meeting"}
    assert found(client, "Боєв", official=official.slug_uk)[0] == {"meeting"}
    keys, _soup = found(client, "підготовка", date_from="2025-03-01", date_to="2025-03-31")
    assert keys == {"training"}
    assert found(client, "підготовка", date_to="2024-12-31")[0] == set()


def test_bad_dates_are_reported_at_their_field(client, releases):
    _keys, soup = found(client, "Боєв", date_from="2025-13-40", date_to="2024-01-01")
    errors = soup.find_all(class_="error")
    assert errors and soup.find("input", attrs={"name": "date_from"})["aria-invalid"] == "true"
    _keys, soup = found(client, "Боєв", date_from="2025-05-01", date_to="2025-01-01")
    assert "Кінцева дата раніша за початкову." in soup.get_text()


def test_renamed_official_is_found_under_the_new_name(client, releases):
    official = make_official(name_uk="Марта Гнатюк", name_en="Marta Hnatiuk")
    releases["drones"].officials.add(official)
    index_release(releases["drones"])
    assert found(client, "Гнатюк")[0] == {"drones"}
    official.name_uk = "Марта Коваль"
    official.save()
    assert found(client, "Коваль")[0] == {"drones"}


def test_search_page_costs_the_same_however_many_results(client, releases):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            client.get("/search/", {"q": "засідання"})
        return len(ctx.captured_queries)

    index_release(make_release(title_uk="Засідання 1", lead_uk="Текст."))
    few = queries()
    for n in range(12):
        release = make_release(title_uk=f"Засідання {n + 2}", lead_uk="Текст.")
        add_paragraph(release, uk="Ще одне засідання.")
        index_release(release)
    assert queries() == few


def test_query_roots_are_at_most_eight_distinct_words():
    roots = query_roots(" ".join(f"слово{n}" for n in range(20)) + " слово0", "uk")
    assert len(roots) == 8


def test_snippets_show_ampersands_once(client, releases):
    release = releases["meeting"]
    release.blocks.update(text_uk="Міністерство оборони &amp; партнери обговорили промисловість.")
    index_release(release)
    _keys, soup = found(client, "промисловість")
    assert "&amp;" not in soup.select_one(".result__snippet").get_text()
    assert "оборони & партнери" in soup.select_one(".result__snippet").get_text()


def test_a_wrong_filter_keeps_the_search_words(client, releases):
    keys, soup = found(client, "Боєв", tag="no-such-tag")
    assert keys == {"meeting"}
    assert soup.find(class_="error")
