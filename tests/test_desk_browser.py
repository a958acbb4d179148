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
from releases.roles import EDITOR, PRESS_OFFICER

from .factories import add_paragraph, make_release
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
