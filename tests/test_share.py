"""Sharing and printing a release: share links built on the server, "copy link" and the
print button added by a self-hosted script, and a print stylesheet."""

from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.utils import translation

from releases.models import Release

from .factories import add_paragraph, add_photo_block, make_release, make_stored_photo
from .helpers import assert_accessible, settle, soup_of

HOSTILE_UK = 'Заява «щодо» "перемир\'я" <script>alert(1)</script> & ? # 100% + Київ'
HOSTILE_EN = 'Statement on "ceasefire" <script>alert(1)</script> & ? # 100% + O\'Neil'

SERVICES = {
    "Telegram": "https://t.me/share/url?url={url}&text={title}",
    "Facebook": "https://www.facebook.com/sharer/sharer.php?u={url}",
    "X": "https://x.com/intent/post?url={url}&text={title}",
    "e-mail": "mailto:?subject={title}&body={url}",
}


def share_links(soup):
    block = soup.find("section", class_="share")
    assert block is not None, "no share block on the page"
    return block.find_all("a")


def canonical(release, lang):
    with translation.override(lang):
        return "http://testserver" + release.get_absolute_url()


@pytest.fixture
def hostile_release(db):
    release = make_release(title_uk=HOSTILE_UK, title_en=HOSTILE_EN)
    add_paragraph(release)
    return release


@pytest.mark.parametrize("lang, title", [("uk", HOSTILE_UK), ("en", HOSTILE_EN)])
def test_share_links_carry_the_encoded_canonical_address_and_title(
    client, hostile_release, lang, title
):
    url = canonical(hostile_release, lang)
    response = client.get(url)
    assert response.status_code == 200
    hrefs = [a["href"] for a in share_links(soup_of(response))]

    expected = [
        pattern.format(url=quote(url, safe=""), title=quote(title, safe=""))
        for pattern in SERVICES.values()
    ]
    assert hrefs[:4] == expected
    # "Copy link" is, without a script, a plain link to the page itself, and says so.
    assert hrefs[4] == url


@pytest.mark.parametrize("lang, title", [("uk", HOSTILE_UK), ("en", HOSTILE_EN)])
def test_share_links_decode_to_exactly_the_title_and_address(client, hostile_release, lang, title):
    url = canonical(hostile_release, lang)
    links = share_links(soup_of(client.get(url)))
    telegram, facebook, x, mail = (parse_qs(urlsplit(a["href"]).query) for a in links[:4])
    assert telegram == {"url": [url], "text": [title]}
    assert facebook == {"u": [url]}
    assert x == {"url": [url], "text": [title]}
    assert mail == {"subject": [title], "body": [url]}


def test_a_hostile_title_never_reaches_the_share_block_as_markup(client, hostile_release):
    response = client.get(canonical(hostile_release, "uk"))
    html = response.content.decode()
    block = html[
        html.index('<section class="share"') : html.index(
            "</section>", html.index('<section class="share"')
        )
    ]
    assert "<script>alert" not in block
    assert '"перемир' not in block and "«" not in block
    # Each share address is a single attribute value: nothing in the title ends it.
    assert len(share_links(soup_of(response))) == 5


@pytest.mark.parametrize(
    "lang, names",
    [
        (
            "uk",
            [
                "Поширити в Telegram",
                "Поширити у Facebook",
                "Поширити в X",
                "Надіслати електронною поштою",
                "Посилання на цей реліз",
            ],
        ),
        (
            "en",
            [
                "Share on Telegram",
                "Share on Facebook",
                "Share on X",
                "Send by e-mail",
                "Link to this release",
            ],
        ),
    ],
)
def test_share_links_say_where_they_go_in_the_page_language_and_open_in_the_same_tab(
    client, hostile_release, lang, names
):
    soup = soup_of(client.get(canonical(hostile_release, lang)))
    links = share_links(soup)
    assert [a.get_text(strip=True) for a in links] == names
    assert not any(a.has_attr("target") for a in links)
    heading = soup.find(id="share-heading").get_text(strip=True)
    assert heading == {"uk": "Поширити реліз", "en": "Share this release"}[lang]


def test_the_page_loads_no_script_from_another_site(client, hostile_release):
    soup = soup_of(client.get(canonical(hostile_release, "uk")))
    sources = [s.get("src") for s in soup.find_all("script") if s.get("src")]
    assert "/static/js/share.js" in [urlsplit(src).path for src in sources]
    assert all(not urlsplit(src).netloc for src in sources), sources
    assert not soup.find_all(onclick=True)


def test_share_links_follow_the_host_the_page_is_read_at(client, hostile_release):
    """The share block is part of the cached article: one host must not leak into another."""
    path = hostile_release.get_absolute_url()
    first = share_links(soup_of(client.get(path, HTTP_HOST="press.example.org")))[4]["href"]
    second = share_links(soup_of(client.get(path, HTTP_HOST="mirror.example.net")))[4]["href"]
    assert first == "http://press.example.org" + path
    assert second == "http://mirror.example.net" + path


def test_staff_preview_of_a_draft_offers_no_share_links(editor, db):
    draft = make_release(published=False)
    add_paragraph(draft)
    response = editor.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert draft.status == Release.Status.DRAFT
    assert soup_of(response).find("section", class_="share") is None


# In a real browser ---------------------------------------------------------------------


@pytest.fixture
def printable(db):
    """A public release with a photo in its body (caption and credit) and a linked paragraph."""
    photo = make_stored_photo("shr-0001")
    photo.caption_uk, photo.caption_en = "Підпис до світлини", "Caption of the picture"
    photo.credit_uk, photo.credit_en = "Олена Коваль", "Olena Koval"
    photo.save()
    release = make_release()
    add_paragraph(
        release,
        uk='Див. <a href="https://example.org/report">звіт</a>.',
        en='See <a href="https://example.org/report">the report</a>.',
    )
    add_photo_block(release, photo)
    return release


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang, said", [("uk", "Посилання скопійовано"), ("en", "Link copied")])
def test_copy_link_copies_the_address_and_announces_it(
    browser, live_server, printable, lang, said
):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    try:
        with translation.override(lang):
            path = printable.get_absolute_url()
        tab.goto(live_server.url + path)
        status = tab.locator(".share__status")
        assert status.get_attribute("role") == "status"
        assert status.inner_text() == ""
        tab.get_by_role(
            "link", name={"uk": "Копіювати посилання", "en": "Copy link"}[lang]
        ).click()
        tab.wait_for_function(
            "text => document.querySelector('.share__status').textContent === text", arg=said
        )
        assert tab.url == live_server.url + path  # copied, not followed
        assert tab.evaluate("navigator.clipboard.readText()") == live_server.url + path
        assert tab.locator(".share__print").is_visible()
        assert_accessible(tab)
    finally:
        settle(tab)
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_link_to_the_page_says_so_and_there_is_no_print_button(
    browser, live_server, printable
):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    try:
        url = live_server.url + printable.get_absolute_url()
        tab.goto(url)
        assert not tab.locator(".share__print").is_visible()
        tab.get_by_role("link", name="Посилання на цей реліз").click()
        tab.wait_for_load_state()
        assert tab.url == url
        assert tab.locator("h1").is_visible()
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_print_button_prints_the_page(browser, live_server, printable):
    context = browser.new_context()
    tab = context.new_page()
    try:
        tab.goto(live_server.url + printable.get_absolute_url())
        # The dialog itself is the browser's; what the page does is call window.print().
        tab.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
        tab.get_by_role("button", name="Друкувати").click()
        tab.wait_for_function("document.body.dataset.printed === 'yes'")
        assert tab.locator("img[loading=lazy]").count() == 0  # every photo loaded first
    finally:
        settle(tab)
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["uk", "en"])
def test_print_shows_the_release_and_its_photos_without_the_site_around_it(
    browser, live_server, printable, lang
):
    context = browser.new_context()
    tab = context.new_page()
    try:
        with translation.override(lang):
            path = printable.get_absolute_url()
        tab.goto(live_server.url + path)
        hidden_on_print = [
            ".site-nav",
            ".language-switcher",
            ".share",
            ".share__print",
            ".skip-link",
        ]
        shown_on_print = ["h1", ".lead", ".release__body .photo img", ".release__body figcaption"]
        assert tab.locator(".site-nav").is_visible() and tab.locator(".share").is_visible()
        # The photos are loaded, as the print button (tested above) or the browser's own
        # printing makes sure of: a lazy image not yet fetched has no size to print.
        photo = tab.locator(".release__body .photo img").first
        photo.scroll_into_view_if_needed()
        photo.evaluate("img => img.decode()")

        tab.emulate_media(media="print")
        for selector in hidden_on_print:
            assert not tab.locator(selector).first.is_visible(), selector
        for selector in shown_on_print:
            assert tab.locator(selector).first.is_visible(), selector
        caption = tab.locator(".release__body figcaption").inner_text()
        assert {"uk": "Олена Коваль", "en": "Olena Koval"}[lang] in caption
        after = tab.evaluate(
            "getComputedStyle(document.querySelector('.release__body p a'), '::after').content"
        )
        assert after == '" (https://example.org/report)"'
    finally:
        settle(tab)
        context.close()
