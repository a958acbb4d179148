"""The admin speaks Ukrainian in the Ukrainian admin, and the translators' string editor
saves one string as a change of that string alone."""

import difflib
import re
import shutil
from datetime import timedelta
from pathlib import Path

import polib
import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.utils import timezone, translation

from mod_press.interface_strings.catalogues import reload_catalogues, save_catalogue
from releases.models import PreviewLink
from releases.roles import EDITOR, PRESS_OFFICER, TRANSLATOR

from .factories import (
    add_paragraph,
    add_photo_block,
    add_quote,
    make_country,
    make_official,
    make_photo,
    make_position,
    make_release,
    make_tag,
)

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


# Every admin page each role reaches, in Ukrainian --------------------------------------------

# Names and codes that are the same in both languages.
ALLOWED_WORDS = {
    "Aegis", "Authenticator", "FreeOTP", "Google", "Microsoft",  # authenticator apps
    "WebP", "slug", "django",  # a format; the address part ("адреса (slug)"); django.po
    "YouTube",  # the one host a release's videos come from, by its name
}  # fmt: skip
# Codes: JPEG, PNG, GPS, EXIF, a two-step secret's groups of letters.
CODE = re.compile(r"^[A-Z0-9]{2,}$")
SKIPPED = ("/logout/", "/download/", "/admin/r/", "/admin/jsi18n/", "/autocomplete/", "/delete/")


@pytest.fixture
def desk(db):
    """Some of everything the press staff see: a release of each kind, with all it shows."""
    officer = get_user_model().objects.create_user("officer", "officer@example.org", "pw")
    official = make_official(name_uk="Сергій Боєв", name_en="Sergiy Boyev")
    make_position(official, title_uk="Заступник Міністра", title_en="Deputy Minister")
    photo = make_photo(caption_uk="Зустріч", caption_en="Meeting")
    published = make_release(hero_photo=photo, created_by=officer)
    draft = make_release(published=False, created_by=officer)
    for release in (published, draft):
        release.officials.add(official)
        release.tags.add(make_tag())
        release.countries.add(make_country("NO"))
        add_paragraph(release)
        add_quote(release, official)
        add_photo_block(release, photo)
        PreviewLink.objects.create(
            release=release, created_by=officer, expires_at=timezone.now() + timedelta(days=3)
        )
    return officer


def data_strings() -> set[str]:
    """Every text value stored in the database: content, not interface."""
    values = set()
    for model in apps.get_app_config("releases").get_models():
        for obj in model.objects.all():
            for field in obj._meta.concrete_fields:
                value = getattr(obj, field.attname)
                if isinstance(value, str) and value:
                    values.add(value)
                elif isinstance(value, FieldFile) and value:
                    values.add(value.name)
    values |= {u.username for u in get_user_model().objects.all()}
    values |= {u.email for u in get_user_model().objects.all()}
    return values


def interface_text(html: bytes) -> str:
    """What a Ukrainian reader sees or hears of the page's interface, minus code and
    what the page marks as another language."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(["script", "style", "template", "code", "textarea"]):
        element.decompose()
    for element in soup.find_all(attrs={"lang": True}):
        if element.name != "html" and element["lang"] != "uk":
            element.decompose()
    spoken = [
        element[attribute]
        for attribute in ("aria-label", "title", "alt", "placeholder")
        for element in soup.find_all(attrs={attribute: True})
    ]
    buttons = [
        element.get("value", "")
        for element in soup.find_all("input", type=["submit", "button", "reset"])
    ]
    return " ".join([soup.get_text(" ", strip=True), *spoken, *buttons])


def english_words(html: bytes, data: set[str]) -> set[str]:
    # Soft hyphens split words; a file's name is a code; content goes as whole words only.
    text = interface_text(html).replace("\xad", "")
    text = re.sub(r"\S+\.(?:jpg|jpeg|png|webp)\b", " ", text)
    if data:
        content = "|".join(re.escape(v) for v in sorted(data, key=len, reverse=True))
        text = re.sub(rf"(?<!\w)(?:{content})(?!\w)", " ", text)
    # A photo's code (jrs-5106) is a code too.
    text = re.sub(r"\b[a-z]+-\d+\b", " ", text)
    words = set(re.findall(r"[A-Za-z][A-Za-z’']{2,}", text))
    return {w for w in words if w not in ALLOWED_WORDS and not CODE.match(w)}


def crawl(client: Client, starts: list[str], limit: int = 120):
    """The pages reachable from ``starts`` through links inside the admin and the string
    editor, each once (without its query string), in a fixed order."""
    queue, seen = list(starts), set(starts)
    while queue and len(seen) <= limit:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        yield url, response.content
        soup = BeautifulSoup(response.content, "html.parser")
        for link in soup.find_all("a", href=True):
            href = link["href"].split("#")[0].split("?")[0]
            if (
                href.startswith(("/admin/", "/translations/"))
                and not any(part in href for part in SKIPPED)
                and href not in seen
            ):
                seen.add(href)
                queue.append(href)


@pytest.mark.parametrize("group", [PRESS_OFFICER, EDITOR, TRANSLATOR])
def test_every_admin_page_a_role_reaches_speaks_ukrainian(desk, group):
    if group == PRESS_OFFICER:
        user = desk
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=group))
    else:
        user = get_user_model().objects.create_user(
            group.lower(), f"{group.lower()}@example.org", "pw", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    data = data_strings()
    found, visited = {}, 0
    for url, html in crawl(client, ["/admin/", "/translations/files/project/"]):
        visited += 1
        for word in english_words(html, data):
            found.setdefault(word, url)

    assert visited >= 15, "the crawl reached too few pages to say anything"
    # Each English word with the first page that shows it.
    assert found == {}


def test_the_sweep_finds_an_english_word_in_the_interface():
    """The check the sweep makes catches English, and leaves content and codes alone."""
    html = (
        "<html lang='uk'><body><p>Зберегти".encode()
        + b" <span title='Move to first position'>&#8593;</span> JPEG"
        b" <code>templates/x.html</code>"
        b" A meeting <span lang='en'>English</span></p></body></html>"
    )
    assert english_words(html, {"A meeting"}) == {"Move", "first", "position"}


# The string editor's pages ---------------------------------------------------------------------


def test_the_string_editor_names_no_path_on_the_server(db, catalogues):
    translator = signed_in(TRANSLATOR, "translator")
    url = editor_url(translator, "uk")
    pages = [translator.get("/translations/files/project/"), translator.get(url)]
    for response in pages:
        text = response.content.decode()
        assert str(catalogues) not in text and str(ROOT) not in text
        # The folder name alone is not checked: the checkout may be called "main".
        assert "LC_MESSAGES" not in text and "locale/" not in text
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


# The rest of the admin ---------------------------------------------------------------------


def test_the_app_and_its_releases_have_different_names():
    with translation.override("uk"):
        app = str(apps.get_app_config("releases").verbose_name)
        model = str(apps.get_model("releases", "Release")._meta.verbose_name_plural)
    assert app.casefold() != model.casefold()


def test_the_favicon_is_served_and_linked_in_the_admin(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")
    assert finders.find("favicon.svg")
    officer = signed_in(PRESS_OFFICER, "officer")
    page = BeautifulSoup(officer.get("/admin/").content, "html.parser")
    assert page.find("link", rel="icon")["href"].endswith("favicon.svg")
