"""Image files built by the tests: with metadata to remove, or broken on purpose."""

import io
import struct
import zlib

from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
ORIENTATION = 0x0112


def jpeg_with_gps_and_orientation(size=(60, 40)) -> bytes:
    """A landscape JPEG whose EXIF says "rotate 90°" (6), with GPS, camera, serial and XMP."""
    image = Image.new("RGB", size, "#336699")
    image.paste((255, 0, 0), (0, 0, 10, 10))  # a red corner, to see where it goes
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0110] = "SecretCam 9000"  # Model
    exif[0x013B] = "Ivan Photographer"  # Artist
    exif.get_ifd(EXIF_IFD).update({0x9003: "2025:02:20 15:42:00", 0xA431: "SN-123456"})
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (50.0, 27.0, 1.0), 3: "E", 4: (30.0, 31.0, 2.0)})
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>HistoryEdited</rdf:RDF></x:xmpmeta>'
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, xmp=xmp, comment=b"internal comment")
    return buffer.getvalue()


def png_with_text_chunk() -> bytes:
    info = PngInfo()
    info.add_text("Comment", "secret location")
    info.add_text("Author", "someone")
    buffer = io.BytesIO()
    Image.new("RGBA", (30, 20), (10, 20, 30, 128)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg_in_adobe_rgb() -> bytes:
    """A JPEG with a non-sRGB colour profile embedded."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB"))
    image = Image.new("RGB", (20, 20), "#808080")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", icc_profile=profile.tobytes())
    return buffer.getvalue()


def webp_image() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#446644").save(buffer, "WEBP")
    return buffer.getvalue()


def gif_image() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (10, 10)).save(buffer, "GIF")
    return buffer.getvalue()


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b'<rect width="10" height="10"/></svg>'
)
HTML_AS_JPEG = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"


def truncated_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 60).convert("RGB").save(buffer, "JPEG")
    data = buffer.getvalue()
    return data[: len(data) // 2]


def polyglot_jpeg() -> bytes:
    """A valid JPEG that also carries an HTML page after its end marker."""
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "#000000").save(buffer, "JPEG")
    return buffer.getvalue() + b"<html><script>alert(document.cookie)</script></html>"


def png_bomb(width=30000, height=30000) -> bytes:
    """A tiny PNG whose header claims an enormous picture."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )
