"""Document files built by the tests: PDFs with pikepdf, DOCX and XLSX as zips written
here, with metadata to remove, or hostile on purpose."""

import io
import zipfile
import zlib

import pikepdf

AUTHOR = "Ivan Secretov"
COMPANY = "Unit 0000 Secret"

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WORD_MACROS = "application/vnd.ms-word.document.macroEnabled.main+xml"
EXCEL_MACROS = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

MAIN_PARTS = {
    "docx": ("word/document.xml", WORD_MAIN),
    "xlsx": ("xl/workbook.xml", EXCEL_MAIN),
}
BODIES = {
    "word/document.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>\xd0\x9a\xd0\xbe\xd0\xbc\xd1\x8e\xd0\xbd\xd1\x96\xd0\xba\xd0\xb5"
        b"</w:t></w:r></w:p></w:body></w:document>"
    ),
    "xl/workbook.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheets><sheet name="Figures" sheetId="1"/></sheets></workbook>'
    ),
}
CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    f"<dc:creator>{AUTHOR}</dc:creator><cp:lastModifiedBy>{AUTHOR}</cp:lastModifiedBy>"
    "<dc:title>Draft v7 (do not circulate)</dc:title></cp:coreProperties>"
).encode()
APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    f'extended-properties"><Company>{COMPANY}</Company>'
    "<Template>Secret.dotm</Template></Properties>"
).encode()
CUSTOM = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
    'docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" '
    f'name="Classification"><vt:lpwstr>{COMPANY}</vt:lpwstr></property></Properties>'
).encode()


def pdf(*, pages=1, metadata=True, encryption=None) -> bytes:
    """A real PDF of ``pages`` blank pages, with an author in its information dictionary
    and in XMP (on the catalogue and on its first page) unless ``metadata`` is False."""
    document = pikepdf.new()
    for _ in range(pages):
        document.add_blank_page(page_size=(595, 842))
    if metadata:
        document.docinfo["/Author"] = AUTHOR
        document.docinfo["/Creator"] = "SecretWriter 9"
        document.docinfo["/Producer"] = COMPANY
        with document.open_metadata(set_pikepdf_as_editor=False) as xmp:
            xmp["dc:creator"] = [AUTHOR]
            xmp["xmp:CreatorTool"] = "SecretWriter 9"
        if pages:
            page_xmp = document.make_stream(f"<x:xmpmeta>{AUTHOR}</x:xmpmeta>".encode())
            document.pages[0].obj["/Metadata"] = page_xmp
    output = io.BytesIO()
    document.save(output, encryption=encryption or False)
    return output.getvalue()


def pdf_with_a_stream_of(size: int) -> bytes:
    """A one-page PDF holding a stream that inflates to ``size`` bytes of zeros."""
    document = pikepdf.new()
    document.add_blank_page()
    stream = pikepdf.Stream(document, b"")
    stream.write(zlib.compress(bytes(size), 9), filter=pikepdf.Name.FlateDecode)
    document.Root["/Filler"] = document.make_indirect(stream)
    output = io.BytesIO()
    document.save(output, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return output.getvalue()


def content_types(*overrides) -> bytes:
    """A ``[Content_Types].xml`` with ``overrides`` as (part name, content type) pairs."""
    rows = "".join(
        f'<Override PartName="/{part}" ContentType="{kind}"/>' for part, kind in overrides
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f"{rows}</Types>"
    ).encode()


def ooxml(
    kind="docx", *, main_type=None, extra=None, skip=(), metadata=True, core_name=None
) -> bytes:
    """A minimal but real DOCX or XLSX package, with an author, a company and a custom
    property in its ``docProps`` unless ``metadata`` is False; ``extra`` parts are added
    as they are (name → bytes), ``skip`` names parts to leave out; ``core_name`` stores
    the core properties under another name than Word's own."""
    main, default_type = MAIN_PARTS[kind]
    declared = [(main, main_type or default_type)]
    parts = {main: BODIES[main]}
    if metadata:
        core = core_name or "docProps/core.xml"
        parts.update({core: CORE, "docProps/app.xml": APP, "docProps/custom.xml": CUSTOM})
        declared += [
            (core, "application/vnd.openxmlformats-package.core-properties+xml"),
            (
                "docProps/app.xml",
                "application/vnd.openxmlformats-officedocument.extended-properties+xml",
            ),
            (
                "docProps/custom.xml",
                "application/vnd.openxmlformats-officedocument.custom-properties+xml",
            ),
        ]
    parts = {"[Content_Types].xml": content_types(*declared), **parts, **(extra or {})}
    return zip_of({name: data for name, data in parts.items() if name not in skip})


def zip_of(parts: dict, comment=b"") -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 2, 20, 16, 42, 7))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
        archive.comment = comment
    return output.getvalue()


def parts_of(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def pdf_with_active_content() -> bytes:
    """A PDF that runs a script when opened, a program when closed and from a link, and
    carries an executable: and one harmless link to an address."""
    document = pikepdf.new()
    document.add_blank_page()
    document.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('opened')")
    )
    document.Root.AA = pikepdf.Dictionary(
        WC=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))
    )
    payload = document.make_stream(b"MZ-payload")
    payload.Type = pikepdf.Name.EmbeddedFile
    attached = pikepdf.Dictionary(
        Type=pikepdf.Name.Filespec, F=pikepdf.String("payload.exe"), EF={"/F": payload}
    )
    script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    document.Root.Names = pikepdf.Dictionary(
        EmbeddedFiles={"/Names": [pikepdf.String("payload.exe"), attached]},
        JavaScript={"/Names": [pikepdf.String("run"), script]},
    )

    def link(action):
        return pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10], A=action
        )

    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
    address = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/"))
    document.pages[0].Annots = document.make_indirect(
        [document.make_indirect(link(launch)), link(address)]
    )
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def relationships(*rows) -> bytes:
    """A ``.rels`` part with ``rows`` of (type's last segment, target, external?)."""
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    items = "".join(
        f'<Relationship Id="rId{n}" Type="{base}{kind}" Target="{target}"'
        + (' TargetMode="External"' if external else "")
        + "/>"
        for n, (kind, target, external) in enumerate(rows, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{items}</Relationships>"
    ).encode()
