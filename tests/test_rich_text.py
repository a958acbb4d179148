"""Paragraphs written with the rich-text editor: what the server keeps, what staff read."""

import json
import posixpath
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

from releases.admin.rich_text import EXTENSIONS, editor_html_to_inline
from releases.history import numbered_versions
from releases.models import Block, Release
from releases.roles import EDITOR, PRESS_OFFICER, TRANSLATOR
from releases.text import INLINE_ATTRIBUTES, INLINE_TAGS, LINK_SCHEMES

from .factories import add_paragraph, add_quote, make_official, make_release
from .helpers import form_data, soup_of, write_in_the_editor

pytestmark = pytest.mark.django_db


def client_in(group, name):
    user = get_user_model().objects.create_user(name, f"{name}@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def officer():
    return client_in(PRESS_OFFICER, "officer")


def change_url(release):
    return f"/admin/releases/release/{release.pk}/change/"


def post_block_texts(client, release, uk, en):
    data = form_data(client, change_url(release))
    data.update({"blocks-0-text_uk": uk, "blocks-0-text_en": en})
    response = client.post(change_url(release), data)
    assert response.status_code == 302, [
        e.get_text(" ", strip=True) for e in soup_of(response).find_all(class_="errorlist")
    ]
    return Block.objects.get(release=release)


def only_the_safelist(html):
    """Every tag and attribute of ``html`` is one releases/text.py allows."""
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        assert tag.name in INLINE_TAGS, (tag.name, html)
        allowed = INLINE_ATTRIBUTES.get(tag.name, set()) | ({"rel"} if tag.name == "a" else set())
        assert set(tag.attrs) <= allowed, (tag.attrs, html)
        if tag.name == "a":
            assert tag.get("href", "https:").split(":")[0] in ("http", "https", "mailto"), html


# What the editor sends, as a paragraph block stores it -----------------------------------


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("<p>Один <strong>два</strong></p>", "Один <strong>два</strong>"),
        ("<p>Рядок<br>другий</p>", "Рядок<br>другий"),
        ("<p>Перший</p><p>другий</p>", "Перший<br>другий"),
        ("<p></p><p>Текст</p><p></p>", "Текст"),
        ("<p></p>", ""),
        ("Без обгортки, як без JavaScript", "Без обгортки, як без JavaScript"),
    ],
)
def test_editor_paragraphs_are_stored_as_one_inline_paragraph(sent, stored):
    assert editor_html_to_inline(sent) == stored


def test_a_paragraph_written_in_the_editor_is_saved_without_its_p_wrapper(officer):
    client, user = officer
    release = make_release(published=False, created_by=user)
    add_paragraph(release)
    block = post_block_texts(
        client,
        release,
        uk='<p>Заява <strong>міністра</strong> на <a href="https://mod.gov.ua/">сайті</a></p>',
        en="<p>The <em>minister's</em> statement<br>in full</p>",
    )
    assert block.text_uk == (
        'Заява <strong>міністра</strong> на <a href="https://mod.gov.ua/" '
        'rel="noopener noreferrer">сайті</a>'
    )
    assert block.text_en == "The <em>minister's</em> statement<br>in full"


# Whatever is pasted or forged, only the safelist is kept ---------------------------------

WORD = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>'
    "p.MsoNormal {mso-style-parent:''; margin:0cm}</style></head><body>"
    '<p class="MsoNormal" style="mso-margin-top-alt:auto"><b style="mso-bidi-font-weight:'
    'normal"><span lang="UK" style="font-size:12.0pt;mso-fareast-language:UK">Жирний'
    '</span></b> <i><span style="mso-ansi-language:EN-US">курсив</span></i>'
    '<o:p></o:p> <font face="Times New Roman" color="red">шрифт</font>'
    '<span class="SpellE">слово</span></p></body></html>'
)
PASTED = [
    ('<p>До<script>alert("x")</script>після</p>', "Допісля"),
    ("<style>p { color: red }</style><p>Текст</p>", "Текст"),
    ('<p onclick="alert(1)" onmouseover="x()">Натисни</p>', "Натисни"),
    ('<a href="javascript:alert(1)">посилання</a>', '<a rel="noopener noreferrer">посилання</a>'),
    ('<a href="https://mod.gov.ua/" onclick="x()" target="_blank" style="color:red" '
     'class="btn">сайт</a>',
     '<a href="https://mod.gov.ua/" rel="noopener noreferrer">сайт</a>'),
    ('<img src="x" onerror="alert(1)">фото<iframe src="https://evil.example/"></iframe>',
     "фото"),
    (WORD, "<strong>Жирний</strong> <em>курсив</em> шрифтслово"),
]  # fmt: skip


@pytest.mark.parametrize(("pasted", "kept"), PASTED)
def test_pasted_html_posted_through_the_admin_keeps_only_the_safelist(officer, pasted, kept):
    client, user = officer
    release = make_release(published=False, created_by=user)
    add_paragraph(release)
    block = post_block_texts(client, release, uk=pasted, en=f"<p>{pasted}</p>")
    for text in (block.text_uk, block.text_en):
        only_the_safelist(text)
        for gone in ("script", "alert", "style", "mso-", "onclick", "javascript", "class="):
            assert gone not in text.lower(), (gone, text)
    assert block.text_uk == kept
    assert block.text_en == kept


def test_a_quote_stays_plain_text_whatever_the_editor_would_send(officer):
    client, user = officer
    release = make_release(published=False, created_by=user)
    add_quote(release, make_official())
    block = post_block_texts(
        client, release, uk="<p>Ми <strong>вистоїмо</strong></p>", en="We <em>will</em> stand"
    )
    assert block.kind == Block.Kind.QUOTE
    assert (block.text_uk, block.text_en) == ("Ми вистоїмо", "We will stand")


# The form and its files ------------------------------------------------------------------


def test_block_texts_carry_the_editor_with_exactly_the_safelist(officer):
    client, user = officer
    release = make_release(published=False, created_by=user)
    add_paragraph(release)
    add_quote(release, make_official())
    soup = soup_of(client.get(change_url(release)))
    kinds = {}
    for lang in ("uk", "en"):
        for index in (0, 1):
            textarea = soup.find("textarea", attrs={"name": f"blocks-{index}-text_{lang}"})
            options = json.loads(textarea["data-rich-text"])
            assert options["extensions"] == EXTENSIONS
            assert set(options["buttons"]) == {
                "bold", "italic", "insert link", "remove link", "undo", "redo",
            }  # fmt: skip
            kinds[index] = textarea["data-block-kind"]
    assert kinds == {0: "paragraph", 1: "quote"}
    # The toolbar speaks the page's language.
    assert json.loads(textarea["data-rich-text"])["buttons"]["bold"] == "Жирний (Ctrl+B)"


def test_the_editors_extensions_produce_exactly_the_safelist():
    """By django-prose-editor's own account of what each extension produces."""
    allowed = allowlist_from_extensions(expand_extensions(EXTENSIONS))
    assert allowed["tags"] == INLINE_TAGS | {"p"}  # <p>: unwrapped by the form
    assert allowed["url_schemes"] == LINK_SCHEMES
    assert "target" not in allowed["attributes"]["a"]


def test_the_editor_page_has_no_inline_script_or_import_map(officer):
    """The admin's Content-Security-Policy allows scripts from our own files only."""
    client, user = officer
    release = make_release(published=False, created_by=user)
    add_paragraph(release)
    response = client.get(change_url(release))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    soup = soup_of(response)
    scripts = soup.find_all("script")
    assert not [s for s in scripts if s.get("type") == "importmap"]
    for script in scripts:
        if script.get("type") != "application/json":
            source = script.get("src", "")
            assert source.startswith("/") and not source.startswith("//"), script
    modules = [s["src"] for s in scripts if s.get("type") == "module"]
    assert modules == ["/static/js/rich-text.js"]
    styles = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    assert "/static/django_prose_editor/editor.css" in styles
    assert all(href.startswith("/static/") for href in styles)
    assert not soup.find_all("style") and not soup.find_all(style=True)


def test_the_editor_script_imports_what_the_packaged_editor_exports():
    """rich-text.js reaches the editor by a relative address (no import map): the file it
    names is among our static files and exports every name it imports."""
    source = Path(finders.find("js/rich-text.js")).read_text(encoding="utf-8")
    names, address = re.search(r"import \{([^}]*)\} from \"([^\"]+)\"", source).groups()
    resolved = posixpath.normpath(posixpath.join("js", address))
    assert resolved == "django_prose_editor/editor.js"
    editor = Path(finders.find(resolved)).read_text(encoding="utf-8")
    exported = set(re.findall(r"\bas (\w+)", editor[editor.rindex("export{") :]))
    imported = {name.strip() for name in names.split(",") if name.strip()}
    assert imported <= exported, imported - exported
    for stylesheet in ("django_prose_editor/editor.css", "css/rich-text.css"):
        assert finders.find(stylesheet)


# Read-only views show formatting, never tags ----------------------------------------------


def test_translator_reads_the_original_formatted_and_sanitised(db):
    client, _user = client_in(TRANSLATOR, "translator")
    release = make_release(published=False)
    block = add_paragraph(release, uk="Текст", en="")
    # Stored before today's sanitiser, or written to the database directly: still cleaned.
    Block.objects.filter(pk=block.pk).update(
        text_uk="Заява <strong>міністра</strong><script>alert(1)</script> "
        '<a href="https://mod.gov.ua/" onclick="x()">тут</a>'
    )
    soup = soup_of(client.get(change_url(release)))
    shown = soup.find(class_="field-text_uk").find(class_="press-rich-text")
    assert shown.find("strong").get_text() == "міністра"
    assert shown.find("a")["href"] == "https://mod.gov.ua/"
    assert "onclick" not in str(shown) and not shown.find("script")
    assert "&lt;strong&gt;" not in str(soup.find(class_="field-text_uk"))
    # The English text is the translator's to write, in the editor.
    english = soup.find("textarea", attrs={"name": "blocks-0-text_en"})
    assert english["data-block-kind"] == "paragraph" and english.has_attr("data-rich-text")


def test_translator_translation_from_the_editor_is_stored_inline(db):
    client, _user = client_in(TRANSLATOR, "translator")
    release = make_release(published=False)
    add_paragraph(release, uk="Текст", en="")
    data = form_data(client, change_url(release))
    data["blocks-0-text_en"] = "<p>The <strong>text</strong></p><p>again</p>"
    response = client.post(change_url(release), data)
    assert response.status_code == 302
    assert Block.objects.get(release=release).text_en == "The <strong>text</strong><br>again"


def test_a_release_the_officer_may_only_view_shows_its_paragraphs_formatted(db):
    client, _user = client_in(PRESS_OFFICER, "officer")
    author = get_user_model().objects.create_user("colleague", "c@example.org", "pw")
    release = make_release(status=Release.Status.PUBLISHED, created_by=author)
    add_paragraph(release, uk="Заява <strong>міністра</strong>", en="The <em>minister</em>")
    add_quote(release, make_official(), uk="Слова & діла", en="Words")
    response = client.get(change_url(release))
    soup = soup_of(response)
    assert not soup.find("textarea", attrs={"name": "blocks-0-text_uk"})
    shown = [div.decode_contents() for div in soup.find_all(class_="press-rich-text")]
    assert "Заява <strong>міністра</strong>" in shown
    assert "The <em>minister</em>" in shown
    assert "Слова &amp; діла" in shown
    assert "&lt;strong&gt;" not in response.content.decode()


# In the browser ---------------------------------------------------------------------------

# Recorded from the page's first moment, before any of its own scripts run.
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def officer_tab(live_server, browser):
    user = get_user_model().objects.create_user(
        "officer", "officer@example.org", "secret-pw-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name=PRESS_OFFICER))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH_CSP)
    tab = context.new_page()
    tab.console_errors = []
    # A missing file is reported by its address (the favicon is not this test's);
    # any other error in the console, or a script's exception, by its text.
    tab.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith("/favicon.ico")
            and tab.console_errors.append(f"{r.status} {r.url}")
        ),
    )
    tab.on(
        "console",
        lambda m: (
            m.type == "error"
            and "Failed to load resource" not in m.text
            and tab.console_errors.append(f"{tab.url}: {m.text}")
        ),
    )
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    tab.goto(live_server.url + "/admin/login/")
    tab.fill("#id_username", "officer")
    tab.fill("#id_password", "secret-pw-1")
    with tab.expect_navigation():
        tab.click("input[type=submit]")
    yield tab, user
    tab.wait_for_load_state("networkidle")
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_writes_bold_and_a_link_in_both_languages_with_the_editor(officer_tab):
    tab, _user = officer_tab
    base = tab.url.split("/admin/")[0]
    tab.goto(base + "/admin/releases/release/add/")
    tab.fill("[name=title_uk]", "Міністр відвідав Харків")
    tab.fill("[name=title_en]", "The minister visited Kharkiv")
    tab.fill("[name=lead_uk]", "Робоча поїздка.")
    tab.fill("[name=lead_en]", "A working visit.")
    tab.locator(".press-blocks .add-row a").click()
    toolbar = tab.locator("#blocks-0 .fieldBox.field-text_uk .prose-menubar")
    toolbar.get_by_role("button", name="Жирний (Ctrl+B)").wait_for()
    write_in_the_editor(
        tab,
        0,
        "uk",
        "Міністр зустрівся з ",
        "військовими",
        "подробиці",
        "https://mod.gov.ua/",
        before_apply=lambda: assert_accessible(tab, "dialog[open]"),
    )
    write_in_the_editor(
        tab, 0, "en", "The minister met ", "the troops", "details", "https://mod.gov.ua/en/"
    )
    # The body's blocks, where the editor is (the rest of the form is checked elsewhere).
    assert_accessible(tab, "#blocks-group")

    with tab.expect_navigation():
        tab.click("input[name=_continue]")
    errors = tab.locator(".errornote, .errorlist").all_inner_texts()
    assert tab.locator(".messagelist .success").count() == 1, errors
    release = Release.objects.get(title_uk="Міністр відвідав Харків")
    block = release.blocks.get()
    assert block.text_uk == (
        'Міністр зустрівся з <strong>військовими</strong> <a href="https://mod.gov.ua/" '
        'rel="noopener noreferrer">подробиці</a>'
    )
    assert block.text_en == (
        'The minister met <strong>the troops</strong> <a href="https://mod.gov.ua/en/" '
        'rel="noopener noreferrer">details</a>'
    )
    # Saved and opened again, the editor shows the formatting, not tags.
    shown = tab.locator("#blocks-0 .fieldBox.field-text_uk .ProseMirror")
    assert shown.locator("strong").inner_text() == "військовими"
    assert "<strong>" not in shown.inner_text()

    # Published, the public page shows the same in each language.
    release.status = Release.Status.PUBLISHED
    release.published_at = timezone.now()
    release.save()
    for prefix, bold, href in (("", "військовими", "https://mod.gov.ua/"),
                               ("/en", "the troops", "https://mod.gov.ua/en/")):  # fmt: skip
        tab.goto(base + prefix + release.get_absolute_url().removeprefix("/en"))
        body = tab.locator("main")
        assert body.locator("strong", has_text=bold).count() == 1
        assert body.locator(f'a[href="{href}"]').count() == 1

    assert tab.evaluate("window.cspViolations") == []
    assert tab.console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_editor_follows_the_kind_of_block_and_leaves_quotes_plain(officer_tab):
    tab, user = officer_tab
    base = tab.url.split("/admin/")[0]
    release = make_release(published=False, created_by=user)
    add_paragraph(release, uk="Абзац з <strong>жирним</strong>", en="A <em>paragraph</em>")
    tab.goto(base + change_url(release))
    row = tab.locator("#blocks-0 .fieldBox.field-text_uk")
    assert row.locator(".ProseMirror strong").inner_text() == "жирним"
    tab.select_option("[name=blocks-0-kind]", "quote")
    assert row.locator(".ProseMirror").count() == 0
    assert row.locator("textarea[name=blocks-0-text_uk]").is_visible()
    tab.select_option("[name=blocks-0-kind]", "paragraph")
    assert row.locator(".ProseMirror strong").inner_text() == "жирним"
    assert tab.evaluate("window.cspViolations") == []
    assert tab.console_errors == []


def assert_accessible(tab, within):
    """axe-core finds no violation ``within`` the page. The page's own CSP reports and
    console errors are checked first: axe-core adds <style> elements of its own, which
    the policy refuses and reports."""
    from axe_playwright_python.sync_playwright import Axe

    assert tab.evaluate("window.cspViolations") == [] and tab.console_errors == []
    results = Axe().run(tab, context=within)
    tab.evaluate("window.cspViolations = []")
    tab.console_errors.clear()
    assert results.violations_count == 0, results.generate_report()


def test_versions_compared_show_a_change_of_formatting_formatted(db):
    client, user = client_in(EDITOR, "editor")
    release = make_release(published=False, created_by=user)
    add_paragraph(release, uk="Заява міністра", en="The statement")
    url = change_url(release)
    for text in ("Заява <em>міністра</em>", "Заява <strong>міністра</strong>"):
        data = form_data(client, url)
        data["blocks-0-text_uk"] = f"<p>{text}</p>"
        assert client.post(url, data).status_code == 302
    versions = numbered_versions(release)
    response = client.get(
        f"{url.removesuffix('change/')}versions/compare/",
        {"a": versions[-2].pk, "b": versions[-1].pk},
    )
    cell = soup_of(response).find("table", class_="press-diff").find("td", lang="uk")
    before, after = cell.find_all(class_="press-rich-text")
    assert before.decode_contents() == "Заява <em>міністра</em>"
    assert after.decode_contents() == "Заява <strong>міністра</strong>"
    assert "&lt;" not in cell.decode_contents()


# A paste from Word: the clipboard's HTML as Word puts it there.
PASTE = """(root, html) => {
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", root.textContent);
  root.focus();
  root.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true,
                                                   cancelable: true }));
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_paste_from_word_keeps_bold_italic_and_links_only(officer_tab):
    tab, user = officer_tab
    base = tab.url.split("/admin/")[0]
    release = make_release(published=False, created_by=user)
    add_paragraph(release, uk="", en="A paragraph.")
    tab.goto(base + change_url(release))
    editor = tab.locator("#blocks-0 .fieldBox.field-text_uk .ProseMirror")
    word = WORD.replace(
        "</font>", '</font> <a href="https://mod.gov.ua/" style="color:blue">сайт</a>'
    ).replace("<o:p></o:p>", '<o:p></o:p><script>alert(1)</script><img src="x">')
    editor.evaluate(PASTE, word)
    assert editor.locator("strong").inner_text() == "Жирний"
    # Reading the pasted HTML meets Word's <style> and style attributes, which the policy
    # refuses and reports: that, and nothing else.
    refused = tab.evaluate("window.cspViolations")
    assert refused, "the pasted styles were not refused"
    assert all(re.match(r"style-src-(attr|elem) inline .*/editor\.js:", r) for r in refused)
    assert all("Applying inline style" in e for e in tab.console_errors), tab.console_errors
    tab.console_errors.clear()
    with tab.expect_navigation():
        tab.click("input[name=_continue]")
    text = Block.objects.get(release=release).text_uk
    only_the_safelist(text)
    assert text.startswith("<strong>Жирний</strong> <em>курсив</em>")
    assert '<a href="https://mod.gov.ua/" rel="noopener noreferrer">сайт</a>' in text
    assert "alert" not in text and "mso" not in text
    assert tab.evaluate("window.cspViolations") == [] and tab.console_errors == []
