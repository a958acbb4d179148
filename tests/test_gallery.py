"""The photo gallery of a release: plain figures linking to their photo pages without
JavaScript, and with it a self-hosted lightbox (keyboard, swipe, captions and credits in
the page's language, the download of the cleaned original)."""

from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone, translation

from releases.models import Photo, PreviewLink

from .factories import add_paragraph, add_photo_block, add_video, make_release, make_stored_photo
from .helpers import assert_accessible, browser_tab, soup_of
from .test_accessibility import nu_errors

pytestmark = pytest.mark.django_db

CAPTIONS = {
    "uk": ["Зустріч у міністерстві", "Огляд техніки", "Спільна пресконференція"],
    "en": ["A meeting at the ministry", "Equipment on show", "A joint press conference"],
}
CREDITS = {"uk": "Олена Коваль", "en": "Olena Koval"}


def captioned_photo(code, index):
    photo = make_stored_photo(code, size=(1600, 900))
    photo.caption_uk, photo.caption_en = CAPTIONS["uk"][index], CAPTIONS["en"][index]
    photo.credit_uk, photo.credit_en = CREDITS["uk"], CREDITS["en"]
    photo.alt_uk, photo.alt_en = f"Опис фото {index + 1}", f"Description of photo {index + 1}"
    photo.save()
    return photo


@pytest.fixture
def gallery(db):
    """A public release: a hero photo, a paragraph, two photo blocks."""
    hero, second, third = (captioned_photo(f"gal-000{i + 1}", i) for i in range(3))
    release = make_release(
        title_uk="Реліз із фотографіями", title_en="A release with photos", hero_photo=hero
    )
    add_photo_block(release, second)
    add_paragraph(release)
    add_photo_block(release, third)
    return release


def url_in(obj, lang, method="get_absolute_url"):
    with translation.override(lang):
        return getattr(obj, method)()


def download_url(code, lang):
    with translation.override(lang):
        return reverse("releases:photo_download", kwargs={"code": code})


def text_of(element) -> str:
    """The text in ``element``: inside a <template>, bs4's get_text() leaves it out."""
    return BeautifulSoup(element.decode_contents(), "html.parser").get_text(" ", strip=True)


# The page as the server sends it ----------------------------------------------------------


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_each_photo_links_to_its_page_and_carries_its_download(client, gallery, lang):
    soup = soup_of(client.get(url_in(gallery, lang)))
    figures = soup.select("article.release figure.photo")
    assert len(figures) == 3
    for number, figure in enumerate(figures, start=1):
        code = f"gal-000{number}"
        assert figure.a["href"] == url_in(Photo(code=code), lang)
        assert figure["data-download"] == download_url(code, lang)
        assert figure["data-download-name"] == f"{code}.jpg"
        caption = figure.figcaption.get_text(" ", strip=True)
        assert CAPTIONS[lang][number - 1] in caption and CREDITS[lang] in caption
        # Every rendition the lightbox shows is already in the page's own srcset.
        assert "w1600" in figure.find("source")["srcset"]


@pytest.mark.parametrize(
    ("lang", "strings"),
    [
        ("uk", ["Фото релізу", "{index} з {total}", "Завантажити оригінал", "Закрити"]),
        ("en", ["Photos of the release", "{index} of {total}", "Download the original", "Close"]),
    ],
)
def test_the_lightbox_comes_in_an_inert_template_in_the_pages_language(
    client, gallery, lang, strings
):
    soup = soup_of(client.get(url_in(gallery, lang)))
    template = soup.find("template", class_="gallery-template")
    dialog = template.find("dialog")
    counter = dialog.find(class_="gallery__counter")
    found = [
        dialog["aria-label"],
        counter["data-pattern"],
        text_of(dialog.find(class_="gallery__download")),
        text_of(dialog.find(class_="gallery__close")),
    ]
    assert found == strings
    steps = [text_of(b) for b in dialog.find_all(class_="gallery__step")]
    assert (
        steps
        == {
            "uk": ["‹ Попереднє фото", "› Наступне фото"],
            "en": ["‹ Previous photo", "› Next photo"],
        }[lang]
    )
    scripts = [urlsplit(s["src"]) for s in soup.find_all("script", src=True)]
    assert "/static/js/gallery.js" in [s.path for s in scripts]
    assert not any(s.netloc for s in scripts)
    assert not soup.find_all(style=True) and not soup.find_all(onclick=True)


def test_a_release_without_photos_has_no_gallery(client, db):
    release = make_release()
    add_paragraph(release)
    html = client.get(url_in(release, "uk")).content.decode()
    assert "gallery" not in html


def test_the_download_in_the_lightbox_is_the_cleaned_original_as_an_attachment(client, gallery):
    soup = soup_of(client.get(url_in(gallery, "en")))
    figure = soup.select_one("figure.photo")
    response = client.get(figure["data-download"])
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="gal-0001.jpg"'
    assert response["Content-Type"] == "image/jpeg"


def test_a_preview_link_shows_the_photos_without_the_gallery(client, db):
    photo = make_stored_photo("gal-0100")
    draft = make_release(published=False, hero_photo=photo)
    link = PreviewLink.objects.create(release=draft, expires_at=timezone.now() + timedelta(days=1))
    soup = soup_of(client.get(link.get_absolute_url()))
    figure = soup.select_one("figure.photo")
    assert figure is not None and not figure.has_attr("data-download")
    assert soup.find("template", class_="gallery-template") is None


# In a real browser ---------------------------------------------------------------------------


@contextmanager
def release_tab(browser, live_server, release, lang, **options):
    """A tab on ``release``'s page in ``lang``; ``options`` as ``browser_tab``'s."""
    with browser_tab(browser, **options) as tab:
        tab.goto(live_server.url + url_in(release, lang))
        yield tab


def counter_says(tab, text):
    tab.wait_for_function(
        "text => document.querySelector('dialog.gallery .gallery__counter').textContent === text",
        arg=text,
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_lightbox_moves_with_the_arrow_keys_and_escape_gives_the_focus_back(
    browser, live_server, gallery
):
    with release_tab(browser, live_server, gallery, "en") as tab:
        second = tab.locator(".release__body figure.photo a").first
        second.focus()
        tab.keyboard.press("Enter")
        dialog = tab.locator("dialog.gallery[open]")
        dialog.wait_for()
        counter_says(tab, "2 of 3")
        assert dialog.locator(".gallery__caption").inner_text().startswith(CAPTIONS["en"][1])
        assert "Photo: Olena Koval" in dialog.locator(".gallery__caption").inner_text()
        assert tab.evaluate("document.activeElement.className") == "gallery__close"
        download = dialog.get_by_role("link", name="Download the original")
        assert download.get_attribute("href") == download_url("gal-0002", "en")
        assert download.get_attribute("download") == "gal-0002.jpg"
        image = dialog.locator("img.gallery__image")
        assert image.get_attribute("alt") == "Description of photo 2"
        assert image.get_attribute("loading") is None

        tab.keyboard.press("ArrowRight")
        counter_says(tab, "3 of 3")
        assert dialog.locator(".gallery__caption").inner_text().startswith(CAPTIONS["en"][2])
        assert download.get_attribute("href") == download_url("gal-0003", "en")
        tab.keyboard.press("ArrowRight")
        counter_says(tab, "1 of 3")  # round to the first
        tab.keyboard.press("ArrowLeft")
        counter_says(tab, "3 of 3")
        image.evaluate("img => img.decode()")
        assert image.evaluate("img => img.naturalWidth") > 0
        assert_accessible(tab)

        # The focus stays in the lightbox, whatever the number of Tabs, either way.
        inside = "!!document.activeElement.closest('dialog.gallery')"
        for key in ["Tab"] * 6 + ["Shift+Tab"] * 6:
            tab.keyboard.press(key)
            assert tab.evaluate(inside), key

        tab.keyboard.press("Escape")
        tab.locator("dialog.gallery[open]").wait_for(state="detached")
        assert not tab.locator("dialog.gallery").is_visible()
        assert tab.evaluate(
            "document.activeElement === document.querySelectorAll('.release__body figure a')[0]"
        )
        assert tab.url == live_server.url + url_in(gallery, "en")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_lightbox_speaks_ukrainian_on_the_ukrainian_page_and_closes_with_its_button(
    browser, live_server, gallery
):
    with release_tab(browser, live_server, gallery, "uk") as tab:
        tab.locator("figure.photo a").first.click()
        counter_says(tab, "1 з 3")
        dialog = tab.locator("dialog.gallery[open]")
        assert dialog.locator(".gallery__caption").inner_text().startswith(CAPTIONS["uk"][0])
        assert "Фото: Олена Коваль" in dialog.locator(".gallery__caption").inner_text()
        dialog.get_by_role("button", name="Наступне фото").click()
        counter_says(tab, "2 з 3")
        dialog.get_by_role("button", name="Попереднє фото").click()
        counter_says(tab, "1 з 3")
        assert_accessible(tab)
        dialog.get_by_role("button", name="Закрити").click()
        tab.locator("dialog.gallery[open]").wait_for(state="detached")
        assert tab.evaluate("document.activeElement === document.querySelector('figure.photo a')")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_swipe_moves_to_the_next_and_the_previous_photo(browser, live_server, gallery):
    with release_tab(browser, live_server, gallery, "en", has_touch=True) as tab:
        tab.locator("figure.photo a").first.click()
        counter_says(tab, "1 of 3")
        # The photo drawn, so the stage has its final place before the finger moves.
        tab.wait_for_function("() => document.querySelector('.gallery__stage img')?.complete")
        box = tab.locator(".gallery__stage").bounding_box()
        middle_y = box["y"] + box["height"] / 2

        def swipe(start_x, end_x):
            tab.mouse.move(start_x, middle_y)
            tab.mouse.down()
            tab.mouse.move((start_x + end_x) / 2, middle_y, steps=3)
            tab.mouse.move(end_x, middle_y, steps=3)
            tab.mouse.up()

        swipe(box["x"] + box["width"] * 0.8, box["x"] + box["width"] * 0.2)  # to the left
        counter_says(tab, "2 of 3")
        swipe(box["x"] + box["width"] * 0.2, box["x"] + box["width"] * 0.8)  # to the right
        counter_says(tab, "1 of 3")
        # A short drag is not a swipe.
        swipe(box["x"] + box["width"] * 0.5, box["x"] + box["width"] * 0.5 + 10)
        tab.wait_for_timeout(100)
        counter_says(tab, "1 of 3")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_a_photo_is_a_link_to_its_page(browser, live_server, gallery):
    with release_tab(browser, live_server, gallery, "en", java_script_enabled=False) as tab:
        assert tab.locator("dialog").count() == 0
        tab.locator(".release__body figure.photo a").first.click()
        tab.wait_for_url("**/en/photos/gal-0002/")
        download = tab.get_by_role("link", name="Download the original")
        assert download.get_attribute("href") == download_url("gal-0002", "en")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["uk", "en"])
def test_a_release_with_a_gallery_and_a_video_passes_axe_with_and_without_javascript(
    browser, live_server, gallery, lang
):
    add_video(gallery, poster=make_stored_photo("gal-0200"))
    for javascript in (True, False):
        with release_tab(browser, live_server, gallery, lang, own_scripts=javascript) as tab:
            tab.locator(".video img").scroll_into_view_if_needed()
            assert tab.locator("a.video__poster").count() == (0 if javascript else 1)
            assert_accessible(tab)
            if javascript:
                tab.locator("figure.photo a").first.click()
                tab.locator("dialog.gallery[open] img").wait_for()
                assert_accessible(tab)


def test_a_release_with_a_gallery_and_a_video_passes_the_nu_html_checker(
    client, gallery, tmp_path
):
    add_video(gallery)
    pages = tmp_path / "pages"
    pages.mkdir()
    for lang in ("uk", "en"):
        for method in ("get_absolute_url", "get_parallel_url"):
            html = client.get(url_in(gallery, lang, method)).content
            (pages / f"{lang}-{method}.html").write_bytes(html)
    assert nu_errors(pages) == []
