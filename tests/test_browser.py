"""The site in a real browser: Debian's Chromium driven by Playwright, checked by axe-core."""

import pytest

from .helpers import assert_accessible, run_worker, settle
from .images import HTML_AS_JPEG, large_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_reads_a_release_switches_language_and_opens_the_parallel_view(tab, demo):
    tab.goto(demo + "/")
    assert tab.locator("html").get_attribute("lang") == "uk"
    assert_accessible(tab)

    tab.locator("ul.cards a").first.click()
    assert "/releases/" in tab.url and "/en/" not in tab.url
    ukrainian_title = tab.locator("h1").inner_text()
    assert_accessible(tab)

    tab.locator("nav.language-switcher a[hreflang=en]").click()
    assert tab.locator("html").get_attribute("lang") == "en"
    assert "/en/releases/" in tab.url
    assert tab.locator("h1").inner_text() != ukrainian_title
    assert_accessible(tab)

    tab.locator("p.parallel-link a").click()
    assert tab.url.endswith("/parallel/")
    cells = tab.locator(".parallel__row--head .parallel__cell")
    assert [cells.nth(i).get_attribute("lang") for i in range(cells.count())] == ["uk", "en"]
    assert cells.nth(0).locator("h2").inner_text() == ukrainian_title
    assert_accessible(tab)


def test_ukrainian_only_release_offers_the_english_home_page(tab, demo):
    tab.goto(demo + "/releases/")
    hrefs = [a.get_attribute("href") for a in tab.locator("ul.cards h2 a").all()]
    for href in hrefs:
        tab.goto(demo + href)
        if tab.locator(".language-switcher__missing").count():
            break
    else:
        pytest.fail("the demo has no release in Ukrainian only")
    assert_accessible(tab)
    tab.locator(".language-switcher__missing a").click()
    assert tab.url == demo + "/en/"
    assert tab.locator("html").get_attribute("lang") == "en"


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/releases/?year=abc",
        "/en/releases/",
        "/countries/no/",
        "/en/photos/jrs-5105/",
        "/en/no-such-page/",
    ],
)
def test_more_pages_pass_axe(tab, demo, path):
    tab.goto(demo + path)
    assert_accessible(tab)


def test_official_and_tag_pages_pass_axe(tab, demo):
    tab.goto(demo + "/en/releases/")
    tab.locator("ul.cards a").first.click()
    tab.locator("aside.facts ul li a").first.click()
    assert "/en/officials/" in tab.url
    assert_accessible(tab)
    tab.go_back()
    tab.locator("aside.facts ul.tag-list a").first.click()
    assert "/en/tags/" in tab.url
    assert_accessible(tab)


@pytest.fixture
def admin_tab(browser, demo, superuser):
    """A browser tab signed in to the admin as a superuser, 1280 pixels wide."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(demo + "/admin/login/")
    page.fill("#id_username", superuser.username)
    page.fill("#id_password", "pw")
    with page.expect_navigation():
        page.click("input[type=submit]")
    yield page
    settle(page)
    context.close()


def release_change_url(demo):
    from releases.models import Release

    release = Release.objects.public("en").order_by("pk").first()
    return f"{demo}/admin/releases/release/{release.pk}/change/", release


def shown_field(page, name):
    """The field ``name`` as the page shows it: the input, or the rich-text editor of a
    paragraph (whose textarea is hidden)."""
    editor = f".prose-editor:has([name='{name}']) .ProseMirror"
    return page.locator(f"[name='{name}']:visible, {editor}")


def test_admin_shows_both_languages_side_by_side_within_the_window(admin_tab, demo):
    url, _release = release_change_url(demo)
    admin_tab.goto(url)
    for field in ("title", "lead", "blocks-0-text"):
        uk = shown_field(admin_tab, f"{field}_uk").bounding_box()
        en = shown_field(admin_tab, f"{field}_en").bounding_box()
        assert en["x"] > uk["x"] + uk["width"] - 1, field
        assert abs(en["y"] - uk["y"]) < 5, field
        assert en["x"] + en["width"] <= 1280, field


def test_admin_block_shows_only_the_fields_of_its_kind(admin_tab, demo):
    url, release = release_change_url(demo)
    admin_tab.goto(url)
    kinds = [b.kind for b in release.blocks.all()]
    first_paragraph = kinds.index("paragraph")
    official = admin_tab.locator(f"[name=blocks-{first_paragraph}-official]")
    assert not official.is_visible()
    admin_tab.select_option(f"[name=blocks-{first_paragraph}-kind]", "quote")
    assert official.is_visible()


def test_a_block_added_in_the_admin_goes_to_the_end(admin_tab, demo):
    url, release = release_change_url(demo)
    count = release.blocks.count()
    admin_tab.goto(url)
    admin_tab.locator(".press-blocks .add-row a").click()
    shown_field(admin_tab, f"blocks-{count}-text_uk").fill("Новий завершальний абзац.")
    shown_field(admin_tab, f"blocks-{count}-text_en").fill("A new closing paragraph.")
    with admin_tab.expect_navigation():
        admin_tab.click("input[name=_continue]")
    errors = admin_tab.locator(".errornote, .errorlist").all_inner_texts()
    assert admin_tab.locator(".messagelist .success").count() == 1, errors
    assert release.blocks.last().text_en == "A new closing paragraph."
    assert release.blocks.count() == count + 1


def test_clicking_the_photo_preview_sets_the_focal_point(admin_tab, demo):
    from releases.models import Photo

    photo = Photo.objects.order_by("pk").first()
    admin_tab.goto(f"{demo}/admin/releases/photo/{photo.pk}/change/")
    preview = admin_tab.locator(".field-preview_large img")
    box = preview.bounding_box()
    preview.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    assert abs(float(admin_tab.input_value("#id_focal_x")) - 0.25) < 0.02
    assert abs(float(admin_tab.input_value("#id_focal_y")) - 0.75) < 0.02
    with admin_tab.expect_navigation():
        admin_tab.click("input[name=_continue]")
    photo.refresh_from_db()
    assert abs(photo.focal_x - 0.25) < 0.02


def test_batch_upload_states_follow_the_worker_without_a_reload(admin_tab, demo, tmp_path):
    (tmp_path / "shoot.jpg").write_bytes(large_image(21))
    (tmp_path / "page.jpg").write_bytes(HTML_AS_JPEG)
    admin_tab.goto(f"{demo}/admin/releases/photo/upload/")
    admin_tab.set_input_files("#id_files", [tmp_path / "shoot.jpg", tmp_path / "page.jpg"])
    admin_tab.fill("#id_prefix", "brw")
    with admin_tab.expect_navigation():
        admin_tab.click("input[type=submit]")
    states = admin_tab.locator("#upload-states")
    assert states.get_attribute("data-pending") == "2"
    assert "В черзі: 2" in states.locator(".upload-states-summary").inner_text()
    assert_accessible(admin_tab)
    address = admin_tab.url

    run_worker()

    # The page's script fetches the states again: no reload, no navigation.
    admin_tab.wait_for_selector("#upload-states[data-pending='0']", timeout=15000)
    assert admin_tab.url == address
    row = admin_tab.locator("#upload-states tr", has_text="shoot.jpg")
    assert "brw-0001" in row.inner_text()
    refused = admin_tab.locator("#upload-states tr", has_text="page.jpg").inner_text()
    assert "це не зображення JPEG, PNG чи WebP" in refused
    assert_accessible(admin_tab)
