"""Image files built by the tests: with metadata to remove, or broken on purpose."""

import io
import struct
import zlib

from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
ORIENTATION = 0x0112


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def large_image(seed: int, fmt="JPEG", side=3000) -> bytes:
    """A real ``side``×``side`` photograph-sized image, different for each ``seed``."""
    ramp = Image.linear_gradient("L").resize((side, side))
    image = Image.merge("RGB", (ramp, ramp.rotate(90), Image.new("L", (side, side), seed)))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


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


def jpeg_with_lab_profile() -> bytes:
    """A JPEG with a LAB colour profile embedded: anything but sRGB."""
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


def gps_exif(orientation=6) -> Image.Exif:
    """EXIF as a phone writes it: orientation, the place (GPS), the camera and the time."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "SecretPhone 12"  # Model
    exif.get_ifd(EXIF_IFD).update({0x9003: "2025:03:01 09:15:00"})
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (50.0, 27.0, 1.0), 3: "E", 4: (30.0, 31.0, 2.0)})
    return exif


def camera_mpo(size=(60, 40)) -> bytes:
    """A multi-picture JPEG (MPO), as many cameras and phones write them: the photo, then a
    second picture (a preview or depth map), with EXIF orientation 6 and GPS."""
    first = Image.new("RGB", size, "#336699")
    first.paste((255, 0, 0), (0, 0, 10, 10))  # a red corner, to see where it goes
    second = Image.new("RGB", size, "#000000")
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second], exif=gps_exif())
    return buffer.getvalue()


def progressive_jpeg(size=(60, 40)) -> bytes:
    image = Image.new("RGB", size, "#336699")
    image.paste((255, 0, 0), (0, 0, 10, 10))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", progressive=True, quality=95, exif=gps_exif(orientation=3))
    return buffer.getvalue()


# Adobe RGB (1998): its primaries adapted to the ICC's D50 white, and its gamma, 563/256.
ADOBE_RGB_D50 = ((0.6097, 0.3111, 0.0195), (0.2053, 0.6257, 0.0609), (0.1492, 0.0632, 0.7446))
ADOBE_RGB_GAMMA = 563 / 256


def adobe_rgb_profile() -> bytes:
    """An ICC v2 matrix/TRC display profile of Adobe RGB (1998), built from its definition."""

    def s15(value):
        return struct.pack(">i", round(value * 65536))

    def xyz(x, y, z):
        return b"XYZ \0\0\0\0" + s15(x) + s15(y) + s15(z)

    description = b"Adobe RGB (1998) compatible\0"
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, 563) + b"\0\0"
    tags = [
        (b"desc", b"desc\0\0\0\0" + struct.pack(">I", len(description)) + description
         + b"\0" * 12 + b"\0" * 67),
        (b"cprt", b"text\0\0\0\0No copyright, use freely.\0"),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(*ADOBE_RGB_D50[0])),
        (b"gXYZ", xyz(*ADOBE_RGB_D50[1])),
        (b"bXYZ", xyz(*ADOBE_RGB_D50[2])),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]  # fmt: skip
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        body += b"\0" * (-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + b"\0\0\0\0"
        + bytes([2, 0x10, 0, 0])
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2025, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\0" * 24
        + b"\0" * 4  # rendering intent: perceptual
        + s15(0.9642) + s15(1.0) + s15(0.8249)
        + b"\0" * 48
    )  # fmt: skip
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


def jpeg_in_real_adobe_rgb(colour=(60, 160, 90), size=(32, 32)) -> bytes:
    """A flat-coloured JPEG whose pixel values are Adobe RGB, with that profile embedded."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(
        buffer, "JPEG", quality=100, icc_profile=adobe_rgb_profile(), exif=gps_exif()
    )
    return buffer.getvalue()


def adobe_rgb_to_srgb(colour) -> tuple[int, ...]:
    """The sRGB value of an Adobe RGB colour, computed from both standards' definitions
    (D65 matrices), independently of any colour management library."""
    to_xyz = (
        (0.5767309, 0.1855540, 0.1881852),
        (0.2973769, 0.6273491, 0.0752741),
        (0.0270343, 0.0706872, 0.9911085),
    )
    from_xyz = (
        (3.2404542, -1.5371385, -0.4985314),
        (-0.9692660, 1.8760108, 0.0415560),
        (0.0556434, -0.2040259, 1.0572252),
    )
    linear = [(c / 255) ** ADOBE_RGB_GAMMA for c in colour]
    xyz = [sum(m * c for m, c in zip(row, linear, strict=True)) for row in to_xyz]
    srgb = [
        min(1.0, max(0.0, sum(m * c for m, c in zip(row, xyz, strict=True)))) for row in from_xyz
    ]

    def encode(c):
        return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055

    return tuple(round(255 * encode(c)) for c in srgb)


def webp_claiming(width: int, height: int) -> bytes:
    """A tiny lossless WebP whose header claims ``width`` × ``height`` pixels."""
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), "#ffffff").save(buffer, "WEBP", lossless=True)
    data = bytearray(buffer.getvalue())
    start = data.index(b"VP8L") + 8
    assert data[start] == 0x2F
    bits = int.from_bytes(data[start + 1 : start + 5], "little")
    bits = (bits & ~((1 << 28) - 1)) | (width - 1) | ((height - 1) << 14)
    data[start + 1 : start + 5] = bits.to_bytes(4, "little")
    return bytes(data)
