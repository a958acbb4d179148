"""The documents' gate: what a file must pass to be stored, and how it is cleaned.

Like the photos' gate (``releases.photos.imaging``), it knows a file by its content, never
by its name or the type the browser claims, and refuses with a message that names the
file and the reason:

- a PDF starts with ``%PDF-``, opens with pikepdf (qpdf), has pages and no password;
- a DOCX or XLSX is a zip whose ``[Content_Types].xml`` declares the main part of a Word
  document or an Excel workbook. Macro-enabled parts (``.docm``, ``.xlsm``), a
  ``vbaProject.bin``, ActiveX controls, an encrypted document (Office keeps those in a
  CFB container, not a zip), names that leave the archive and zip bombs are refused; the
  archive's directory is checked (entries, declared sizes, compression ratio) before a
  single part is decompressed, and no part is read past its declared size. So are a
  template, frame or object loaded from outside the package, and OLE objects.

What is stored is rewritten without its metadata: a PDF without its document information
dictionary and XMP streams, and without what it could run or carry (scripts, actions on
opening, embedded files), an OOXML document with neutral ``docProps`` parts.
"""

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

import pikepdf
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from releases.photos import imaging

PDF, DOCX, XLSX = "pdf", "docx", "xlsx"

CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# The content type of the main part, as [Content_Types].xml declares it.
OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
# Parts that carry code an office suite may run: macros and ActiveX controls.
CODE_CONTENT_TYPE = re.compile(r"macroenabled|vbaproject|activex|vbadata", re.IGNORECASE)
CODE_PART = re.compile(r"(^|/)(vbaproject\.bin|vbadata\.xml)$|(^|/)activex/", re.IGNORECASE)

# Parts of a package that point outside it: a template or frame fetched from a server when
# the document opens (which hands the reader's Windows credentials to that server), an OLE
# object (a program's own data). Hyperlinks are the only external target kept: they open
# only when clicked.
RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OLE_OBJECT = re.compile(r"oleobject", re.IGNORECASE)

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONTENT_TYPES_PART = "[Content_Types].xml"
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
# [Content_Types].xml lists a few dozen parts; a larger one is not an office document.
CONTENT_TYPES_MAX_BYTES = 1024 * 1024

# The metadata parts of an OOXML package, by the content type [Content_Types].xml gives
# them (whatever they are called), and what each is rewritten to: the part with nothing in it.
PROPERTIES_NS = "http://schemas.openxmlformats.org/officeDocument/2006"
NEUTRAL_PROPERTIES = {
    "application/vnd.openxmlformats-package.core-properties+xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        b"<cp:coreProperties"
        b' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        b' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        b' xmlns:dcterms="http://purl.org/dc/terms/"'
        b' xmlns:dcmitype="http://purl.org/dc/dcmitype/"'
        b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
    ),
    "application/vnd.openxmlformats-officedocument.extended-properties+xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        b'<Properties xmlns="' + PROPERTIES_NS.encode() + b'/extended-properties"'
        b' xmlns:vt="' + PROPERTIES_NS.encode() + b'/docPropsVTypes"/>'
    ),
    "application/vnd.openxmlformats-officedocument.custom-properties+xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        b'<Properties xmlns="' + PROPERTIES_NS.encode() + b'/custom-properties"'
        b' xmlns:vt="' + PROPERTIES_NS.encode() + b'/docPropsVTypes"/>'
    ),
}
# Every part of a cleaned package carries this time: not when its author last saved it.
NEUTRAL_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass
class PreparedDocument:
    """A cleaned document, ready to store."""

    content: bytes
    kind: str

    @property
    def extension(self) -> str:
        return f".{self.kind}"


def refuse(name: str, reason: str):
    """Refuse the file called ``name`` as the photos' gate does, saying ``reason``."""
    imaging.refuse(name, reason, code="invalid_document")


def check_size(name: str, size: int):
    """Refuse a file of ``size`` bytes over the limit, or empty, before anything reads it."""
    imaging.check_size(
        name, size, limit=settings.DOCUMENT_MAX_UPLOAD_BYTES, code="invalid_document"
    )


def prepare_document(name: str, data: bytes) -> PreparedDocument:
    """Check ``data`` (a file called ``name``) and return it cleaned, or raise ValidationError."""
    check_size(name, len(data))
    if data.startswith(b"%PDF-"):
        return PreparedDocument(clean_pdf(name, data), PDF)
    if data.startswith(CFB_SIGNATURE):
        refuse(
            name,
            _(
                "it is protected by a password or saved in an old Office format (.doc, .xls)."
                " Save it without a password as DOCX or XLSX."
            ),
        )
    if data.startswith(b"PK\x03\x04"):
        return clean_ooxml(name, data)
    refuse(name, _("it is not a PDF, DOCX or XLSX document."))


# PDF ------------------------------------------------------------------------------------


# What a PDF may do by itself when opened, closed or clicked, beyond showing its pages:
# scripts, actions run on opening or on events, files carried inside, XFA forms.
ACTIVE_KEYS = ("/OpenAction", "/AA", "/JavaScript", "/EmbeddedFiles", "/XFA", "/Next")
# The actions a link may keep: to a place in the document, to an address, a named page.
PASSIVE_ACTIONS = ("/GoTo", "/URI", "/Named")


def strip_active_content(obj):
    """Remove from ``obj`` and the direct objects inside it (indirect ones are visited on
    their own) everything in ``ACTIVE_KEYS``, links' actions other than
    ``PASSIVE_ACTIONS``, and the file of a file attachment."""
    if isinstance(obj, pikepdf.Array):
        for item in obj:
            if isinstance(item, pikepdf.Object) and not item.is_indirect:
                strip_active_content(item)
        return
    if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        return
    for key in ACTIVE_KEYS:
        if key in obj:
            del obj[key]
    action = obj.get("/A")
    if isinstance(action, pikepdf.Dictionary) and action.get("/S") not in PASSIVE_ACTIONS:
        del obj["/A"]
    if obj.get("/Subtype") == "/FileAttachment" and "/FS" in obj:
        del obj["/FS"]
    for key in list(obj.keys()):
        value = obj[key]
        if isinstance(value, pikepdf.Object) and not value.is_indirect:
            strip_active_content(value)


def clean_pdf(name: str, data: bytes) -> bytes:
    """The PDF rewritten by qpdf without its information dictionary and XMP metadata, and
    without what it could run or carry (``strip_active_content``): it is a document to
    read, not a program.

    Rewriting also drops whatever followed the document in the file (a zip or a page
    appended to make a polyglot): only the objects the PDF itself reaches are written.
    """
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        refuse(name, _("it is protected by a password. Save it without one."))
    except (pikepdf.PdfError, ValueError, RecursionError):
        refuse(name, _("the file is damaged or is not really a PDF."))
    with pdf:
        if pdf.is_encrypted:
            refuse(name, _("it is encrypted. Save it without a password or restrictions."))
        try:
            if not len(pdf.pages):
                refuse(name, _("the PDF has no pages."))
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            # XMP streams hang from the catalogue and from any page, image or font; the
            # PieceInfo of the programs that made the file holds their private data.
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                    for key in ("/Metadata", "/PieceInfo"):
                        if key in obj:
                            del obj[key]
                    strip_active_content(obj)
            output = io.BytesIO()
            # Streams are copied as they are, never unpacked: a small PDF may hold a stream
            # that inflates to gigabytes.
            pdf.save(
                output,
                fix_metadata_version=False,
                deterministic_id=True,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
            )
        except (pikepdf.PdfError, ValueError, RecursionError):
            refuse(name, _("the file is damaged or is not really a PDF."))
    return output.getvalue()


# DOCX and XLSX --------------------------------------------------------------------------


def unsafe_part_name(part: str) -> bool:
    """A name that is absolute, climbs out of the package or means something on Windows."""
    if not part or "\\" in part or "\x00" in part or ":" in part or part.startswith("/"):
        return True
    return any(segment in ("", ".", "..") for segment in part.rstrip("/").split("/"))


def check_archive(name: str, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The archive's entries, once its directory shows nothing hostile; nothing is read."""
    entries = archive.infolist()
    if len(entries) > settings.DOCUMENT_MAX_ZIP_ENTRIES:
        refuse(
            name,
            _("the archive holds %(count)s files; a document holds at most %(limit)s.")
            % {
                "count": number_format(len(entries)),
                "limit": number_format(settings.DOCUMENT_MAX_ZIP_ENTRIES),
            },
        )
    names = [entry.filename for entry in entries]
    if len(set(names)) != len(names) or any(unsafe_part_name(part) for part in names):
        refuse(name, _("the archive holds files with unsafe or repeated names."))
    if any(entry.flag_bits & 0x1 for entry in entries):
        refuse(name, _("it is protected by a password. Save it without one."))
    total = sum(entry.file_size for entry in entries)
    too_compressed = any(
        entry.file_size > settings.DOCUMENT_MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
        and entry.file_size > 1024 * 1024
        for entry in entries
    )
    if total > settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES or too_compressed:
        refuse(name, _("it unpacks to far more than its size (a “zip bomb”)."))
    if any(CODE_PART.search(part) for part in names):
        refuse(name, _("it contains macros or ActiveX controls. Save it as DOCX or XLSX."))
    return entries


def read_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int) -> bytes:
    """A part's bytes, never more than it declares (a lying size fails its checksum)."""
    if entry.file_size > limit:
        raise zipfile.BadZipFile("part too large")
    with archive.open(entry) as part:
        content = part.read(entry.file_size + 1)
    if len(content) != entry.file_size:
        raise zipfile.BadZipFile("part size differs from the directory")
    return content


def read_content_types(name: str, archive, by_name) -> list[tuple[str, str]]:
    """(part name, content type) of each part [Content_Types].xml names, and (extension,
    content type) of its defaults."""
    if CONTENT_TYPES_PART not in by_name:
        refuse(name, _("it is not a PDF, DOCX or XLSX document."))
    try:
        root = ElementTree.fromstring(
            read_part(archive, by_name[CONTENT_TYPES_PART], CONTENT_TYPES_MAX_BYTES)
        )
    except ElementTree.ParseError:
        refuse(name, _("the file is damaged or incomplete."))
    return [
        (element.get("PartName") or element.get("Extension") or "", element.get("ContentType", ""))
        for element in root
        if element.tag in (f"{CONTENT_TYPES_NS}Override", f"{CONTENT_TYPES_NS}Default")
    ]


def check_relationships(name: str, content: bytes) -> None:
    """Refuse a package whose relationships (a ``.rels`` part) reach outside it other than
    by a hyperlink, or embed an OLE object."""
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError:
        refuse(name, _("the file is damaged or incomplete."))
    for relationship in root.iter(f"{RELATIONSHIPS_NS}Relationship"):
        kind = relationship.get("Type", "")
        external = relationship.get("TargetMode", "") == "External"
        if (external and not kind.endswith("/hyperlink")) or OLE_OBJECT.search(kind):
            refuse_outside_content(name)


def refuse_outside_content(name: str):
    refuse(
        name,
        _(
            "it loads a template, a frame or an object from outside itself, which can pass "
            "readers' data to another server. Save it without them."
        ),
    )


def part_in_archive(part_name: str) -> str:
    return posixpath.normpath(part_name).lstrip("/")


def ooxml_kind(name: str, declared, by_name) -> str:
    """The kind the package declares for its main part, once nothing in it is code."""
    if any(OLE_OBJECT.search(content_type) for _part, content_type in declared):
        refuse_outside_content(name)
    if any(CODE_CONTENT_TYPE.search(content_type) for _part, content_type in declared):
        refuse(name, _("it contains macros or ActiveX controls. Save it as DOCX or XLSX."))
    mains = [(OOXML_MAIN_PARTS[t], part) for part, t in declared if t in OOXML_MAIN_PARTS]
    if len(mains) != 1:
        refuse(name, _("it is not a PDF, DOCX or XLSX document."))
    ((kind, part_name),) = mains
    if part_in_archive(part_name) not in by_name:
        refuse(name, _("the file is damaged or incomplete."))
    return kind


def clean_ooxml(name: str, data: bytes) -> PreparedDocument:
    """The package rewritten with neutral ``docProps`` parts, every other part as it was.

    No maintained library here removes OOXML metadata without re-writing the document:
    python-docx and openpyxl load the whole document into their own model and save what
    they understand of it, losing what they do not (and running far slower on a large
    workbook). The metadata lives in three known parts, so the package is copied part by
    part with ``zipfile``: those three (known by their declared content types, whatever
    their names) are replaced by empty, valid ones, and every other part keeps its bytes.
    The zip's own comments, extra fields and times go as well.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        refuse(name, _("the file is damaged or incomplete."))
    with archive:
        entries = check_archive(name, archive)
        by_name = {entry.filename: entry for entry in entries}
        declared = read_content_types(name, archive, by_name)
        kind = ooxml_kind(name, declared, by_name)
        neutral = {
            part_in_archive(part): NEUTRAL_PROPERTIES[content_type]
            for part, content_type in declared
            if content_type in NEUTRAL_PROPERTIES
        }
        output = io.BytesIO()
        try:
            with zipfile.ZipFile(output, "w") as cleaned:
                for entry in entries:
                    if entry.is_dir():
                        continue
                    content = neutral.get(entry.filename)
                    if content is None:
                        content = read_part(
                            archive, entry, settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES
                        )
                    if entry.filename.endswith(".rels"):
                        check_relationships(name, content)
                    info = zipfile.ZipInfo(entry.filename, date_time=NEUTRAL_ZIP_TIME)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    cleaned.writestr(info, content)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            NotImplementedError,
            RuntimeError,
        ):
            # A bad checksum, a size that lied, an unknown compression or a password.
            refuse(name, _("the file is damaged or incomplete."))
    return PreparedDocument(output.getvalue(), kind)
