"""Photo files under attack and in daily use: which renditions may exist and how many times
they are drawn, who may fetch which file and for how long it may be kept, what replacing a
photo leaves behind, the files cameras write, and uploads far over the limit."""

import io
import threading
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from PIL import Image

from releases.imaging import prepare_photo
from releases.models import Official, Photo, PreviewLink, Release, Rendition
from releases.roles import EDITOR

from . import images
from .factories import jpeg_bytes, make_official, make_photo, make_release
from .test_workflow import client_for, form_data, make_user

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
YEAR = "public, max-age=31536000, immutable"
PRIVATE = "private, no-store"


def stored_files(settings) -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def opened(data: bytes):
    return Image.open(io.BytesIO(data))


def public_photo(code="jrs-5105", size=(2000, 1000), colour="#445566"):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    photo = Photo(code=code, alt_uk="Опис", alt_en="Description")
    photo.store(prepare_photo(f"{code}.jpg", buffer.getvalue()))
    photo.save()
    make_release(hero_photo=photo)
    return photo


@pytest.fixture
def photo():
    return public_photo()


@pytest.fixture
def draft_photo():
    photo = make_photo(code="jrs-9000")
    make_release(published=False, hero_photo=photo)
    return photo


@pytest.fixture
def editor():
    return client_for(make_user("editor", EDITOR))


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def small_sizes(settings):
    """Rendition sizes small enough that a 400-pixel photo has a working copy (160 px)."""
    settings.PHOTO_WIDTHS = [40, 80]
    settings.PHOTO_CROPS = {"card": (80, 60)}


# Files as cameras and phones write them ---------------------------------------------------


def assert_clean(content: bytes):
    clean = opened(content)
    assert clean.format == "JPEG"
    assert not clean.getexif()
    for key in ("exif", "icc_profile", "mp", "mpoffset"):
        assert key not in clean.info
    for secret in (b"Exif", b"SecretPhone", b"MPF"):
        assert secret not in content
    return clean


def test_a_camera_mpo_is_accepted_as_its_first_picture_upright_and_without_gps():
    prepared = prepare_photo("DSC_0042.JPG", images.camera_mpo())
    clean = assert_clean(prepared.content)
    assert prepared.extension == ".jpg"
    assert clean.size == (40, 60)  # orientation 6 applied to the pixels
    assert clean.getpixel((35, 5))[0] > 200  # the red corner turned to the top right
    assert clean.getpixel((20, 30))[2] > 100  # the photo, not the black second picture
    assert getattr(clean, "n_frames", 1) == 1
    assert prepared.taken_at.isoformat() == "2025-03-01"


def test_a_phone_photo_is_accepted_by_the_admin(editor):
    response = editor.post(
        "/admin/releases/photo/add/",
        {
            "code": "jrs-7100",
            "image": SimpleUploadedFile("IMG_0001.JPG", images.camera_mpo(), "image/jpeg"),
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )
    assert response.status_code == 302
    photo = Photo.objects.get(code="jrs-7100")
    assert (photo.width, photo.height) == (40, 60)
    with photo.image.open("rb") as stored:
        assert_clean(stored.read())


def test_an_adobe_rgb_jpeg_is_converted_to_srgb():
    colour = (200, 120, 80)
    prepared = prepare_photo("agency.jpg", images.jpeg_in_real_adobe_rgb(colour))
    clean = assert_clean(prepared.content)
    expected = images.adobe_rgb_to_srgb(colour)
    assert expected[0] - colour[0] > 20  # the conversion makes a visible difference
    pixel = clean.getpixel((16, 16))
    assert all(abs(a - b) <= 3 for a, b in zip(pixel, expected, strict=True)), (pixel, expected)


def test_a_progressive_jpeg_is_accepted_upright_and_clean():
    prepared = prepare_photo("progressive.jpg", images.progressive_jpeg())
    clean = assert_clean(prepared.content)
    assert clean.size == (60, 40)
    assert clean.getpixel((55, 35))[0] > 200  # orientation 3: the red corner at bottom right


# Uploads far over the limit --------------------------------------------------------------


class Body:
    """A request body read as a stream: bytes, a file, bytes, never all in memory."""

    def __init__(self, *parts):
        self.parts = [io.BytesIO(p) if isinstance(p, bytes) else p for p in parts]

    def read(self, size=-1):
        out = b""
        while self.parts and (size < 0 or len(out) < size):
            chunk = self.parts[0].read(-1 if size < 0 else size - len(out))
            if not chunk:
                self.parts.pop(0)
            out += chunk
        return out

    def readline(self, size=-1):
        return self.read(size)


def multipart(fields: dict, file_field: str, file_name: str, file, file_size: int):
    boundary = "----mod-press-test-boundary"
    head = b""
    for name, value in fields.items():
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{file_name}"\r\nContent-Type: image/jpeg\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return {
        "wsgi.input": Body(head, file, tail),
        "CONTENT_LENGTH": str(len(head) + file_size + len(tail)),
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
    }


def test_a_400_mb_upload_is_refused_by_its_size_at_the_field_using_no_memory(
    editor, tmp_path, settings
):
    huge, size = tmp_path / "huge.jpg", 400 * MB
    with huge.open("wb") as sparse:
        sparse.truncate(size)
    fields = {"code": "jrs-7200", "focal_x": "0.5", "focal_y": "0.5"}
    with huge.open("rb") as file:
        environ = multipart(fields, "image", "huge.jpg", file, size)
        tracemalloc.start()
        try:
            response = editor.generic("POST", "/en/admin/releases/photo/add/", **environ)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert response.status_code == 200
    assert peak < 10 * MB, peak
    form = response.context["adminform"].form
    refusal = "“huge.jpg” cannot be used: the file is larger than 25.0\xa0MB."
    assert form.errors["image"] == [refusal]
    soup = BeautifulSoup(response.content, "html.parser")
    assert refusal in soup.select_one(".field-image .errorlist").get_text()
    # Django kept no more of it than it takes to know it is too large.
    assert form.files["image"].size == settings.PHOTO_MAX_UPLOAD_BYTES + 1
    assert not Photo.objects.exists()
