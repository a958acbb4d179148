"""Plain helpers the test modules share: reading pages and forms, signing in, running things.

Fixtures are in ``conftest.py``, objects in ``factories.py``, image files in ``images.py``.
"""

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_tasks_db.management.commands.db_worker import Worker

ROOT = Path(__file__).resolve().parent.parent

# Pages and forms -----------------------------------------------------------------------------


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def field_errors(response, field):
    """The error messages shown next to ``field`` of the main form."""
    row = soup_of(response).find(class_=f"field-{field}")
    assert row is not None, f"no row for {field}"
    return " ".join(e.get_text(" ", strip=True) for e in row.find_all(class_="errorlist"))


def form_data(client, url, **changes):
    """What a browser would send back from the admin form at ``url``, with ``changes`` typed in."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return {**form_data_from(soup_of(response)), **changes}


def form_data_from(soup):
    """What a browser would send back from the admin form on a page already read."""
    data = {}
    form = soup.find("form", id=lambda v: v and v.endswith("_form"))
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button", "file"):
            continue
        if field.name == "textarea":
            data[name] = field.get_text().lstrip("\n")
        elif field.name == "select":
            chosen = [
                o.get("value", "") for o in field.find_all("option") if o.has_attr("selected")
            ]
            data[name] = chosen if field.has_attr("multiple") else (chosen[0] if chosen else "")
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        else:
            data[name] = field.get("value", "")
    return data


def management(prefix, total=0, initial=0):
    """The management form of the inline formset ``prefix``."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def release_form(**values):
    """A valid release add form, without blocks, with ``values`` typed over it."""
    data = {
        "title_uk": "Назва",
        "title_en": "Title",
        "lead_uk": "Лід.",
        "lead_en": "Lead.",
        "source_language": "uk",
        "transition": "",
        "published_at_0": "",
        "published_at_1": "",
        **management("blocks"),
    }
    data.update(values)
    return data


def datetime_fields(field, moment):
    """The date and the time input of ``field`` as the admin shows ``moment``, in Kyiv time."""
    local = timezone.localtime(moment)
    return {f"{field}_0": local.strftime("%d.%m.%Y"), f"{field}_1": local.strftime("%H:%M:%S")}


def upload(name, data, content_type="image/jpeg"):
    """A file as a browser sends it in a form."""
    return SimpleUploadedFile(name, data, content_type)


# Releases in the admin ------------------------------------------------------------------------


def change_url(release):
    return f"/admin/releases/release/{release.pk}/change/"


def forge_transition(client, release, name, **extra):
    """POST a transition whether or not the form offers it: the server must decide."""
    response = client.get(change_url(release))
    data = form_data(client, change_url(release)) if response.status_code == 200 else {}
    data.update({"transition": name, **extra})
    return client.post(change_url(release), data)


# Accounts ----------------------------------------------------------------------------------


def client_for(user, **options):
    """A client signed in as ``user``, without the login form; ``options`` go to ``Client``."""
    client = Client(**options)
    client.force_login(user)
    return client


def sign_in(client, username, password="pw", code=None, language="", **extra):
    """Sign in through the real login form, with a two-step ``code`` when given."""
    data = {"username": username, "password": password}
    if code is not None:
        data["otp_token"] = code
    return client.post(f"{language}/admin/login/?next=/admin/", data, **extra)


def code_for(device, offset=0):
    """The code ``device``'s authenticator app shows now, or ``offset`` steps away."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp() + offset * device.step
    return f"{totp.token():0{device.digits}d}"


# Running things ------------------------------------------------------------------------------


def run_python(*args, settings="prod", env_file="/nonexistent/.env", **variables):
    """``python *args`` in the project folder, in a process whose environment holds only
    ``variables`` and the settings module: what a deployment sets, nothing of this run's."""
    env = {
        "PATH": os.environ["PATH"],
        "ENV_FILE": env_file,
        "DJANGO_SETTINGS_MODULE": f"mod_press.settings.{settings}",
        **variables,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def run_worker():
    """Run every queued task with the database backend's own worker loop, then return."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def needs_postgresql(why):
    """Skip the test, saying ``why``, unless the suite runs on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip(why)


# The browser ----------------------------------------------------------------------------------


def settle(page):
    """Let the page's last requests (lazy images) finish before the database is reset."""
    page.wait_for_load_state("networkidle")


@contextmanager
def browser_tab(browser, *, own_scripts=True, **options):
    """A tab in a new browser context (``options`` as Playwright's ``new_context``), closed
    after its last requests. Without ``own_scripts`` the site's scripts are held back, as
    with JavaScript off, while axe-core (itself a script) can still run on the page."""
    context = browser.new_context(**options)
    if not own_scripts:
        context.route("**/static/js/**", lambda route: route.abort())
    tab = context.new_page()
    try:
        yield tab
    finally:
        settle(tab)
        context.close()


def assert_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


# The rich-text editor of a paragraph ------------------------------------------------------


def write_in_the_editor(tab, block, lang, plain, bold, linked, address, before_apply=None):
    """In block ``block``'s rich-text editor for ``lang``: type ``plain``, then ``bold`` in
    bold (Ctrl+B), then ``linked``, selected (Shift+←) and made a link with the toolbar's
    link button and its dialog."""
    box = tab.locator(f"#blocks-{block} .fieldBox.field-text_{lang}")
    editor = box.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    tab.keyboard.type(plain)
    tab.keyboard.press("Control+b")
    tab.keyboard.type(bold)
    tab.keyboard.press("Control+b")
    tab.keyboard.type(" ")
    tab.keyboard.type(linked)
    # Selected with the keyboard, as a person would: the editor sees every step of it.
    for _letter in linked:
        tab.keyboard.press("Shift+ArrowLeft")
    box.locator("button[data-name=link]:not(.disabled)").wait_for()
    box.get_by_role("button", name="Посилання (Ctrl+K)").click()
    dialog = tab.locator("dialog[open]")
    dialog.get_by_label("Адреса (https://…, mailto:…)").fill(address)
    if before_apply:
        before_apply()  # with the link dialog open
    dialog.get_by_role("button", name="Застосувати").click()
