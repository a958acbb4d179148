"""The press officer's desk in Debian's Chromium: sending an empty release is refused on
its fields, the preview opens in a new tab from the unsaved form, long titles and the
release list read at 1280 px, and axe-core finds nothing on the desk and the form."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from releases.models import Release
from releases.roles import EDITOR, PRESS_OFFICER, TRANSLATOR

from .factories import add_paragraph, jpeg_bytes, make_release
from .helpers import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, name, role):
    """A browser context with ``name`` (of ``role``) signed in, 1280 px wide."""
    from releases.roles import ensure_roles

    ensure_roles()  # a transactional test starts from an emptied database
    user = get_user_model().objects.create_user(name, f"{name}@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return user, context


def test_sending_an_empty_release_for_review_is_refused_on_its_fields(browser, live_server):
    _user, context = signed_in(browser, live_server, "officer", PRESS_OFFICER)
    page = context.new_page()
    page.goto(live_server.url + "/admin/releases/release/add/")
    assert_accessible(page)
    page.fill("textarea[name=title_en]", "Only an English title")
    page.select_option("select[name=transition]", "submit")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert (
        page.locator(".field-title_uk .errorlist")
        .inner_text()
        .startswith("Реліз, надісланий на розгляд, потребує заголовка")
    )
    assert "потребує ліду" in page.locator(".field-lead_uk .errorlist").inner_text()
    assert "хоча б один абзац" in page.locator("#blocks-group .errorlist").first.inner_text()
    assert page.input_value("textarea[name=title_en]") == "Only an English title"
    assert not Release.objects.exists()
    assert_accessible(page)
    context.close()


def test_preview_opens_the_unsaved_form_as_the_public_page_in_a_new_tab(browser, live_server):
    user, context = signed_in(browser, live_server, "officer", PRESS_OFFICER)
    release = make_release(published=False, created_by=user, title_uk="Збережена назва")
    add_paragraph(release, uk="Збережений абзац.", en="Saved paragraph.")
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/releases/release/{release.pk}/change/")
    page.fill("textarea[name=title_uk]", "Назва, якої ще ніхто не зберіг")
    # The paragraph is written in its rich-text editor: bold with the keyboard.
    paragraph = page.locator(".prose-editor:has([name='blocks-0-text_uk']) .ProseMirror")
    paragraph.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("Абзац із ")
    page.keyboard.press("Control+b")
    page.keyboard.type("жирним")
    page.keyboard.press("Control+b")
    page.keyboard.type(" словом.")
    with context.expect_page() as opened:
        page.get_by_role("button", name="Попередній перегляд").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.locator("h1").inner_text() == "Назва, якої ще ніхто не зберіг"
    assert preview.locator(".release__body strong").inner_text() == "жирним"
    assert preview.locator(".preview-banner").is_visible()
    assert_accessible(preview)

    preview.get_by_role("button", name="Обидві мови поруч").click()
    preview.wait_for_load_state()
    cells = preview.locator(".parallel__row--head .parallel__cell")
    assert [cells.nth(i).get_attribute("lang") for i in range(cells.count())] == ["uk", "en"]
    assert cells.nth(0).locator("h2").inner_text() == "Назва, якої ще ніхто не зберіг"

    # The form is as it was left, and nothing was saved.
    assert page.input_value("textarea[name=title_uk]") == "Назва, якої ще ніхто не зберіг"
    release.refresh_from_db()
    assert release.title_uk == "Збережена назва"
    context.close()


def test_a_300_character_title_is_read_whole_at_1280_px(browser, live_server):
    _user, context = signed_in(browser, live_server, "officer", PRESS_OFFICER)
    page = context.new_page()
    page.goto(live_server.url + "/admin/releases/release/add/")
    title = ("Міністр оборони обговорив з партнерами посилення протиповітряної оборони " * 5)[:300]
    page.fill("textarea[name=title_uk]", title)
    box = page.locator("textarea[name=title_uk]")
    assert box.input_value() == title
    hidden = box.evaluate("b => b.scrollHeight - b.clientHeight")
    assert hidden <= 1, f"{hidden}px of the title are scrolled out of sight"
    context.close()


def test_editor_desk_and_release_list_at_1280_px(browser, live_server):
    _user, context = signed_in(browser, live_server, "editor", EDITOR)
    long_title = "Україна та партнери домовилися про спільне виробництво засобів ППО " * 2
    make_release(published=False, title_uk=long_title, status=Release.Status.IN_REVIEW)
    make_release(
        published=False,
        status=Release.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
    )
    for _ in range(3):
        make_release()
    page = context.new_page()
    page.goto(live_server.url + "/admin/")
    assert page.locator("#desk-awaiting + table tbody tr").count() == 1
    assert "(1 очікує на розгляд)" in page.locator(".model-release").first.inner_text()
    assert_accessible(page)

    page.goto(live_server.url + "/admin/releases/release/")
    first = page.locator("#result_list tbody tr").first
    assert first.locator(".press-status--in_review").is_visible()
    width = first.locator("th.field-__str__, td.field-__str__").bounding_box()["width"]
    assert width >= 250, f"the title column is {width}px wide"
    assert_accessible(page)
    context.close()


def test_a_release_s_whole_day_from_the_officer_to_the_public(browser, live_server, tmp_path):
    """The press office's day in one walk: the officer writes with the editor, chooses one
    photo by its caption and uploads another in place, adds a tag, previews, is refused an
    empty send and sends the real one; the editor publishes it from the desk; the
    translator corrects the English title; the public pages show it all."""
    from playwright.sync_api import expect

    from releases.models import Photo

    from .factories import make_photo
    from .helpers import write_in_the_editor

    make_photo(code="jrs-0001", caption_uk="Заступник міністра в Осло", caption_en="In Oslo")
    for photo in Photo.objects.all():  # thumbnails drawn beforehand (one SQLite writer)
        photo.make_rendition(f"w{photo.widths()[0]}", "jpg")
    _officer, officer = signed_in(browser, live_server, "officer", PRESS_OFFICER)
    page = officer.new_page()
    add_url = live_server.url + "/admin/releases/release/add/"

    # An empty release cannot be sent for review: refused on its fields.
    page.goto(add_url)
    page.select_option("select[name=transition]", "submit")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert page.locator(".field-title_uk .errorlist").count() == 1
    assert not Release.objects.exists()

    # The real one, in both languages, with bold and a link in its paragraph.
    page.goto(add_url)
    assert_accessible(page)
    page.fill("[name=title_uk]", "Заступник міністра зустрівся з делегацією Норвегії")
    page.fill("[name=title_en]", "Deputy minister meets a Norwegian delegaton")
    page.fill("[name=lead_uk]", "Обговорили спільне виробництво.")
    page.fill("[name=lead_en]", "They discussed joint production.")
    page.locator(".press-blocks .add-row a").click()
    write_in_the_editor(
        page, 0, "uk", "Сторони обговорили ", "виробництво", "подробиці", "https://mod.gov.ua/"
    )
    # The English paragraph in bold only: links in both languages are the editor's own
    # test (tests/test_rich_text.py).
    page.locator("#blocks-0 .fieldBox.field-text_en .ProseMirror[contenteditable=true]").click()
    page.keyboard.type("The sides discussed ")
    page.keyboard.press("Control+b")
    page.keyboard.type("production")
    page.keyboard.press("Control+b")

    # The main photo, found by a word of its caption.
    hero = page.locator(".field-hero_photo [data-photo-chooser]")
    hero.locator("[data-chooser-open]").click()
    dialog = page.locator("dialog.photo-chooser-dialog[open]")
    dialog.wait_for()
    dialog.locator("input[type=search]").fill("осло")
    dialog.locator("input[type=search]").press("Enter")
    expect(dialog.locator("[data-choose]")).to_have_count(1)
    dialog.locator("[data-choose]").click()

    # A photo block: a photo from today's shoot, uploaded in place without a code.
    page.locator(".press-blocks .add-row a").click()
    page.select_option("[name=blocks-1-kind]", "photo")
    block = page.locator("[name=blocks-1-photo]").locator("xpath=ancestor::*[@data-photo-chooser]")
    block.locator("[data-chooser-open]").click()
    dialog.wait_for()
    dialog.locator("summary").click()
    photo_file = tmp_path / "Делегація в Києві.jpg"
    photo_file.write_bytes(jpeg_bytes((320, 240), "#35577d"))
    dialog.locator("input[type=file]").set_input_files(photo_file)
    for name, text in (
        ("caption_uk", "Делегація в Києві"),
        ("caption_en", "The delegation in Kyiv"),
        ("alt_uk", "Учасники зустрічі за столом"),
        ("alt_en", "The participants at the table"),
    ):
        dialog.locator(f"[name={name}]").fill(text)
    dialog.locator("[data-chooser-upload-form] [type=submit]").click()
    page.wait_for_selector("dialog.photo-chooser-dialog", state="hidden")

    # A new tag, named in both languages in the admin's pop-up.
    with officer.expect_page() as opened:
        page.click("#add_id_tags")
    popup = opened.value
    popup.wait_for_load_state()
    popup.fill("[name=name_uk]", "Оборонна промисловість")
    popup.fill("[name=name_en]", "Defence industry")
    popup.click("input[name=_save]")
    popup.wait_for_event("close")

    # The preview shows the unsaved form as the public page.
    with officer.expect_page() as opened:
        page.get_by_role("button", name="Попередній перегляд").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.locator("h1").inner_text().startswith("Заступник міністра зустрівся")
    assert preview.locator(".release__body strong").first.inner_text() == "виробництво"
    preview.close()
    assert not Release.objects.exists()

    # Sent for review.
    page.select_option("select[name=transition]", "submit")
    with page.expect_navigation():
        page.click("input[name=_save]")
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert page.locator(".messagelist .success").count() == 1, errors
    release = Release.objects.get()
    assert release.status == Release.Status.IN_REVIEW
    assert [t.name_en for t in release.tags.all()] == ["Defence industry"]
    assert release.hero_photo.code == "jrs-0001"
    assert release.blocks.get(kind="photo").photo.code == "jrs-0002"

    # The editor finds it on the desk and publishes it.
    _editor, editor = signed_in(browser, live_server, "editor", EDITOR)
    desk = editor.new_page()
    desk.goto(live_server.url + "/admin/")
    assert_accessible(desk)
    with desk.expect_navigation():
        desk.get_by_role("link", name=release.title_uk).first.click()
    desk.select_option("select[name=transition]", "publish")
    with desk.expect_navigation():
        desk.click("input[name=_save]")
    release.refresh_from_db()
    assert release.status == Release.Status.PUBLISHED

    # The translator corrects the English title.
    _translator, translator = signed_in(browser, live_server, "translator", TRANSLATOR)
    desk = translator.new_page()
    desk.goto(f"{live_server.url}/admin/releases/release/{release.pk}/change/")
    desk.fill("[name=title_en]", "Deputy minister meets a Norwegian delegation")
    with desk.expect_navigation():
        desk.click("input[name=_save]")
    release.refresh_from_db()
    assert release.title_en == "Deputy minister meets a Norwegian delegation"

    # The public pages show it all, in each language.
    reader = browser.new_page()
    for prefix, title, bold, tag in (
        ("", release.title_uk, "виробництво", "Оборонна промисловість"),
        ("/en", "Deputy minister meets a Norwegian delegation", "production", "Defence industry"),
    ):
        reader.goto(live_server.url + prefix + release.get_absolute_url().removeprefix("/en"))
        assert reader.locator("h1").inner_text() == title
        assert reader.locator("main strong", has_text=bold).count() == 1
        assert reader.locator("main a[href^='https://mod.gov.ua/']").count() == (not prefix)
        assert reader.locator("main img[src*='/renditions/jrs-0001/']").count() >= 1
        assert reader.locator("main img[src*='/renditions/jrs-0002/']").count() == 1
        assert reader.locator("main", has_text=tag).count() == 1
    reader.close()
    for context in (officer, editor, translator):
        context.close()
