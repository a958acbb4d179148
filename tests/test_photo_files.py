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
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from releases.models import Official, Photo, PreviewLink, Release, Rendition
from releases.photos.imaging import prepare_photo

from . import images
from .factories import jpeg_bytes, make_official, make_public_photo, make_release, make_user
from .helpers import client_for, form_data, soup_of
from .images import opened

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
YEAR = "public, max-age=31536000, immutable"
PRIVATE = "private, no-store"


def stored_files(settings) -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# Which renditions exist ------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        "w000000000000000001600",
        "w0480",
        "w00480",
        "w2000",  # the photo's own width, larger than any configured one
        "w99999999999999999999",
        "W480",
        "card0",
        "w-480",
        "original",
    ],
)
def test_a_size_the_settings_do_not_define_is_a_404_before_any_photo_is_looked_up(
    client, photo, settings, spec
):
    before = stored_files(settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/renditions/{photo.code}/{spec}.webp")
    assert response.status_code == 404
    assert stored_files(settings) == before
    assert not Rendition.objects.exists()
    assert not [q for q in queries if "releases_photo" in q["sql"]]


@pytest.mark.parametrize("spec", ["w479", "w1000", "w1", "w1599"])
def test_a_width_this_photo_has_no_rendition_in_is_a_404_that_writes_nothing(
    client, photo, settings, spec
):
    before = stored_files(settings)
    assert client.get(f"/renditions/{photo.code}/{spec}.jpg").status_code == 404
    assert stored_files(settings) == before
    assert not Rendition.objects.exists()


def test_a_photo_narrower_than_the_largest_width_has_its_own_width_as_a_size(client):
    photo = make_public_photo("jrs-5105", size=(1000, 500))
    assert client.get(photo.rendition_url("w1000", "jpg")).status_code == 200
    assert client.get(photo.rendition_url("w1200", "jpg")).status_code == 404


def test_one_rendition_has_exactly_one_file_under_one_name(client, photo, settings):
    for _ in range(3):
        assert client.get(photo.rendition_url("w480", "jpg")).status_code == 200
    rendition = Rendition.objects.get()
    assert [f for f in stored_files(settings) if f.startswith("renditions/")] == [
        rendition.file.name
    ]


def test_a_rendition_whose_file_went_missing_is_drawn_again_under_the_same_name(
    client, photo, settings
):
    client.get(photo.rendition_url("w480", "jpg"))
    rendition = Rendition.objects.get()
    rendition.file.storage.delete(rendition.file.name)
    response = client.get(photo.rendition_url("w480", "jpg"))
    assert response.status_code == 200
    assert opened(body(response)).size == (480, 240)
    assert Rendition.objects.get().file.name == rendition.file.name
    assert [f for f in stored_files(settings) if f.startswith("renditions/")] == [
        rendition.file.name
    ]


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="threads cannot lock SQLite's shared in-memory test database; "
    "tests/test_deployment.py floods gunicorn's processes on a SQLite file instead",
)
@pytest.mark.django_db(transaction=True)
def test_a_flood_of_requests_for_a_new_rendition_draws_it_once(monkeypatch, settings):
    photo = make_public_photo("jrs-5105")
    drawn = []
    draw = Photo.open_for_rendition

    def counted(self, *args, **kwargs):
        drawn.append(self.code)
        return draw(self, *args, **kwargs)

    # Counted, not replaced: every request still draws or reads the real file.
    monkeypatch.setattr(Photo, "open_for_rendition", counted)
    url = photo.rendition_url("w1600", "webp")
    start = threading.Barrier(8)

    def fetch(_):
        start.wait()
        try:
            response = Client().get(url)
            return response.status_code, body(response)
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(fetch, range(8)))
    assert [status for status, _content in answers] == [200] * 8
    assert len({content for _status, content in answers}) == 1
    assert drawn == [photo.code]
    assert Rendition.objects.count() == 1
    assert len([f for f in stored_files(settings) if f.startswith("renditions/")]) == 1


# Who may fetch which file ----------------------------------------------------------------


def test_a_public_rendition_is_served_with_a_year_of_caching(client, photo):
    response = client.get(photo.rendition_url("w800", "jpg"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == YEAR
    assert "X-Accel-Redirect" not in response
    assert opened(body(response)).size == (800, 400)


@pytest.mark.parametrize("query", ["", "?v=0123456789ab"])
def test_a_rendition_asked_for_without_its_current_version_is_revalidated_each_time(
    client, photo, query
):
    response = client.get(f"/renditions/{photo.code}/w800.jpg{query}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, no-cache"


def test_an_unpublished_rendition_goes_to_staff_and_is_kept_by_no_cache(editor, draft_photo):
    response = editor.get(draft_photo.rendition_url("w64", "webp"))
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE
    assert opened(body(response)).format == "WEBP"


def test_staff_without_the_right_to_see_photos_get_no_unpublished_one(draft_photo):
    intern = client_for(make_user("intern"))  # staff, but in no group
    assert intern.get(draft_photo.rendition_url("w64", "jpg")).status_code == 404
    assert intern.get("/photos/jrs-9000/download/").status_code == 404


def test_a_preview_link_shows_the_releases_photos_privately_until_it_is_revoked(
    client, draft_photo
):
    release = Release.objects.get(hero_photo=draft_photo)
    link = PreviewLink.objects.create(
        release=release, expires_at=timezone.now() + timedelta(days=1)
    )
    url = f"{draft_photo.rendition_url('w64', 'jpg')}&preview={link.token}"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE
    link.revoked_at = timezone.now()
    link.save()
    assert client.get(url).status_code == 404


def test_an_unpublished_original_is_downloaded_by_staff_only_and_kept_by_no_cache(
    client, editor, draft_photo
):
    assert client.get("/photos/jrs-9000/download/").status_code == 404
    response = editor.get("/photos/jrs-9000/download/")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE
    assert response["Content-Disposition"] == 'attachment; filename="jrs-9000.jpg"'
    with draft_photo.image.open("rb") as stored:
        assert body(response) == stored.read()


def test_a_public_original_is_downloaded_by_anyone_and_revalidated(client, photo):
    response = client.get("/photos/jrs-5105/download/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, no-cache"
    assert response["Content-Type"] == "image/jpeg"


@pytest.fixture
def behind_nginx(settings):
    settings.MEDIA_ACCEL_REDIRECT = True
    return "/protected-media/"


def test_behind_nginx_a_public_rendition_is_handed_over_with_x_accel_redirect(
    client, photo, behind_nginx
):
    url = photo.rendition_url("w480", "jpg")
    for _ in range(2):  # the second from the page cache, if it had kept the first
        response = client.get(url)
        assert response.status_code == 200
        rendition = Rendition.objects.get()
        assert response["X-Accel-Redirect"] == behind_nginx + rendition.file.name
        assert response.content == b""
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == YEAR


def test_behind_nginx_unpublished_files_are_handed_over_privately(
    editor, draft_photo, behind_nginx
):
    response = editor.get(draft_photo.rendition_url("w64", "webp"))
    assert response["X-Accel-Redirect"].startswith(behind_nginx + "renditions/jrs-9000/")
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == PRIVATE
    download = editor.get("/photos/jrs-9000/download/")
    assert download["X-Accel-Redirect"] == behind_nginx + draft_photo.image.name
    assert download["Content-Disposition"] == 'attachment; filename="jrs-9000.jpg"'
    assert download["Cache-Control"] == PRIVATE


def test_the_admin_links_the_original_through_the_permission_check(editor, draft_photo):
    page = editor.get(f"/admin/releases/photo/{draft_photo.pk}/change/").content.decode()
    assert "/photos/jrs-9000/download/" in page
    assert "/media/" not in page


# What an attacker tries next ----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/renditions/..%2F..%2Fmod_press/w480.jpg",
        "/renditions/jrs-5105/..%2Fw480.jpg",
        "/renditions/jrs-5105/w480.jpg%00.html",
        "/renditions/jrs-5105/w480.JPG",
        "/renditions/jrs-5105/w480.php",
        "/renditions/jrs-5105/w480.jpg/",
        "/renditions/JRS-5105/w480.jpg",
        "/photos/..%2F..%2Fmedia/download/",
        "/photos/jrs-5105%2F..%2Fjrs-9000/download/",
    ],
)
def test_path_tricks_in_photo_addresses_are_refused(client, photo, draft_photo, path):
    # A NUL byte is refused as a bad request before routing; the rest find no page.
    expected = 400 if "%00" in path else 404
    assert client.get(path).status_code == expected


@pytest.mark.parametrize(
    "address",
    ["/renditions/{}/w64.jpg", "/photos/{}/", "/en/photos/{}/", "/photos/{}/download/"],
)
def test_an_unpublished_code_answers_exactly_as_a_code_that_does_not_exist(
    client, draft_photo, address
):
    hidden = client.get(address.format("jrs-9000"))
    missing = client.get(address.format("jrs-9999"))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content.replace(b"jrs-9000", b"jrs-9999") == missing.content
    assert hidden.get("Cache-Control") == missing.get("Cache-Control")


@pytest.mark.parametrize(
    ("width", "height", "reason"),
    [
        (16384, 16384, "too many pixels"),
        (12000, 9000, "too many pixels"),
        (9000, 7000, "63.0 megapixels"),
    ],
)
def test_a_tiny_webp_claiming_huge_dimensions_is_refused_without_being_decoded(
    english, width, height, reason
):
    data = images.webp_claiming(width, height)
    assert len(data) < 100
    tracemalloc.start()
    try:
        with pytest.raises(Exception) as error:
            prepare_photo("bomb.webp", data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reason in error.value.messages[0]
    assert peak < 5 * MB


# Replacing a photo ---------------------------------------------------------------------


def stored_small_photo():
    return make_public_photo("jrs-4000", size=(400, 300), colour="#446688")


def test_replacing_the_image_deletes_the_old_original_working_copy_and_renditions(
    editor, small_sizes, settings, django_capture_on_commit_callbacks
):
    photo = stored_small_photo()
    for spec, ext in (("w40", "webp"), ("card", "jpg")):
        assert editor.get(photo.rendition_url(spec, ext)).status_code == 200
    old = {
        photo.image.name,
        photo.working_copy_name(),
        *photo.renditions.values_list("file", flat=True),
    }
    assert old <= stored_files(settings)
    url = f"/admin/releases/photo/{photo.pk}/change/"
    data = form_data(editor, url)
    new = jpeg_bytes(size=(400, 300), colour="#aa2200")
    data["image"] = SimpleUploadedFile("new.jpg", new, "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(url, data)
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.image.name not in old
    assert stored_files(settings) == {photo.image.name, photo.working_copy_name()}
    assert not Rendition.objects.exists()
    # The new image is the one served.
    fresh = editor.get(photo.rendition_url("w80", "jpg"))
    assert opened(body(fresh)).getpixel((40, 30))[0] > 150


def test_a_replacement_rolled_back_keeps_the_old_files(
    small_sizes, settings, django_capture_on_commit_callbacks
):
    photo = stored_small_photo()
    before = stored_files(settings)
    new = prepare_photo("new.jpg", jpeg_bytes(size=(400, 300), colour="#aa2200"))
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        photo.store(new)
        photo.save()
        raise RuntimeError("the save fails after the new file was written")
    assert before <= stored_files(settings)


def test_deleting_a_photo_deletes_its_working_copy_and_renditions(
    editor, small_sizes, settings, django_capture_on_commit_callbacks
):
    photo = stored_small_photo()
    editor.get(photo.rendition_url("w40", "jpg"))
    Release.objects.filter(hero_photo=photo).delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(f"/admin/releases/photo/{photo.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert stored_files(settings) == set()


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
    soup = soup_of(response)
    assert refusal in soup.select_one(".field-image .errorlist").get_text()
    # Django kept no more of it than it takes to know it is too large.
    assert form.files["image"].size == settings.PHOTO_MAX_UPLOAD_BYTES + 1
    assert not Photo.objects.exists()


# Officials' portraits are photos too ----------------------------------------------------


def test_a_portrait_uploaded_in_the_admin_passes_the_photo_gate(editor, settings):
    url = "/admin/releases/official/add/"
    data = form_data(
        editor,
        url,
        name_uk="Іван Петренко",
        name_en="Ivan Petrenko",
        portrait=SimpleUploadedFile("ivan.jpg", images.jpeg_with_gps_and_orientation()),
    )
    assert editor.post(url, data).status_code == 302
    official = Official.objects.get()
    # A name that cannot be guessed from the official's.
    assert official.portrait.name.startswith("officials/portrait-")
    assert "petrenko" not in official.portrait.name
    with official.portrait.open("rb") as stored:
        content = stored.read()
    clean = opened(content)
    assert clean.size == (40, 60)
    assert not clean.getexif()
    assert b"SecretCam" not in content


def test_an_svg_portrait_is_refused_at_its_field(editor):
    url = "/en/admin/releases/official/add/"
    data = form_data(
        editor,
        url,
        name_uk="Іван Петренко",
        portrait=SimpleUploadedFile("ivan.svg", images.SVG, "image/svg+xml"),
    )
    response = editor.post(url, data)
    assert response.status_code == 200
    soup = soup_of(response)
    assert "“ivan.svg” cannot be used" in soup.select_one(".field-portrait .errorlist").text
    assert not Official.objects.exists()


@pytest.fixture
def portrayed():
    official = make_official(key="ivan-petrenko")
    official.portrait.save("ivan-petrenko.jpg", ContentFile(jpeg_bytes()), save=True)
    return official


def test_a_portrait_is_public_with_the_officials_page_and_for_staff_before(
    client, editor, portrayed
):
    url = portrayed.portrait_url
    assert client.get(url).status_code == 404  # no public release names the official yet
    staff = editor.get(url)
    assert staff.status_code == 200
    assert staff["Cache-Control"] == PRIVATE
    make_release().officials.add(portrayed)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == YEAR
    assert response["Content-Type"] == "image/jpeg"
    with portrayed.portrait.open("rb") as stored:
        assert body(response) == stored.read()
    page = client.get(portrayed.get_absolute_url()).content.decode()
    assert f'src="{portrayed.portrait_url}"'.replace("&", "&amp;") in page
    assert "/media/" not in page


def test_replacing_or_removing_a_portrait_deletes_the_old_file(
    editor, portrayed, settings, django_capture_on_commit_callbacks
):
    url = f"/admin/releases/official/{portrayed.pk}/change/"
    old = portrayed.portrait.name
    new = SimpleUploadedFile("new.jpg", jpeg_bytes(colour="#aa2200"), "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(url, form_data(editor, url, portrait=new)).status_code == 302
    portrayed.refresh_from_db()
    assert stored_files(settings) == {portrayed.portrait.name}
    assert portrayed.portrait.name != old
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(url, form_data(editor, url, **{"portrait-clear": "on"}))
    assert response.status_code == 302
    assert stored_files(settings) == set()
