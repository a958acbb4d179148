"""The admin speaks Ukrainian in the Ukrainian admin, and the translators' string editor
saves one string as a change of that string alone."""

import difflib
import re
import shutil
from pathlib import Path

import polib
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from mod_press.interface_strings.catalogues import reload_catalogues, save_catalogue
from releases.roles import TRANSLATOR

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def catalogues(settings, tmp_path):
    """A copy of the project's catalogues that the test may change (the real ones stay)."""
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    settings.ROSETTA_EXCLUDED_PATHS = [str(ROOT / "locale")]
    reload_catalogues()
    yield tmp_path / "locale"
    reload_catalogues()


def signed_in(group: str, username: str) -> Client:
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", "pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def editor_url(client: Client, language: str) -> str:
    listing = BeautifulSoup(client.get("/translations/files/project/").content, "html.parser")
    return next(
        a["href"]
        for a in listing.find_all("a", href=True)
        if re.search(rf"/translations/files/project/{language}/\d+/$", a["href"])
    )


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


# Saving keeps the catalogue's layout -------------------------------------------------------


def entry_lines(text: str, msgid_start: str) -> list[str]:
    """The lines of the entry whose msgid begins with ``msgid_start``."""
    blocks = text.split("\n\n")
    return next(b for b in blocks if msgid_start in b).splitlines()


@pytest.mark.parametrize(
    ("msgid", "translation"),
    [
        # One line, and a long one that GNU gettext wraps over several.
        ("Latest press releases", "Найсвіжіші пресрелізи"),
        (
            "A django.po file downloaded from here and translated in a desktop tool.",
            "Файл django.po, який ви завантажили тут і переклали в програмі на комп’ютері: "
            "з нього беруть лише переклади рядків, що вже є в каталозі сайту.",
        ),
    ],
)
def test_saving_one_string_in_the_editor_changes_only_the_lines_of_that_entry(
    db, catalogues, msgid, translation
):
    path = catalogues / "uk" / "LC_MESSAGES" / "django.po"
    before = path.read_text(encoding="utf-8")
    translator = signed_in(TRANSLATOR, "translator")
    url = editor_url(translator, "uk")
    page = BeautifulSoup(translator.get(url, {"query": msgid}).content, "html.parser")
    entry = polib.pofile(str(path)).find(msgid.split(" from here")[0], by="msgid")
    if entry is None:
        entry = next(e for e in polib.pofile(str(path)) if e.msgid.startswith(msgid[:40]))
    field = next(t for t in page.find_all("textarea") if t.get_text() == entry.msgstr)

    response = translator.post(f"{url}?query={msgid}", {field["name"]: translation})

    assert response.status_code == 302
    after = path.read_text(encoding="utf-8")
    assert polib.pofile(str(path)).find(entry.msgid).msgstr == translation
    old_entry = entry_lines(before, entry.msgid[:40])
    new_entry = entry_lines(after, entry.msgid[:40])
    changed = changed_lines(before, after)
    assert changed, "the file did not change"
    assert all(line[1:] in old_entry or line[1:] in new_entry for line in changed), changed
    assert len(changed) <= len(old_entry) + len(new_entry)
    # The header is left as make messages wrote it: no name, address or date of the save.
    assert before.split("\n\n")[0] == after.split("\n\n")[0]


def test_the_editor_confirms_a_save(db, catalogues):
    translator = signed_in(TRANSLATOR, "translator")
    url = editor_url(translator, "uk")
    page = BeautifulSoup(
        translator.get(url, {"query": "Latest press releases"}).content, "html.parser"
    )
    field = next(t for t in page.find_all("textarea") if t.get_text() == "Останні пресрелізи")
    response = translator.post(
        url + "?query=Latest+press+releases", {field["name"]: "Свіжі пресрелізи"}, follow=True
    )
    text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert "Збережено" in text


def test_catalogues_are_laid_out_as_make_messages_writes_them(tmp_path):
    """What a save writes, unchanged, is the file as it is: make messages and the editor agree."""
    for language in ("uk", "en"):
        path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
        copy = tmp_path / f"{language}.po"
        save_catalogue(polib.pofile(str(path)), copy)
        assert (
            changed_lines(path.read_text(encoding="utf-8"), copy.read_text(encoding="utf-8")) == []
        )


# The string editor's pages ---------------------------------------------------------------------


def test_the_string_editor_names_no_path_on_the_server(db, catalogues):
    translator = signed_in(TRANSLATOR, "translator")
    url = editor_url(translator, "uk")
    pages = [translator.get("/translations/files/project/"), translator.get(url)]
    for response in pages:
        text = response.content.decode()
        assert str(catalogues) not in text and str(ROOT) not in text
        assert "LC_MESSAGES" not in text and ROOT.name not in text
    download = translator.get(url + "download/")
    assert download["Content-Disposition"] == 'attachment; filename="mod_press-uk.zip"'


def test_the_string_editor_links_back_to_the_admin_and_offers_no_empty_filters(db, catalogues):
    translator = signed_in(TRANSLATOR, "translator")
    for url in ("/translations/files/project/", editor_url(translator, "uk")):
        page = BeautifulSoup(translator.get(url).content, "html.parser")
        links = [a["href"] for a in page.find_all("a", href=True)]
        assert "/admin/" in links
        # The other packages' catalogues are closed to translators: no filter leads there.
        assert not [link for link in links if re.search(r"/(django|third-party|all)/$", link)]


def test_the_string_editor_keeps_the_strict_content_security_policy(db, catalogues):
    translator = signed_in(TRANSLATOR, "translator")
    response = translator.get(editor_url(translator, "uk"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_editor_says_why_a_translation_with_markup_was_not_saved(db, catalogues):
    translator = signed_in(TRANSLATOR, "translator")
    url = editor_url(translator, "uk")
    listing = translator.get(url, {"query": "Latest press releases"})
    page = BeautifulSoup(listing.content, "html.parser")
    field = next(t for t in page.find_all("textarea") if t.get_text() == "Останні пресрелізи")
    response = translator.post(
        url + "?query=Latest+press+releases", {field["name"]: "<b>Свіжі</b>"}, follow=True
    )
    errors = BeautifulSoup(response.content, "html.parser").select(".messagelist .error")
    assert errors and "Не збережено" in errors[0].get_text()
    saved = polib.pofile(str(catalogues / "uk" / "LC_MESSAGES" / "django.po"))
    assert saved.find("Latest press releases").msgstr == "Останні пресрелізи"
