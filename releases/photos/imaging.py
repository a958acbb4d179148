"""The photo library's gate: what an image must pass to be stored, and how it is cleaned.

Every image, uploaded in the admin or imported from a document, goes through
``prepare_photo()``: recognised by its content (not its name), refused with a message
that names the file and the reason, then re-encoded upright, in sRGB, with no metadata.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp"}
# Cameras and phones write JPEGs with a second picture (a preview, a depth map) that
# Pillow reads as MPO, "multi-picture": the photo is the first one, stored as a JPEG.
STORED_FORMATS = {"MPO": "JPEG"}

# Markup that has no business inside a photograph: its presence means a polyglot file
# built to be read as HTML or script by something other than an image decoder.
MARKUP_SIGNATURES = (
    b"<script",
    b"<html",
    b"<!doctype",
    b"<svg",
    b"<iframe",
    b"<body",
    b"<?php",
    b"javascript:",
    b"onerror=",
    b"onload=",
)

EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_IFD = 0x8769
EXIF_ARTIST = 0x013B


@dataclass
class PreparedPhoto:
    """A cleaned image, ready to store, and what was learnt from the original."""

    content: bytes
    extension: str
    width: int
    height: int
    source_sha256: str
    taken_at: date | None = None
    artist: str = ""


def refuse(name: str, reason: str, code="invalid_photo"):
    raise ValidationError(
        _("“%(name)s” cannot be used: %(reason)s"),
        code=code,
        params={"name": name, "reason": reason},
    )


def check_size(name: str, size: int, *, limit=None, code="invalid_photo"):
    """Refuse a file of ``size`` bytes over the limit, or empty, before anything reads it.

    The limit is ``PHOTO_MAX_UPLOAD_BYTES`` unless given (the documents' gate gives its own).
    """
    limit = limit or settings.PHOTO_MAX_UPLOAD_BYTES
    if size > limit:
        refuse(
            name,
            _("the file is larger than %(limit)s.") % {"limit": filesizeformat(limit)},
            code,
        )
    if not size:
        refuse(name, _("the file is empty."), code)


def prepare_photo(name: str, data: bytes) -> PreparedPhoto:
    """Check ``data`` (a file called ``name``) and return it cleaned, or raise ValidationError."""
    check_size(name, len(data))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        refuse(name, _("the image has too many pixels to be processed safely."))
    except UnidentifiedImageError:
        refuse(name, _("it is not a JPEG, PNG or WebP image."))

    lowered = data.lower()
    if any(signature in lowered for signature in MARKUP_SIGNATURES):
        refuse(name, _("the file contains HTML or script code besides the image."))
    if image.format not in ACCEPTED_FORMATS:
        refuse(
            name,
            _("it is a %(format)s image; only JPEG, PNG and WebP are accepted.")
            % {"format": image.format},
        )
    width, height = image.size
    # Checked on the header, before any pixel is decoded.
    if width * height > settings.PHOTO_MAX_PIXELS:
        refuse(
            name,
            _("the image has %(megapixels)s megapixels; the limit is %(limit)s.")
            % {
                "megapixels": number_format(width * height / 1_000_000, 1),
                "limit": number_format(settings.PHOTO_MAX_PIXELS / 1_000_000, 1),
            },
        )
    try:
        image.load()
    except (OSError, SyntaxError, ValueError):
        refuse(name, _("the file is damaged or incomplete."))

    taken_at, artist = read_origin(image)
    # Only the first picture of an MPO was loaded: the photo itself.
    clean = clean_image(image)
    output = io.BytesIO()
    save_clean(clean, STORED_FORMATS.get(image.format, image.format), output)
    return PreparedPhoto(
        content=output.getvalue(),
        extension=ACCEPTED_FORMATS[image.format],
        width=clean.width,
        height=clean.height,
        source_sha256=hashlib.sha256(data).hexdigest(),
        taken_at=taken_at,
        artist=artist,
    )


def read_origin(image) -> tuple[date | None, str]:
    """The date taken and the photographer, read before the metadata is thrown away."""
    try:
        exif = image.getexif()
    except Exception:
        return None, ""
    taken_at = None
    raw = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL)
    if isinstance(raw, str):
        try:
            taken_at = datetime.strptime(raw.strip(), "%Y:%m:%d %H:%M:%S").date()
        except ValueError:
            taken_at = None
    artist = exif.get(EXIF_ARTIST)
    return taken_at, artist.strip() if isinstance(artist, str) else ""


def clean_image(image):
    """Upright pixels in sRGB, with no metadata attached."""
    upright = ImageOps.exif_transpose(image)
    icc = image.info.get("icc_profile")
    if icc and upright.mode in ("RGB", "RGBA"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            srgb = ImageCms.createProfile("sRGB")
            upright = ImageCms.profileToProfile(upright, source, srgb, outputMode=upright.mode)
        except (ImageCms.PyCMSError, OSError):
            pass  # an unreadable profile is dropped; the pixels are kept as they are
    elif upright.mode == "CMYK":
        upright = upright.convert("RGB")
    # A new image from the pixels alone: nothing of the original's info dict survives.
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    return clean


def save_clean(image, fmt: str, output):
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(output, "JPEG", quality=92, optimize=True)
    elif fmt == "PNG":
        image.save(output, "PNG", optimize=True)
    else:
        image.save(output, "WEBP", quality=90)
