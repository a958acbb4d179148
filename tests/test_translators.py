"""Translators' tools: the catalogues, their checks, and editing them in the browser."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from mod_press.interface_strings.catalogues import (
    catalogue_problems,
    markup_problems,
    placeholder_problems,
    reload_catalogues,
)

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

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = {lang: ROOT / "locale" / lang / "LC_MESSAGES" / "django.po" for lang in ("uk", "en")}


# The catalogues themselves ------------------------------------------------------------------


@pytest.mark.parametrize("language", ["uk", "en"])
def test_placeholders_and_markup_are_the_same_in_source_and_translation(language):
    catalogue = polib.pofile(str(CATALOGUES[language]))
    problems = [p for entry in catalogue for p in catalogue_problems(entry)]
    assert problems == []


@pytest.mark.parametrize(
    "translation",
    [
        'Фото: %(credit)s<img src=x onerror="alert(1)">',
        "Фото: %(credit)s<script>alert(1)</script>",
        "Фото: %(credit)s <b>жирно</b>",
    ],
)
def test_markup_check_catches_html_a_translation_adds(translation):
    assert markup_problems(polib.POEntry(msgid="Photo: %(credit)s", msgstr=translation))


def test_markup_check_allows_the_sources_own_markup():
    entry = polib.POEntry(
        msgid="Read <strong>this</strong>", msgstr="Прочитайте <strong>це</strong>"
    )
    assert markup_problems(entry) == []


def test_placeholder_check_catches_a_changed_placeholder():
    entry = polib.POEntry(msgid="Photo: %(credit)s", msgstr="Фото: %(author)s")
    assert placeholder_problems(entry)
    braces = polib.POEntry(msgid="as {code}: {link}", msgstr="як {code}")
    assert placeholder_problems(braces)


def test_ukrainian_catalogue_is_complete_and_nothing_is_fuzzy():
    catalogue = polib.pofile(str(CATALOGUES["uk"]))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert catalogue.percent_translated() == 100


def test_catalogues_hold_every_string_of_the_code(tmp_path):
    """makemessages, run on a copy of the project, finds no string the catalogue lacks."""
    for name in ("mod_press", "releases", "templates", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "uk", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        check=True,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "mod_press.settings.test"},
    )
    before = {e.msgid for e in polib.pofile(str(CATALOGUES["uk"]))}
    after = {e.msgid for e in polib.pofile(str(tmp_path / "locale/uk/LC_MESSAGES/django.po"))}
    assert after - before == set()


def glossary():
    text = (ROOT / "docs" / "translators.md").read_text(encoding="utf-8")
    section = text.split("## Glossary", 1)[1]
    rows = re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|$", section, flags=re.M)
    return [(en, uk) for en, uk in rows if en not in ("English", "---")]


def stems(term: str) -> list[str]:
    """The beginnings of the words of a Ukrainian term, to match any grammatical form."""
    return [w[: max(4, len(w) - 3)].casefold() for w in re.split(r"[\s-]+", term)]


def test_glossary_terms_are_translated_as_the_glossary_says():
    terms = glossary()
    assert len(terms) >= 10
    catalogue = polib.pofile(str(CATALOGUES["uk"]))
    wrong = []
    for entry in catalogue:
        source = re.sub(r"%\(\w+\)\w|\{\w*\}", "", entry.msgid).casefold()
        translated = (entry.msgstr or " ".join(entry.msgstr_plural.values())).casefold()
        for english, ukrainian in terms:
            if re.search(rf"\b{re.escape(english.casefold())}", source) and not all(
                stem in translated for stem in stems(ukrainian)
            ):
                wrong.append(f"{entry.msgid!r} → {translated!r}: expected «{ukrainian}»")
    assert wrong == []


# No page mixes languages -----------------------------------------------------------------------


@pytest.fixture
def site(db):
    official = make_official(name_uk="Сергій Боєв", name_en="Sergiy Boyev")
    make_position(official, title_uk="Заступник Міністра", title_en="Deputy Minister")
    release = make_release(
        title_uk="Зустріч у Києві", title_en="A meeting in Kyiv", hero_photo=make_photo()
    )
    release.officials.add(official)
    release.tags.add(make_tag("Оборонна політика", "Defence policy"))
    release.countries.add(make_country("NO"))
    add_paragraph(release, uk="Сторони домовилися.", en="The sides agreed.")
    add_quote(release, official, uk="Ми разом.", en="We stand together.")
    return release


def public_pages(release, language):
    with translation.override(language):
        prefix = "" if language == "uk" else "/en"
        return [
            f"{prefix}/",
            f"{prefix}/releases/",
            f"{prefix}/releases/?year=abc",
            f"{prefix}/search/?q=test",
            release.get_absolute_url(),
            release.get_parallel_url(),
            release.officials.get().get_absolute_url(),
            release.tags.get().get_absolute_url(),
            release.countries.get().get_absolute_url(),
            release.hero_photo.get_absolute_url(),
            f"{prefix}/no-such-page/",
        ]


def visible_text(html, language):
    """The page's text, minus what it marks as another language and minus scripts."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(["script", "style"]):
        element.decompose()
    for element in soup.find_all(attrs={"lang": True}):
        if element.name != "html" and element["lang"] != language:
            element.decompose()
    return soup.body.get_text(" ", strip=True)


def english_interface_strings():
    catalogue = polib.pofile(str(CATALOGUES["uk"]))
    return {
        re.sub(r"%\(\w+\)[sd]|\{\w*\}|%[sd]", "", e.msgid).strip(" .:")
        for e in catalogue
        if e.msgstr and e.msgstr != e.msgid and len(e.msgid) >= 4 and re.search("[a-z]", e.msgid)
    }


def test_ukrainian_pages_show_no_english_interface_string(client, site):
    strings = {s for s in english_interface_strings() if len(s) >= 4}
    for url in public_pages(site, "uk"):
        text = visible_text(client.get(url).content, "uk")
        leaked = [s for s in strings if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text)]
        assert leaked == [], url


def test_english_pages_show_no_ukrainian_text(client, site):
    for url in public_pages(site, "en"):
        text = visible_text(client.get(url).content, "en")
        assert re.findall(r"[А-Яа-яІіЇїЄєҐґ]+", text) == [], url


# Editing in the browser -----------------------------------------------------------------------


@pytest.fixture
def catalogues(settings, tmp_path):
    """The project's catalogues, copied, so that a test may change them."""
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    # Rosetta also looks beside the settings package; keep its hands off the real files.
    settings.ROSETTA_EXCLUDED_PATHS = [str(ROOT / "locale")]
    for language in ("uk", "en"):
        po = polib.pofile(str(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po"))
        po.save_as_mofile(str(tmp_path / "locale" / language / "LC_MESSAGES" / "django.mo"))
    reload_catalogues()
    yield tmp_path / "locale"
    reload_catalogues()


def test_only_translators_open_the_string_editor(translator, press_officer):
    assert translator.get("/translations/files/project/").status_code == 200
    assert press_officer.get("/translations/files/project/").status_code == 302
    assert Client().get("/translations/files/project/").status_code == 302
    assert press_officer.get("/translations/upload/").status_code == 403


def test_other_packages_catalogues_are_not_offered(translator):
    response = translator.get("/translations/files/django/")
    assert response.status_code == 302
    assert response["Location"].endswith("/translations/files/project/")


def rosetta_form_url(client, language):
    listing = soup_of(client.get("/translations/files/project/"))
    links = [
        a["href"] for a in listing.find_all("a", href=True) if f"/project/{language}/" in a["href"]
    ]
    return links[0]


def rosetta_field(client, url, query, text):
    """The name of the string editor's field showing ``text`` once ``query`` is searched."""
    page = soup_of(client.get(url, {"query": query}))
    return next(t for t in page.find_all("textarea") if t.get_text().strip() == text)["name"]


def test_a_translator_edits_a_string_and_the_site_shows_it_at_once(client, catalogues, translator):
    real = CATALOGUES["uk"].read_bytes()
    assert "Останні пресрелізи" in client.get("/").content.decode()
    url = rosetta_form_url(translator, "uk")
    field = rosetta_field(translator, url, "Latest press releases", "Останні пресрелізи")
    response = translator.post(
        url + "?query=Latest+press+releases",
        {field: "Найсвіжіші пресрелізи"},
    )
    assert response.status_code == 302
    saved = polib.pofile(str(catalogues / "uk" / "LC_MESSAGES" / "django.po"))
    assert saved.find("Latest press releases").msgstr == "Найсвіжіші пресрелізи"
    assert "Найсвіжіші пресрелізи" in client.get("/").content.decode()
    assert CATALOGUES["uk"].read_bytes() == real


def test_a_translator_downloads_the_catalogue(catalogues, translator):
    response = translator.get(rosetta_form_url(translator, "en") + "download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def upload(language, text):
    return {
        "language": language,
        "catalogue": SimpleUploadedFile("django.po", text.encode(), "text/x-gettext-translation"),
    }


def test_a_catalogue_translated_in_a_desktop_tool_is_taken_back(client, catalogues, translator):
    po = polib.pofile(str(catalogues / "en" / "LC_MESSAGES" / "django.po"))
    po.find("Latest press releases").msgstr = "Newest press releases"
    po.append(polib.POEntry(msgid="A string the code does not have", msgstr="Ignored"))
    response = translator.post("/translations/upload/", upload("en", str(po)))
    assert response.status_code == 302
    saved = polib.pofile(str(catalogues / "en" / "LC_MESSAGES" / "django.po"))
    assert saved.find("Latest press releases").msgstr == "Newest press releases"
    assert saved.find("A string the code does not have") is None
    assert "Newest press releases" in client.get("/en/").content.decode()


def test_an_uploaded_catalogue_with_a_broken_placeholder_is_refused(catalogues, translator):
    po = polib.pofile(str(catalogues / "uk" / "LC_MESSAGES" / "django.po"))
    po.find("Photo: %(credit)s").msgstr = "Фото: %(author)s"
    response = translator.post("/translations/upload/", upload("uk", str(po)))
    assert response.status_code == 200
    assert "%(author)s" in soup_of(response).find(class_="errorlist").get_text()
    saved = polib.pofile(str(catalogues / "uk" / "LC_MESSAGES" / "django.po"))
    assert saved.find("Photo: %(credit)s").msgstr == "Фото: %(credit)s"


def test_a_file_that_is_not_a_catalogue_is_refused(catalogues, translator):
    response = translator.post("/translations/upload/", upload("uk", "\x00\x01 not a po file"))
    assert response.status_code == 200
    assert soup_of(response).find(class_="errorlist")


def test_markup_typed_in_the_string_editor_is_not_saved(client, catalogues, translator):
    url = rosetta_form_url(translator, "uk")
    field = rosetta_field(translator, url, "Photo: %(credit)s", "Фото: %(credit)s")
    translator.post(
        url + "?query=Photo", {field: 'Фото: %(credit)s<img src=x onerror="alert(1)">'}
    )
    saved = polib.pofile(str(catalogues / "uk" / "LC_MESSAGES" / "django.po"))
    assert saved.find("Photo: %(credit)s").msgstr == "Фото: %(credit)s"


def test_an_uploaded_catalogue_with_markup_is_refused(catalogues, translator):
    po = polib.pofile(str(catalogues / "uk" / "LC_MESSAGES" / "django.po"))
    po.find("Photo: %(credit)s").msgstr = "Фото: %(credit)s<script>alert(1)</script>"
    response = translator.post("/translations/upload/", upload("uk", str(po)))
    assert response.status_code == 200
    saved = polib.pofile(str(catalogues / "uk" / "LC_MESSAGES" / "django.po"))
    assert saved.find("Photo: %(credit)s").msgstr == "Фото: %(credit)s"


def test_an_uploaded_file_naming_a_server_path_is_not_read_from_disk(catalogues, translator):
    ukrainian = catalogues / "uk" / "LC_MESSAGES" / "django.po"
    before = ukrainian.read_bytes()
    # The English catalogue's path as the whole content: read as a path, it would pour
    # the English texts into the Ukrainian catalogue.
    translator.post(
        "/translations/upload/", upload("uk", str(catalogues / "en" / "LC_MESSAGES" / "django.po"))
    )
    assert ukrainian.read_bytes() == before


def test_a_new_version_merges_its_strings_and_keeps_translators_edits(tmp_path, settings):
    from django.core.management import call_command

    live = tmp_path / "live"
    shutil.copytree(ROOT / "locale", live, ignore=shutil.ignore_patterns("*.mo"))
    shipped = tmp_path / "shipped"
    shutil.copytree(ROOT / "locale", shipped, ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [live]
    edited = polib.pofile(str(live / "uk/LC_MESSAGES/django.po"))
    edited.find("Latest press releases").msgstr = "Найсвіжіші пресрелізи"
    edited.save()
    new_version = polib.pofile(str(shipped / "uk/LC_MESSAGES/django.po"))
    new_version.append(polib.POEntry(msgid="A string of the new version", msgstr="Новий рядок"))
    new_version.save()

    call_command("sync_catalogues", str(shipped), verbosity=0)

    merged = polib.pofile(str(live / "uk/LC_MESSAGES/django.po"))
    assert merged.find("Latest press releases").msgstr == "Найсвіжіші пресрелізи"
    assert merged.find("A string of the new version").msgstr == "Новий рядок"
    assert (live / "uk/LC_MESSAGES/django.mo").exists()


def test_a_quote_mark_that_would_break_out_of_an_attribute_is_refused():
    entry = polib.POEntry(
        msgid="Language of the admin", msgstr='x" autofocus onfocus="alert(document.domain)'
    )
    assert markup_problems(entry)


def test_string_editor_empties_a_plural_form_that_adds_markup():
    from mod_press.interface_strings.signals import refuse_markup

    entry = polib.POEntry(
        msgid="%(counter)s release found.",
        msgid_plural="%(counter)s releases found.",
        msgstr_plural={
            0: "Знайдено %(counter)s реліз.",
            1: '%(counter)s <meta http-equiv="refresh">',
        },
    )
    refuse_markup(sender=entry, old_msgstr="")
    assert entry.msgstr_plural[0] == "Знайдено %(counter)s реліз."
    assert entry.msgstr_plural[1] == ""
    assert "fuzzy" in entry.flags


def test_an_upload_cannot_smuggle_markup_under_a_made_up_plural(catalogues, translator):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(
        polib.POEntry(
            msgid="%(counter)s release found.",
            msgid_plural='%(counter)s <meta http-equiv="refresh" content="0">',
            msgstr_plural={
                0: '%(counter)s <meta http-equiv="refresh" content="0">',
                1: '%(counter)s <meta http-equiv="refresh" content="0">',
                2: '%(counter)s <meta http-equiv="refresh" content="0">',
            },
        )
    )
    ukrainian = catalogues / "uk" / "LC_MESSAGES" / "django.po"
    before = ukrainian.read_bytes()
    response = translator.post("/translations/upload/", upload("uk", str(po)))
    assert response.status_code == 200
    assert ukrainian.read_bytes() == before
