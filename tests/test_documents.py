"""A release's documents: the gate (type by content, hostile files, metadata removed), the
admin's field, who may download one and how it is sent, and how pages list them."""

import io
import zipfile
from urllib.parse import quote
from xml.etree import ElementTree

import pikepdf
import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from releases.documents.gate import CFB_SIGNATURE, NEUTRAL_PROPERTIES, prepare_document
from releases.documents.views import SANDBOX
from releases.models import Document, PreviewLink, Release

from . import documents
from .factories import add_paragraph, make_document, make_release, written_by
from .helpers import change_url, form_data, management, soup_of

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def refusal(data, name="file.pdf", language="en") -> str:
    """The gate's refusal of ``data``, in ``language``."""
    with translation.override(language), pytest.raises(ValidationError) as error:
        prepare_document(name, data)
    return " ".join(error.value.messages)


# The gate: type by content ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (documents.pdf(), "pdf"),
        (documents.ooxml("docx"), "docx"),
        (documents.ooxml("xlsx"), "xlsx"),
    ],
)
def test_pdf_docx_and_xlsx_are_known_by_their_content_whatever_their_name(data, kind):
    assert prepare_document("scan.jpg", data).kind == kind


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200 + b"This program", "not a PDF, DOCX"),
        ("report.pdf", b"<!doctype html><script>alert(1)</script>", "not a PDF, DOCX"),
        ("report.docx", b"#!/bin/sh\nrm -rf /\n", "not a PDF, DOCX"),
        ("report.pdf", b"%PDF-1.7\n<html><script>alert(1)</script></html>", "damaged"),
        ("report.pdf", documents.pdf()[:300], "damaged"),
        ("report.pdf", documents.pdf(pages=0), "no pages"),
        ("notes.docx", documents.zip_of({"notes.txt": b"just a zip"}), "not a PDF, DOCX"),
        ("notes.docx", documents.ooxml("docx")[:200], "damaged"),
        ("old.doc", CFB_SIGNATURE + b"\x00" * 512, "password or saved in an old Office"),
        ("empty.pdf", b"", "empty"),
    ],
    ids=[
        "renamed-exe",
        "html-named-pdf",
        "script-named-docx",
        "html-behind-a-pdf-header",
        "truncated-pdf",
        "pdf-without-pages",
        "zip-that-is-no-office-document",
        "truncated-docx",
        "encrypted-ooxml-or-old-office",
        "empty",
    ],
)
def test_a_file_that_is_not_a_clean_document_is_refused_naming_it_and_why(name, data, reason):
    message = refusal(data, name)
    assert message.startswith(f"“{name}” cannot be used:")
    assert reason in message


def test_the_refusal_speaks_the_editors_language():
    message = refusal(b"<html></html>", "звіт.pdf", language="uk")
    assert message == "Файл «звіт.pdf» не можна використати: це не документ PDF, DOCX чи XLSX."


@pytest.mark.parametrize(
    "encryption",
    [
        pikepdf.Encryption(owner="owner", user="reader"),
        # Opens without a password, yet is encrypted and restricted.
        pikepdf.Encryption(owner="owner", user="", allow=pikepdf.Permissions(extract=False)),
    ],
    ids=["password", "owner-password-only"],
)
def test_an_encrypted_pdf_is_refused(encryption):
    assert "password" in refusal(documents.pdf(encryption=encryption))


@pytest.mark.parametrize(
    ("kind", "main_type", "extra"),
    [
        ("docx", documents.WORD_MACROS, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
        ("docx", documents.WORD_MACROS, {}),
        ("xlsx", documents.EXCEL_MACROS, {}),
        ("docx", None, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
        ("xlsx", None, {"xl/activeX/activeX1.xml": b"<ax/>"}),
    ],
    ids=["docm", "docm-content-type", "xlsm", "vba-project-in-a-docx", "activex-in-an-xlsx"],
)
def test_office_documents_with_macros_or_controls_are_refused(kind, main_type, extra):
    data = documents.ooxml(kind, main_type=main_type, extra=extra)
    assert "macros" in refusal(data, f"budget.{kind}")


def test_a_pdf_keeps_its_pages_and_plain_links_but_nothing_it_could_run_or_carry():
    cleaned = prepare_document("statement.pdf", documents.pdf_with_active_content()).content
    for trace in (b"app.alert", b"calc.exe", b"cmd.exe", b"MZ-payload", b"payload.exe"):
        assert trace not in cleaned
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        assert "/OpenAction" not in pdf.Root and "/AA" not in pdf.Root
        assert list(pdf.Root.get("/Names", {}).keys()) == []
        actions = [annotation.get("/A") for annotation in pdf.pages[0].Annots]
        assert actions[0] is None
        assert str(actions[1].URI) == "https://example.org/"


@pytest.mark.parametrize(
    ("part", "rows"),
    [
        (
            "word/_rels/settings.xml.rels",
            [("attachedTemplate", "file://attacker.example/share/t.dotm", True)],
        ),
        ("word/_rels/document.xml.rels", [("frame", "https://attacker.example/f", True)]),
        ("word/_rels/document.xml.rels", [("oleObject", "embeddings/oleObject1.bin", False)]),
    ],
    ids=["remote-template", "remote-frame", "ole-object"],
)
def test_a_document_that_loads_anything_from_outside_itself_is_refused(part, rows):
    data = documents.ooxml(extra={part: documents.relationships(*rows)})
    assert "from outside itself" in refusal(data, "letter.docx")
    assert "ззовні" in refusal(data, "letter.docx", language="uk")


def test_a_documents_hyperlinks_to_other_sites_are_kept():
    rels = documents.relationships(("hyperlink", "https://example.org/", True))
    data = documents.ooxml(extra={"word/_rels/document.xml.rels": rels})
    cleaned = prepare_document("letter.docx", data).content
    assert documents.parts_of(cleaned)["word/_rels/document.xml.rels"] == rels


def test_a_package_that_declares_a_word_template_is_not_a_document():
    data = documents.ooxml(
        main_type="application/vnd.openxmlformats-officedocument"
        ".wordprocessingml.template.main+xml"
    )
    assert "not a PDF, DOCX" in refusal(data, "letter.docx")


def test_a_package_whose_main_part_is_missing_is_refused():
    data = documents.ooxml(skip=("word/document.xml",))
    assert "damaged" in refusal(data, "letter.docx")


@pytest.mark.parametrize(
    "part",
    [
        "../../etc/cron.d/evil",
        "/etc/passwd",
        "word/../../evil.xml",
        "C:/evil.xml",
        "word\\evil.xml",
    ],
)
def test_a_package_with_a_name_that_leaves_it_is_refused(part):
    data = documents.ooxml(extra={part: b"x"})
    assert "unsafe or repeated names" in refusal(data, "letter.docx")


def test_a_zip_bomb_is_refused_by_its_directory_before_anything_is_unpacked(settings):
    # 150 MB of zeros packed into about 150 KB: far past the ratio allowed.
    data = documents.ooxml(extra={"word/media/bomb.bin": bytes(150 * MB)})
    assert len(data) < MB
    assert "zip bomb" in refusal(data, "letter.docx")


def test_a_package_that_unpacks_past_the_total_limit_is_refused(settings):
    settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES = 100_000
    settings.DOCUMENT_MAX_COMPRESSION_RATIO = 10**9
    data = documents.ooxml(extra={"word/media/big.bin": bytes(200_000)})
    assert "zip bomb" in refusal(data, "letter.docx")


def test_a_package_of_too_many_files_is_refused(settings):
    settings.DOCUMENT_MAX_ZIP_ENTRIES = 50
    data = documents.ooxml(extra={f"word/media/{n}.xml": b"<x/>" for n in range(60)})
    assert "holds 6" in refusal(data, "letter.docx")


def test_a_part_whose_declared_size_lies_is_refused_not_unpacked_past_it():
    data = bytearray(documents.ooxml(extra={"word/media/a.bin": bytes(4000)}))
    # Its entry in the central directory (the last mention of its name) says 40 bytes.
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(b"word/media/a.bin"))
    data[entry + 24 : entry + 28] = (40).to_bytes(4, "little")
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        assert archive.getinfo("word/media/a.bin").file_size == 40
    assert "damaged" in refusal(bytes(data), "letter.docx")


def test_a_package_with_a_password_protected_part_is_refused():
    data = bytearray(documents.ooxml())
    entry = data.find(b"PK\x01\x02")
    data[entry + 8] |= 0x1  # the central directory's "encrypted" flag of the first part
    assert "password" in refusal(bytes(data), "letter.docx")


def test_a_size_over_the_limit_is_refused_before_the_file_is_read(settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1000
    assert "larger than 1000" in refusal(documents.pdf() + bytes(2000))


# The gate: polyglots and metadata ------------------------------------------------------------


def test_a_pdf_whose_stream_inflates_to_gigabytes_is_copied_without_unpacking_it():
    bomb = documents.pdf_with_a_stream_of(200 * MB)
    assert len(bomb) < MB
    cleaned = prepare_document("bomb.pdf", bomb).content
    assert len(cleaned) < MB
    with pikepdf.open(io.BytesIO(cleaned)) as reopened:
        assert reopened.Root.Filler.Filter == "/FlateDecode"


def test_a_pdf_with_a_zip_appended_is_stored_as_the_pdf_alone():
    polyglot = documents.pdf() + documents.ooxml("docx")
    assert zipfile.is_zipfile(io.BytesIO(polyglot))
    prepared = prepare_document("both.pdf", polyglot)
    assert prepared.kind == "pdf"
    assert not zipfile.is_zipfile(io.BytesIO(prepared.content))
    assert b"word/document.xml" not in prepared.content


def test_a_pdf_loses_its_information_dictionary_and_every_xmp_stream():
    original = documents.pdf()
    assert documents.AUTHOR.encode() in original
    cleaned = prepare_document("a.pdf", original).content
    assert documents.AUTHOR.encode() not in cleaned
    assert b"SecretWriter" not in cleaned
    with pikepdf.open(io.BytesIO(cleaned)) as reopened:
        assert "/Info" not in reopened.trailer or not dict(reopened.docinfo)
        assert "/Metadata" not in reopened.Root
        assert "/Metadata" not in reopened.pages[0].obj
        with reopened.open_metadata() as xmp:
            assert "dc:creator" not in xmp
        assert len(reopened.pages) == 1


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_an_office_document_loses_its_properties_and_keeps_every_other_part_byte_for_byte(kind):
    original = documents.ooxml(kind)
    prepared = prepare_document(f"a.{kind}", original)
    before, after = documents.parts_of(original), documents.parts_of(prepared.content)
    assert list(after) == list(before)
    properties = ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml")
    for name in properties:
        assert after[name] in NEUTRAL_PROPERTIES.values()
        assert len(ElementTree.fromstring(after[name])) == 0  # no property left
    for name in set(before) - set(properties):
        assert after[name] == before[name], name
    assert documents.AUTHOR.encode() not in prepared.content
    with zipfile.ZipFile(io.BytesIO(prepared.content)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.comment == b""
    # The cleaned package passes the gate again, unchanged.
    assert prepare_document(f"a.{kind}", prepared.content).content == prepared.content


def test_properties_are_found_by_their_declared_type_whatever_the_parts_name():
    original = documents.ooxml(core_name="meta/who.xml")
    assert documents.AUTHOR.encode() in documents.parts_of(original)["meta/who.xml"]
    cleaned = documents.parts_of(prepare_document("a.docx", original).content)
    assert documents.AUTHOR.encode() not in cleaned["meta/who.xml"]


# The admin: the file through the gate at its field -------------------------------------------


def with_document(data, upload, **fields):
    """The release form's data with one new document ``upload`` (titles in ``fields``)."""
    values = {"title_uk": "Комюніке", "title_en": "Communiqué", "position": "1", **fields}
    return {
        **data,
        **management("documents", total=1),
        **{f"documents-0-{name}": value for name, value in values.items()},
        "documents-0-file": upload,
    }


def test_a_document_uploaded_on_the_release_form_is_stored_cleaned_under_a_random_name(editor):
    release = written_by(None)
    data = with_document(
        form_data(editor, change_url(release)),
        SimpleUploadedFile("Меморандум Іваненка.pdf", documents.pdf(), "application/pdf"),
    )
    response = editor.post(change_url(release), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    document = release.documents.get()
    assert (document.kind, document.title_uk, document.title_en) == (
        "pdf",
        "Комюніке",
        "Communiqué",
    )
    name = document.file.name
    assert name.startswith("documents/") and name.endswith(".pdf")
    assert len(name) == len("documents/") + 32 + len(".pdf")
    assert "memorand" not in name.lower() and "Меморандум" not in name
    with document.file.open("rb") as stored:
        content = stored.read()
    assert document.size == len(content)
    assert documents.AUTHOR.encode() not in content
    with pikepdf.open(io.BytesIO(content)) as reopened:
        assert "/Metadata" not in reopened.Root


def test_a_bad_file_is_refused_at_its_field_and_the_rest_of_the_form_stays(editor):
    release = written_by(None)
    data = with_document(
        form_data(editor, change_url(release), title_uk="Нова назва, ще не збережена"),
        SimpleUploadedFile("invoice.pdf", b"<html><script>alert(1)</script>", "application/pdf"),
        title_en="Typed title",
    )
    with translation.override("en"):
        response = editor.post("/en" + change_url(release), data)
    assert response.status_code == 200
    soup = soup_of(response)
    row = soup.find(id="documents-0")
    errors = row.find(class_="field-file").find(class_="errorlist").get_text(" ", strip=True)
    assert errors == "“invoice.pdf” cannot be used: it is not a PDF, DOCX or XLSX document."
    assert (
        soup.find(attrs={"name": "title_uk"}).get_text().strip() == "Нова назва, ще не збережена"
    )
    assert row.find("input", attrs={"name": "documents-0-title_en"})["value"] == "Typed title"
    assert not Document.objects.exists()
    release.refresh_from_db()
    assert release.title_uk != "Нова назва, ще не збережена"


def test_the_refusal_at_the_field_is_in_ukrainian_on_the_ukrainian_admin(editor):
    release = written_by(None)
    data = with_document(
        form_data(editor, change_url(release)),
        SimpleUploadedFile("macro.docx", documents.ooxml(main_type=documents.WORD_MACROS)),
    )
    response = editor.post(change_url(release), data)
    row = soup_of(response).find(id="documents-0")
    errors = row.find(class_="field-file").find(class_="errorlist").get_text(" ", strip=True)
    assert errors.startswith("Файл «macro.docx» не можна використати: ")
    assert "макрос" in errors


def test_a_file_over_the_limit_is_cut_while_it_is_read_and_refused_at_its_field(editor, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 100_000
    release = written_by(None)
    data = with_document(
        form_data(editor, change_url(release)),
        SimpleUploadedFile("huge.pdf", documents.pdf() + bytes(3 * MB), "application/pdf"),
    )
    with translation.override("en"):
        response = editor.post("/en" + change_url(release), data)
    assert response.status_code == 200
    formset = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "documents"
    ).formset
    # Django kept no more of it than it takes to know it is too large.
    assert formset.forms[0].files["documents-0-file"].size == 100_001
    assert formset.forms[0].errors["file"] == [
        "“huge.pdf” cannot be used: the file is larger than 97.7\xa0KB."
    ]
    assert not Document.objects.exists()


def test_a_document_needs_a_title_in_a_language(editor):
    release = written_by(None)
    data = with_document(
        form_data(editor, change_url(release)),
        SimpleUploadedFile("a.pdf", documents.pdf()),
        title_uk="",
        title_en="",
    )
    response = editor.post(change_url(release), data)
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_replacing_and_deleting_a_document_deletes_its_files(
    editor, editor_user, django_capture_on_commit_callbacks
):
    release = written_by(None)
    document = make_document(release, documents.pdf())
    storage, first = document.file.storage, document.file.name
    data = form_data(editor, change_url(release))
    data["documents-0-file"] = SimpleUploadedFile("b.docx", documents.ooxml())
    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(change_url(release), data).status_code == 302
    document.refresh_from_db()
    assert document.kind == "docx" and document.file.name != first
    assert not storage.exists(first) and storage.exists(document.file.name)
    # The audit trail says who replaced the file.
    entry = LogEntry.objects.get_for_object(document).latest("timestamp")
    assert "file" in entry.changes and entry.actor == editor_user
    data = form_data(editor, change_url(release))
    data["documents-0-DELETE"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(change_url(release), data).status_code == 302
    assert not Document.objects.exists()
    assert not storage.exists(document.file.name)


def test_a_press_officer_adds_documents_to_their_own_draft_only(press_officer, press_officer_user):
    own = written_by(press_officer_user)
    data = with_document(
        form_data(press_officer, change_url(own)), SimpleUploadedFile("a.pdf", documents.pdf())
    )
    assert press_officer.post(change_url(own), data).status_code == 302
    assert own.documents.count() == 1
    others = written_by(None)
    response = press_officer.get(change_url(others))
    assert soup_of(response).find("input", attrs={"type": "file"}) is None
    forged = with_document(
        {**data, "title_uk": others.title_uk}, SimpleUploadedFile("b.pdf", documents.pdf())
    )
    assert press_officer.post(change_url(others), forged).status_code == 403
    assert not others.documents.exists()


def test_a_translator_changes_only_the_title_in_the_language_they_translate_into(translator):
    release = written_by(None)
    document = make_document(release, documents.pdf(), title_en="")
    stored = document.file.name
    data = form_data(translator, change_url(release))
    assert "documents-0-title_uk" not in data
    assert "documents-0-file" not in data
    data["documents-0-title_en"] = "Joint communiqué"
    data["documents-0-title_uk"] = "Підмінена назва"
    data["documents-0-DELETE"] = "on"
    data["documents-0-file"] = SimpleUploadedFile("x.docx", documents.ooxml())
    assert translator.post(change_url(release), data).status_code == 302
    document.refresh_from_db()
    assert document.title_en == "Joint communiqué"
    assert document.title_uk == "Комюніке"
    assert document.file.name == stored


# Downloads: who may have a document, and how it is sent --------------------------------------


def url_in(obj, language):
    with translation.override(language):
        return obj.get_absolute_url()


@pytest.fixture
def published():
    release = make_release()
    add_paragraph(release)
    return release


@pytest.mark.parametrize(
    ("language", "title", "expected"),
    [
        ("uk", "Спільне комюніке: Україна/Норвегія", "Спільне комюніке Україна Норвегія.pdf"),
        ("en", 'Joint "communiqué"\u202e.exe', "Joint communiqué .exe.pdf"),
    ],
)
def test_a_public_document_is_an_attachment_named_after_its_title_never_run(
    client, published, language, title, expected
):
    document = make_document(published, documents.pdf(), **{f"title_{language}": title})
    response = client.get(url_in(document, language))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote(expected)}"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "public, no-cache"
    with document.file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (
            documents.ooxml("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            documents.ooxml("xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_an_office_document_goes_out_with_its_own_type(client, published, data, content_type):
    document = make_document(published, data)
    response = client.get(url_in(document, "en"))
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].endswith(f".{document.kind}")


def test_a_document_of_a_draft_is_a_404_for_readers_like_one_that_does_not_exist(client):
    draft = written_by(None)
    document = make_document(draft, documents.pdf())
    for language in ("uk", "en"):
        assert client.get(url_in(document, language)).status_code == 404
    assert client.get(f"/documents/{document.pk + 1000}/").status_code == 404


def test_a_document_of_a_release_without_that_language_is_a_404_in_it(client):
    release = make_release(languages=("uk",))
    add_paragraph(release, en="")
    document = make_document(release, documents.pdf(), title_en="")
    assert client.get(url_in(document, "uk")).status_code == 200
    assert client.get(url_in(document, "en")).status_code == 404


def test_a_document_of_a_release_public_at_a_later_time_is_a_404_until_then(client):
    from datetime import timedelta

    from django.utils import timezone

    release = make_release(
        status=Release.Status.SCHEDULED, published_at=timezone.now() + timedelta(hours=2)
    )
    document = make_document(release, documents.pdf())
    assert client.get(url_in(document, "en")).status_code == 404


def test_an_archived_release_that_redirects_keeps_its_documents_to_itself(client, published):
    document = make_document(published, documents.pdf())
    published.status, published.archive_mode = Release.Status.ARCHIVED, "notice"
    published.save()
    assert client.get(url_in(document, "en")).status_code == 200
    published.archive_mode = "redirect"
    published.save()
    assert client.get(url_in(document, "en")).status_code == 404


def test_staff_and_preview_link_holders_download_a_drafts_document_kept_by_no_cache(
    client, translator
):
    from datetime import timedelta

    from django.utils import timezone

    draft = written_by(None)
    document = make_document(draft, documents.pdf())
    response = translator.get(url_in(document, "en"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    link = PreviewLink.objects.create(release=draft, expires_at=timezone.now() + timedelta(days=1))
    url = f"{url_in(document, 'uk')}?preview={link.token}"
    assert client.get(url).status_code == 200
    other = PreviewLink.objects.create(
        release=written_by(None), expires_at=timezone.now() + timedelta(days=1)
    )
    assert client.get(f"{url_in(document, 'uk')}?preview={other.token}").status_code == 404
    link.revoked_at = timezone.now()
    link.save()
    assert client.get(url).status_code == 404


def test_behind_nginx_the_file_is_handed_over_with_the_same_headers(client, published, settings):
    settings.MEDIA_ACCEL_REDIRECT = True
    document = make_document(published, documents.pdf(), title_en="Memo")
    response = client.get(url_in(document, "en"))
    assert response["X-Accel-Redirect"] == f"/protected-media/{document.file.name}"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''Memo.pdf"
    assert response["Content-Security-Policy"] == SANDBOX
    assert response.content == b""


# Pages: the list of documents in each language ------------------------------------------------


def listed(soup):
    section = soup.find("section", class_="documents")
    return [
        (
            item.a["href"],
            item.a.get_text(" ", strip=True),
            item.find(class_="documents__about").get_text(),
        )
        for item in section.find_all("li")
    ]


def test_the_release_page_lists_its_documents_in_order_with_type_and_size(page, published):
    later = make_document(
        published, documents.ooxml("xlsx"), title_uk="Таблиця", title_en="Table", position=2
    )
    first = make_document(published, documents.pdf(), position=1)
    # Sizes as a reader of each language writes them.
    Document.objects.filter(pk=first.pk).update(size=1_258_291)
    Document.objects.filter(pk=later.pk).update(size=2_150)
    _r, soup = page(url_in(published, "uk"))
    assert listed(soup) == [
        (f"/documents/{first.pk}/", "Комюніке", "PDF, 1,2 МБ"),
        (f"/documents/{later.pk}/", "Таблиця", "XLSX, 2,1 КБ"),
    ]
    assert soup.find("section", class_="documents").h2.get_text() == "Документи"
    _r, soup = page(url_in(published, "en"))
    assert listed(soup) == [
        (f"/en/documents/{first.pk}/", "Communiqué", "PDF, 1.2 MB"),
        (f"/en/documents/{later.pk}/", "Table", "XLSX, 2.1 KB"),
    ]
    assert soup.find("section", class_="documents").h2.get_text() == "Documents"


def test_the_parallel_page_lists_the_documents_in_each_columns_language(page, published):
    document = make_document(published, documents.pdf())
    _r, soup = page(published.get_parallel_url())
    columns = soup.find_all("section", class_="documents")
    assert [c.find_parent(lang=True)["lang"] for c in columns] == ["uk", "en"]
    assert [c.a["href"] for c in columns] == [
        f"/documents/{document.pk}/",
        f"/en/documents/{document.pk}/",
    ]
    assert [c.a.get_text() for c in columns] == ["Комюніке", "Communiqué"]
    assert len({c.h2["id"] for c in columns}) == 2


def test_a_release_without_documents_shows_no_list(page, published):
    _r, soup = page(url_in(published, "en"))
    assert soup.find("section", class_="documents") is None


def test_a_release_is_public_in_a_language_only_once_its_documents_are_titled_in_it(
    client, published
):
    """Like a photo's alt text, a document's title is part of the page in each language."""
    document = make_document(published, documents.pdf(), title_en="")
    published.refresh_from_db()
    assert (published.complete_uk, published.complete_en) == (True, False)
    assert not Release.objects.public("en").filter(pk=published.pk).exists()
    assert client.get(url_in(document, "en")).status_code == 404
    document.title_en = "Communiqué"
    document.save()
    published.refresh_from_db()
    assert published.complete_en
    document.delete()
    published.refresh_from_db()
    assert published.complete_en
    assert Release.objects.public("en").filter(pk=published.pk).exists()


def test_a_staff_preview_shows_an_untitled_document_in_the_other_language_marked_as_such(
    translator,
):
    draft = written_by(None)
    make_document(draft, documents.pdf(), title_en="")
    soup = soup_of(translator.get(url_in(draft, "en")))
    link = soup.find("section", class_="documents").a
    assert link.span["lang"] == "uk"
    assert link.get_text() == "Комюніке"


def test_a_change_to_a_document_renews_the_cached_page(client, published):
    document = make_document(published, documents.pdf())
    url = url_in(published, "en")
    assert "Communiqué" in client.get(url).content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"
    document.title_en = "Joint statement"
    document.save()
    assert "Joint statement" in client.get(url).content.decode()


@pytest.mark.parametrize("view", ["get_absolute_url", "get_parallel_url"])
def test_a_release_page_costs_the_same_queries_with_one_document_or_twenty(client, view):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from releases import page_cache

    def queries(release):
        with translation.override("en"):
            url = getattr(release, view)()
        page_cache.current_generation()
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    small, large = make_release(), make_release()
    for release in (small, large):
        add_paragraph(release)
    make_document(small, documents.pdf())
    for position in range(20):
        make_document(large, documents.pdf(metadata=False), position=position)
    assert queries(small) == queries(large) <= 9


def test_a_release_form_posted_without_its_documents_part_leaves_them_as_they_are(editor):
    release = written_by(None)
    document = make_document(release, documents.pdf())
    data = form_data(editor, change_url(release), title_uk="Інша назва")
    data = {name: value for name, value in data.items() if not name.startswith("documents-")}
    assert editor.post(change_url(release), data).status_code == 302
    release.refresh_from_db()
    assert release.title_uk == "Інша назва"
    assert list(release.documents.all()) == [document]


# Accessibility: a release page with documents, in both languages --------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_release_pages_with_documents_pass_axe_and_the_nu_html_checker(tab, live_server, tmp_path):
    import shutil
    import urllib.request

    from .helpers import assert_accessible
    from .test_accessibility import nu_errors

    if not shutil.which("java"):
        pytest.fail("java is needed for the Nu HTML Checker: apt-get install default-jre-headless")
    release = make_release()
    add_paragraph(release)
    make_document(release, documents.pdf(), position=1)
    make_document(release, documents.ooxml("xlsx"), title_uk="Таблиця", title_en="Table")
    pages = tmp_path / "pages"  # not the test's media folder, which holds the documents
    pages.mkdir()
    paths = [
        url_in(release, "uk"),
        url_in(release, "en"),
        release.get_parallel_url(),
    ]
    for n, path in enumerate(paths):
        response = tab.goto(live_server.url + path)
        assert response.status == 200, path
        assert tab.locator("section.documents li").count() in (2, 4)
        assert_accessible(tab)
        html = urllib.request.urlopen(live_server.url + path).read()
        (pages / f"page-{n}.html").write_bytes(html)
    assert nu_errors(pages) == []


def test_a_documents_title_reaches_the_page_as_text(page, published):
    make_document(published, documents.pdf(), title_en='<img src=x onerror="alert(1)">Memo')
    response, soup = page(url_in(published, "en"))
    assert soup.find("section", class_="documents").a.get_text() == (
        '<img src=x onerror="alert(1)">Memo'
    )
    assert b"<img src=x" not in response.content


def test_a_preview_link_lists_the_drafts_documents_with_links_that_work_for_its_holder(
    client,
):
    from datetime import timedelta

    from django.utils import timezone

    draft = written_by(None)
    make_document(draft, documents.pdf())
    link = PreviewLink.objects.create(release=draft, expires_at=timezone.now() + timedelta(days=1))
    with translation.override("en"):
        url = link.get_absolute_url()
    soup = soup_of(client.get(url))
    href = soup.find("section", class_="documents").a["href"]
    assert href.startswith("/en/documents/") and f"preview={quote(link.token)}" in href
    response = client.get(href)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_changed_title_in_the_original_puts_the_translation_out_of_date(editor):
    release = make_release(status=Release.Status.DRAFT, published_at=None)
    add_paragraph(release)
    document = make_document(release, documents.pdf())
    release.refresh_text_stamps()
    assert release.translation_status("en") == Release.TranslationStatus.UP_TO_DATE
    data = form_data(editor, change_url(release))
    data["documents-0-title_uk"] = "Спільне комюніке, виправлене"
    assert editor.post(change_url(release), data).status_code == 302
    release.refresh_from_db()
    assert document.pk and release.translation_status("en") == Release.TranslationStatus.OUTDATED


def test_a_new_release_is_saved_with_its_documents(editor):
    from .helpers import release_form

    data = with_document(release_form(), SimpleUploadedFile("c.xlsx", documents.ooxml("xlsx")))
    response = editor.post("/admin/releases/release/add/", data)
    assert response.status_code == 302
    release = Release.objects.get()
    assert [(d.kind, d.title_en) for d in release.documents.all()] == [("xlsx", "Communiqué")]
