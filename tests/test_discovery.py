"""Being found: feeds, sitemaps, robots.txt, social previews and structured data."""

import json
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import translation

from .factories import (
    add_paragraph,
    add_quote,
    make_country,
    make_official,
    make_photo,
    make_position,
    make_release,
    make_tag,
)
from .helpers import soup_of

pytestmark = pytest.mark.django_db

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


@pytest.fixture
def site():
    official = make_official(name_uk="Сергій Боєв", name_en="Sergiy Boyev")
    make_position(official)
    tag = make_tag("Оборонна промисловість", "Defence industry")
    both = make_release(
        title_uk="Про оборонну промисловість",
        title_en="On the defence industry",
        hero_photo=make_photo(code="jrs-5105", alt_en="Two officials at a table"),
    )
    both.tags.add(tag)
    both.countries.add(make_country("NO"))
    both.officials.add(official)
    add_quote(both, official)
    ukrainian = make_release(languages=("uk",), title_uk="Лише українською")
    ukrainian.tags.add(tag)
    draft = make_release(published=False, title_uk="Чернетка", title_en="Draft")
    draft.tags.add(tag)
    return {"both": both, "ukrainian": ukrainian, "draft": draft, "tag": tag, "official": official}


def parse(response):
    assert response.status_code == 200, response.status_code
    return ET.fromstring(response.content)


# Feeds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "language", "titles"),
    [
        ("/feeds/rss/", "uk", {"Про оборонну промисловість", "Лише українською"}),
        ("/en/feeds/rss/", "en", {"On the defence industry"}),
        (
            "/tags/oboronna-promyslovist/rss/",
            "uk",
            {"Про оборонну промисловість", "Лише українською"},
        ),
        ("/en/tags/defence-industry/rss/", "en", {"On the defence industry"}),
        ("/countries/no/rss/", "uk", {"Про оборонну промисловість"}),
        ("/en/officials/sergiy-boyev/rss/", "en", {"On the defence industry"}),
    ],
)
def test_rss_feeds_list_public_releases_in_their_language(client, site, url, language, titles):
    channel = parse(client.get(url)).find("channel")
    assert channel.findtext("language") == language
    items = channel.findall("item")
    assert {i.findtext("title") for i in items} == titles
    for item in items:
        assert item.findtext("link").startswith("http://testserver/")
        assert item.findtext("description")
        assert item.findtext("pubDate")
        assert item.findtext("dc:language", namespaces=NS) == language


def test_rss_items_carry_their_kind_and_tags_as_categories(client, site):
    item = parse(client.get("/en/feeds/rss/")).find("channel/item")
    assert [c.text for c in item.findall("category")] == ["News", "Defence industry"]


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/atom/",
        "/en/feeds/atom/",
        "/tags/oboronna-promyslovist/atom/",
        "/countries/no/atom/",
        "/en/officials/sergiy-boyev/atom/",
    ],
)
def test_atom_feeds_have_entries_with_dates_language_and_links(client, site, url):
    feed = parse(client.get(url))
    entries = feed.findall("atom:entry", NS)
    assert entries
    language = "en" if url.startswith("/en/") else "uk"
    for entry in entries:
        assert entry.get("{http://www.w3.org/XML/1998/namespace}lang") == language
        assert entry.findtext("atom:title", namespaces=NS)
        assert entry.find("atom:link", NS).get("href").startswith("http://testserver/")
        assert entry.findtext("atom:published", namespaces=NS)
        assert entry.findtext("atom:updated", namespaces=NS)


def test_feed_of_an_unknown_tag_is_a_404(client, site):
    assert client.get("/tags/no-such-tag/rss/").status_code == 404


def test_pages_advertise_their_feeds(client, site):
    soup = soup_of(client.get("/en/tags/defence-industry/"))
    feeds = {
        link["href"]
        for link in soup.find_all("link", rel="alternate")
        if link.get("type") in ("application/rss+xml", "application/atom+xml")
    }
    assert feeds == {
        "/en/feeds/rss/",
        "/en/feeds/atom/",
        "/en/tags/defence-industry/rss/",
        "/en/tags/defence-industry/atom/",
    }


# Feeds carry text as text ----------------------------------------------------------------

# What an attacker would put in a lead or a title, hoping a feed reader renders it.
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"><svg onload=alert(3)>&amp;'


def rendered_as_html(text):
    """What a reader that renders ``text`` as HTML builds from it."""
    return BeautifulSoup(text or "", "html.parser")


def assert_renders_as_text(text, expected):
    """``text`` rendered as HTML is ``expected``, character for character, with no element."""
    html = rendered_as_html(text)
    assert html.find(True) is None, text
    assert html.get_text() == expected


@pytest.fixture
def hostile():
    """A release whose every text, and the names of its tag and official, are hostile."""
    official = make_official(name_uk=f"Посадовець {HOSTILE}", name_en=f"Official {HOSTILE}")
    make_position(official)
    tag = make_tag(f"Тема {HOSTILE}", f"Topic {HOSTILE}")
    release = make_release(
        title_uk=f"Заголовок {HOSTILE}",
        title_en=f"Title {HOSTILE}",
        lead_uk=f"Лід {HOSTILE}\nдругий рядок",
        lead_en=f"Lead {HOSTILE}\nsecond line",
    )
    release.tags.add(tag)
    release.officials.add(official)
    release.countries.add(make_country("NO"))
    return {"release": release, "tag": tag, "official": official}


def hostile_feed_urls(hostile, kind):
    urls = []
    for lang in ("uk", "en"):
        prefix = "/en" if lang == "en" else ""
        tag, official = (getattr(hostile[k], f"slug_{lang}") for k in ("tag", "official"))
        urls += [
            (f"{prefix}/feeds/{kind}/", lang),
            (f"{prefix}/tags/{tag}/{kind}/", lang),
            (f"{prefix}/countries/no/{kind}/", lang),
            (f"{prefix}/officials/{official}/{kind}/", lang),
        ]
    return urls


def test_rss_descriptions_titles_and_categories_render_as_the_plain_text_they_are(client, hostile):
    release, tag = hostile["release"], hostile["tag"]
    for url, lang in hostile_feed_urls(hostile, "rss"):
        channel = parse(client.get(url)).find("channel")
        assert_renders_as_text(channel.findtext("description"), channel.findtext("description"))
        assert rendered_as_html(channel.findtext("title")).find(True) is None, url
        (item,) = channel.findall("item")
        # RSS 2.0 says a description is HTML: the lead arrives as HTML that shows the text.
        assert_renders_as_text(item.findtext("description"), getattr(release, f"lead_{lang}"))
        # Readers differ on whether a title is HTML: it carries no markup either way.
        title = getattr(release, f"title_{lang}")
        assert item.findtext("title") == title.replace("<", "&lt;").replace(">", "&gt;")
        assert rendered_as_html(item.findtext("title")).find(True) is None
        kind, category = item.findall("category")
        assert kind.text == {"uk": "Новина", "en": "News"}[lang]
        name = getattr(tag, f"name_{lang}")
        assert category.text == name.replace("<", "&lt;").replace(">", "&gt;")
        assert rendered_as_html(category.text).find(True) is None


def test_atom_summaries_and_titles_are_declared_plain_text(client, hostile):
    release = hostile["release"]
    for url, lang in hostile_feed_urls(hostile, "atom"):
        feed = parse(client.get(url))
        for element in feed.iter():
            # Nothing in the feed asks a reader to render markup.
            assert element.get("type") in (None, "text", "application/atom+xml"), url
        (entry,) = feed.findall("atom:entry", NS)
        summary = entry.find("atom:summary", NS)
        assert summary.get("type") == "text"
        assert summary.text == getattr(release, f"lead_{lang}")
        assert entry.findtext("atom:title", namespaces=NS) == getattr(release, f"title_{lang}")
        assert feed.findtext("atom:title", namespaces=NS).endswith(settings.SITE_NAME[lang]), url


def test_feeds_leave_out_characters_xml_cannot_carry(client):
    # Stored before such characters were refused at the door (an import, an old row).
    release = make_release(
        lead_en="Vertical\x0btab, form\x0cfeed and \x1bescape", title_en="T\x01"
    )
    add_paragraph(release)
    for url in ("/en/feeds/rss/", "/en/feeds/atom/"):
        feed = parse(client.get(url))
        texts = "".join(feed.itertext())
        assert "Vertical tab, form feed and  escape" in texts, url
        assert "\x0b" not in texts and "\x01" not in texts


# Sitemaps and robots.txt ----------------------------------------------------------------------


def sitemap_urls(client):
    index = parse(client.get("/sitemap.xml"))
    urls = {}
    for loc in index.findall("sm:sitemap/sm:loc", NS):
        section = parse(client.get(urlsplit(loc.text).path))
        for entry in section.findall("sm:url", NS):
            alternates = {
                link.get("hreflang"): link.get("href") for link in entry.findall("xhtml:link", NS)
            }
            urls[entry.findtext("sm:loc", namespaces=NS)] = {
                "alternates": alternates,
                "lastmod": entry.findtext("sm:lastmod", namespaces=NS),
            }
    return urls


def test_every_sitemap_url_answers_and_every_alternate_links_back(client, site):
    urls = sitemap_urls(client)
    assert len(urls) >= 10
    for url, entry in urls.items():
        assert client.get(urlsplit(url).path).status_code == 200, url
        for language, other in entry["alternates"].items():
            assert other in urls, (url, other)
            assert urls[other]["alternates"].get(language) == other
            assert url in urls[other]["alternates"].values(), (url, other)


def test_sitemap_lists_each_release_only_in_the_languages_it_exists_in(client, site):
    urls = sitemap_urls(client)
    with translation.override("uk"):
        ukrainian_only = "http://testserver" + site["ukrainian"].get_absolute_url()
        draft = "http://testserver" + site["draft"].get_absolute_url()
    assert urls[ukrainian_only]["alternates"] == {"uk": ukrainian_only}
    assert draft not in urls
    assert not any("chernetka" in url or "/draft" in url for url in urls)
    releases = [u for u in urls if "/releases/" in u and not u.endswith("/releases/")]
    assert len(releases) == 3  # two languages of one, the Ukrainian one of the other
    assert all(urls[u]["lastmod"] for u in releases)


def test_robots_txt_points_to_the_sitemap_and_keeps_out_admin_and_previews(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    for path in ("/admin/", "/en/admin/", "/preview/", "/en/preview/"):
        assert f"Disallow: {path}" in text


# Social previews and structured data ------------------------------------------------------------


def head_of(client, url):
    return soup_of(client.get(url)).head


def test_open_graph_and_twitter_cards_use_the_social_crop_and_its_alt_text(client, site):
    with translation.override("en"):
        head = head_of(client, site["both"].get_absolute_url())
    meta = {
        m.get("property") or m.get("name"): m["content"]
        for m in head.find_all("meta")
        if m.has_attr("content")
    }
    assert meta["og:title"] == "On the defence industry"
    assert meta["og:locale"] == "en_GB"
    assert meta["og:locale:alternate"] == "uk_UA"
    assert meta["og:image"].startswith("http://testserver/renditions/jrs-5105/social.jpg?v=")
    assert meta["og:image:alt"] == "Two officials at a table"
    assert meta["twitter:card"] == "summary_large_image"
    assert client.get(urlsplit(meta["og:image"]).path).status_code == 200


def structured(client, url):
    script = head_of(client, url).find("script", type="application/ld+json")
    return json.loads(script.string)


def test_json_ld_describes_the_news_article_and_its_translation(client, site):
    release = site["both"]
    with translation.override("uk"):
        uk_url = "http://testserver" + release.get_absolute_url()
    with translation.override("en"):
        en_url = "http://testserver" + release.get_absolute_url()
    original = structured(client, urlsplit(uk_url).path)
    translated = structured(client, urlsplit(en_url).path)
    assert original["@type"] == translated["@type"] == "NewsArticle"
    assert original["headline"] == "Про оборонну промисловість"
    assert original["inLanguage"] == "uk" and translated["inLanguage"] == "en"
    assert original["datePublished"] == "2025-02-20T16:00:00+02:00"  # Kyiv time
    assert original["dateModified"]
    assert original["publisher"]["name"]
    assert original["image"][0].startswith("http://testserver/renditions/jrs-5105/social.jpg")
    assert original["workTranslation"] == [
        {"@type": "NewsArticle", "@id": en_url, "url": en_url, "inLanguage": "en"}
    ]
    assert translated["translationOfWork"]["@id"] == uk_url
    assert "workTranslation" not in translated


def test_json_ld_of_a_one_language_release_names_no_translation(client, site):
    data = structured(client, site["ukrainian"].get_absolute_url())
    assert "workTranslation" not in data and "translationOfWork" not in data


def test_json_ld_cannot_be_broken_out_of_by_a_title(client):
    release = make_release(title_en='</script><script>alert("x")</script>')
    add_paragraph(release)
    with translation.override("en"):
        page = client.get(release.get_absolute_url()).content.decode()
    # The article and its breadcrumbs, as JSON-LD; nothing broke out of either.
    assert page.count("<script") - page.count('<script src="/static/') == 2
    data = structured(client, "/en/releases/" + release.slug_en + "/")
    assert data["headline"] == '</script><script>alert("x")</script>'


def test_feeds_of_tags_officials_and_countries_only_on_drafts_do_not_exist(client, db):
    draft = make_release(published=False, title_uk="Таємне", title_en="Secret")
    draft.tags.add(make_tag("Таємна тема", "Secret topic"))
    official = make_official(name_uk="Невідомий гість", name_en="Unknown guest")
    make_position(official, country="JP")
    draft.officials.add(official)
    draft.countries.add(make_country("JP"))
    for url in (
        "/en/tags/secret-topic/rss/",
        "/en/officials/unknown-guest/atom/",
        "/en/countries/jp/rss/",
    ):
        assert client.get(url).status_code == 404, url
    public = make_release(title_en="Public")
    public.countries.add(make_country("JP"))
    page = client.get("/en/countries/jp/").content.decode()
    assert "Unknown guest" not in page
