"""The photo chooser in Debian's Chromium: choosing by search, uploading in place, saving."""

import pytest

from .factories import jpeg_bytes, make_photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer(browser, live_server):
    """A press officer's browser tab, signed in, 1280 pixels wide."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from releases.roles import PRESS_OFFICER, ensure_roles

    ensure_roles()
    user = get_user_model().objects.create_user("officer", password="secret-pw-1", is_staff=True)
    user.groups.add(Group.objects.get(name=PRESS_OFFICER))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # A script or style the Content-Security-Policy blocks, or a failed request, shows here.
    page.console_errors = []
    # (The admin has no favicon yet: that 404 is not the chooser's.)
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not m.location.get("url", "").endswith("/favicon.ico")
            and page.console_errors.append(f"{m.text} {m.location}")
        ),
    )
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", "secret-pw-1")
    with page.expect_navigation():
        page.click("input[type=submit]")
    yield page
    page.wait_for_load_state("networkidle")
    context.close()
    assert page.console_errors == [], "\n".join(page.console_errors)


def assert_chooser_accessible(page):
    """axe-core on the chooser: its fields in the form and, when open, its dialog.

    Scoped to them: the rest of the release form is checked with the admin's pages.
    """
    from axe_playwright_python.sync_playwright import Axe

    include = [[".photo-chooser"]]
    if page.locator("dialog.photo-chooser-dialog[open]").count():
        include.append(["dialog.photo-chooser-dialog"])
    before = len(page.console_errors)
    results = Axe().run(page, context={"include": include})
    # axe-core applies styles of its own, which the policy blocks: not the page's errors.
    del page.console_errors[before:]
    assert results.violations_count == 0, results.generate_report()


def test_officer_chooses_a_photo_by_caption_and_uploads_one_in_place(
    officer, live_server, tmp_path
):
    from playwright.sync_api import expect

    from releases.models import Photo, Release

    make_photo(code="jrs-0001", caption_uk="Міністр оборони в Харкові", caption_en="In Kharkiv")
    library = [make_photo(code=f"arch-{n:04d}", caption_uk=f"Архівне фото {n}") for n in range(3)]
    # Thumbnails drawn beforehand: the live server's threads share one in-memory SQLite
    # database, which cannot take several drawings at once (PostgreSQL can).
    for photo in [*library, Photo.objects.get(code="jrs-0001")]:
        photo.make_rendition(f"w{photo.widths()[0]}", "jpg")
    officer.goto(live_server.url + "/admin/releases/release/add/")
    officer.fill("[name=title_uk]", "Міністр відвідав Харків")
    officer.fill("[name=lead_uk]", "Міністр оборони зустрівся з військовими.")

    # The main photo: found by a word of its caption, in another case.
    hero = officer.locator(".field-hero_photo [data-photo-chooser]")
    assert not officer.locator("select[name=hero_photo]").is_visible()
    hero.locator("[data-chooser-open]").click()
    dialog = officer.locator("dialog.photo-chooser-dialog[open]")
    dialog.wait_for()
    assert dialog.locator("[data-choose]").count() == 4
    search = dialog.locator("input[type=search]")
    expect(search).to_be_focused()
    search.fill("харкові")
    search.press("Enter")
    expect(dialog.locator("[data-choose]")).to_have_count(1)
    assert "Знайдено 1 фото." in dialog.locator("[data-chooser-status]").inner_text()
    assert_chooser_accessible(officer)
    dialog.locator("[data-choose]").click()
    assert not officer.locator("dialog[open]").count()
    chosen = hero.locator("[data-chosen]")
    assert "Міністр оборони в Харкові" in chosen.inner_text()
    assert "/renditions/jrs-0001/" in chosen.locator("img").get_attribute("src")
    expect(hero.locator("[data-chooser-open]")).to_be_focused()

    # Escape closes the dialog and gives the focus back.
    hero.locator("[data-chooser-open]").click()
    dialog.wait_for()
    officer.keyboard.press("Escape")
    officer.wait_for_selector("dialog.photo-chooser-dialog", state="hidden")
    expect(hero.locator("[data-chooser-open]")).to_be_focused()

    # A photo block: a new photo uploaded in place, with an empty code and a Cyrillic name.
    officer.locator(".press-blocks .add-row a").click()
    officer.select_option("[name=blocks-0-kind]", "photo")
    block = officer.locator("[name=blocks-0-photo]").locator(
        "xpath=ancestor::*[@data-photo-chooser]"
    )
    block.locator("[data-chooser-open]").click()
    dialog.wait_for()
    dialog.locator("summary").click()
    photo_file = tmp_path / "Навчання під Харковом.jpg"
    photo_file.write_bytes(jpeg_bytes((320, 240), "#5a7d35"))
    dialog.locator("input[type=file]").set_input_files(photo_file)
    assert dialog.locator("[name=code]").input_value() == ""
    assert dialog.locator("[name=code]").get_attribute("placeholder") == "jrs-0002"
    dialog.locator("[name=caption_uk]").fill("Навчання під Харковом")
    dialog.locator("[name=alt_uk]").fill("Військові біля техніки в полі")
    assert_chooser_accessible(officer)
    dialog.locator("[data-chooser-upload-form] [type=submit]").click()
    officer.wait_for_selector("dialog.photo-chooser-dialog", state="hidden")
    assert "Навчання під Харковом" in block.locator("[data-chosen]").inner_text()
    assert "jrs-0002" in block.locator("[data-chosen]").inner_text()

    with officer.expect_navigation():
        officer.click("input[name=_continue]")
    errors = officer.locator(".errornote, .errorlist").all_inner_texts()
    assert officer.locator(".messagelist .success").count() == 1, errors
    release = Release.objects.get()
    assert release.hero_photo.code == "jrs-0001"
    assert release.blocks.get().photo.code == "jrs-0002"
    assert release.blocks.get().photo.alt_uk == "Військові біля техніки в полі"
    # Opened again, the release shows both photos by sight.
    images = officer.locator("[data-photo-chooser] [data-chosen] img")
    assert images.count() == 2
    # The body comes before the main photo in the form: any order.
    sources = sorted(images.nth(i).get_attribute("src") for i in range(2))
    assert "/renditions/jrs-0001/" in sources[0] and "/renditions/jrs-0002/" in sources[1]
    for i in range(2):
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
    assert_chooser_accessible(officer)


def test_an_upload_refused_in_the_chooser_keeps_the_text_and_names_the_error(
    officer, live_server, tmp_path
):
    from playwright.sync_api import expect

    officer.goto(live_server.url + "/admin/releases/release/add/")
    officer.locator(".field-hero_photo [data-chooser-open]").click()
    dialog = officer.locator("dialog.photo-chooser-dialog[open]")
    dialog.wait_for()
    dialog.locator("summary").click()
    page_file = tmp_path / "сторінка.jpg"
    page_file.write_bytes(b"<html><script>alert(1)</script></html>")
    dialog.locator("input[type=file]").set_input_files(page_file)
    dialog.locator("[name=caption_uk]").fill("Підпис, що не має пропасти")
    dialog.locator("[data-chooser-upload-form] [type=submit]").click()
    error = dialog.locator(".field-image .errorlist")
    error.wait_for()
    assert "сторінка.jpg" in error.inner_text()
    assert dialog.locator("[name=caption_uk]").input_value() == "Підпис, що не має пропасти"
    expect(dialog.locator("input[type=file]")).to_be_focused()
    assert_chooser_accessible(officer)
