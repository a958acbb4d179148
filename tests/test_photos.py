import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from releases.models import Photo, Release, Rendition
from releases.photos.imaging import prepare_photo

from . import images
from .factories import add_photo_block, jpeg_bytes, make_photo, make_public_photo, make_release
from .helpers import upload
from .images import opened

pytestmark = pytest.mark.django_db


# Metadata -------------------------------------------------------------------------------


def test_jpeg_loses_gps_camera_serial_xmp_and_comment_and_stands_upright():
    prepared = prepare_photo("DSC_0001.JPG", images.jpeg_with_gps_and_orientation())
    clean = opened(prepared.content)
    assert clean.size == (40, 60)  # orientation 6 applied to the pixels
    assert clean.getpixel((35, 5))[0] > 200  # the red corner turned to the top right
    assert not clean.getexif()
    for key in ("exif", "xmp", "comment", "icc_profile"):
        assert key not in clean.info
    for secret in (b"Exif", b"SecretCam", b"SN-123456", b"xmpmeta", b"internal comment"):
        assert secret not in prepared.content


def test_date_taken_and_author_are_kept_as_fields_not_in_the_file():
    prepared = prepare_photo("a.jpg", images.jpeg_with_gps_and_orientation())
    assert prepared.taken_at.isoformat() == "2025-02-20"
    assert prepared.artist == "Ivan Photographer"
    photo = Photo(code="jrs-0001")
    photo.store(prepared)
    photo.save()
    assert photo.taken_at.isoformat() == "2025-02-20"
    assert photo.credit_uk == "Ivan Photographer"
    assert b"Ivan" not in photo.image.open("rb").read()


def test_png_text_chunks_are_removed():
    prepared = prepare_photo("scan.png", images.png_with_text_chunk())
    clean = opened(prepared.content)
    assert clean.format == "PNG"
    assert clean.mode == "RGBA"
    assert not getattr(clean, "text", {})
    assert b"secret location" not in prepared.content
    assert b"someone" not in prepared.content


def test_colour_profile_is_converted_to_srgb_and_dropped():
    prepared = prepare_photo("print.jpg", images.jpeg_with_lab_profile())
    clean = opened(prepared.content)
    assert "icc_profile" not in clean.info


def test_webp_is_accepted_and_stays_webp():
    prepared = prepare_photo("photo.webp", images.webp_image())
    assert prepared.extension == ".webp"
    assert opened(prepared.content).format == "WEBP"


# Refusals -------------------------------------------------------------------------------


def test_refusal_speaks_the_press_officers_language():
    with pytest.raises(ValidationError) as error:
        prepare_photo("large.png", images.png_bomb(9000, 9000))
    assert error.value.messages[0] == (
        "Файл «large.png» не можна використати: зображення має 81,0 мегапікселів, а межа — 60,0."
    )


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("logo.svg", images.SVG, "not a JPEG, PNG or WebP image"),
        ("photo.jpg", images.HTML_AS_JPEG, "not a JPEG, PNG or WebP image"),
        ("release.pdf", images.PDF, "not a JPEG, PNG or WebP image"),
        ("animation.gif", images.gif_image(), "it is a GIF image"),
        ("cut.jpg", images.truncated_jpeg(), "damaged or incomplete"),
        ("bomb.png", images.png_bomb(), "too many pixels"),
        ("large.png", images.png_bomb(9000, 9000), "81.0 megapixels"),
        ("polyglot.jpg", images.polyglot_jpeg(), "HTML or script"),
        ("empty.jpg", b"", "empty"),
    ],
)
def test_unsafe_or_broken_files_are_refused_naming_the_file_and_reason(
    english, name, data, reason
):
    with pytest.raises(ValidationError) as error:
        prepare_photo(name, data)
    message = error.value.messages[0]
    assert f"“{name}”" in message
    assert reason in message


def test_file_over_the_size_limit_is_refused(english, settings):
    settings.PHOTO_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        prepare_photo("big.jpg", jpeg_bytes(size=(400, 400)) + b"\0" * 2000)
    assert "larger than" in error.value.messages[0]


# Codes and duplicates -------------------------------------------------------------------


def test_next_code_follows_the_highest_number_with_the_prefix():
    make_photo(code="jrs-5105")
    make_photo(code="jrs-5088")
    make_photo(code="other-9999")
    assert Photo.objects.next_code("jrs") == "jrs-5106"
    assert Photo.objects.next_code("new") == "new-0001"


def test_admin_upload_stores_a_clean_copy(staff):
    response = staff.post(
        "/admin/releases/photo/add/",
        {
            "code": "jrs-7000",
            "image": upload("DSC.jpg", images.jpeg_with_gps_and_orientation()),
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )
    assert response.status_code == 302
    photo = Photo.objects.get(code="jrs-7000")
    assert (photo.width, photo.height) == (40, 60)
    assert photo.image.name.startswith("photos/jrs-7000-")
    assert photo.download_name == "jrs-7000.jpg"
    assert b"SecretCam" not in photo.image.open("rb").read()


def test_the_same_image_uploaded_twice_points_to_the_existing_asset(staff):
    data = images.jpeg_with_gps_and_orientation()
    fields = {"focal_x": "0.5", "focal_y": "0.5"}
    staff.post(
        "/admin/releases/photo/add/", {"code": "jrs-1", "image": upload("a.jpg", data), **fields}
    )
    response = staff.post(
        "/admin/releases/photo/add/", {"code": "jrs-2", "image": upload("b.jpg", data), **fields}
    )
    assert response.status_code == 200
    assert "вже є в бібліотеці як jrs-1" in response.content.decode()
    existing = Photo.objects.get(code="jrs-1")
    assert f"/admin/releases/photo/{existing.pk}/change/" in response.content.decode()
    assert Photo.objects.count() == 1


def test_an_svg_uploaded_in_the_admin_is_refused_at_the_image_field(staff):
    response = staff.post(
        "/en/admin/releases/photo/add/",
        {
            "code": "jrs-3",
            "image": upload("x.svg", images.SVG, "image/svg+xml"),
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )
    assert response.status_code == 200
    assert (
        "“x.svg” cannot be used: it is not a JPEG, PNG or WebP image." in response.content.decode()
    )
    assert not Photo.objects.exists()


# Batch uploads ("Upload several photos") are in test_photo_uploads.py.


def test_deleting_a_photo_used_by_a_release_is_refused_naming_the_release(staff):
    photo = make_photo()
    release = make_release(title_uk="Реліз із фото")
    add_photo_block(release, photo)
    response = staff.post(f"/admin/releases/photo/{photo.pk}/delete/", {"post": "yes"})
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert "Реліз із фото" in response.content.decode()


def test_photo_list_shows_the_releases_that_use_each_photo(staff):
    photo = make_photo()
    make_release(title_uk="Головне фото тут", hero_photo=photo)
    page = staff.get("/admin/releases/photo/").content.decode()
    assert "Головне фото тут" in page


# Alt text and publication ---------------------------------------------------------------


def test_release_is_not_public_in_a_language_its_photos_are_not_described_in():
    photo = make_photo(alt_en="")
    release = make_release()
    add_photo_block(release, photo)
    assert release in Release.objects.public("uk")
    assert release not in Release.objects.public("en")


def test_hero_photo_needs_alt_text_in_the_language_too():
    release = make_release(hero_photo=make_photo(alt_uk=""))
    assert release not in Release.objects.public("uk")
    assert release in Release.objects.public("en")


# Renditions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/photos/jrs-9000/",
        "/en/photos/jrs-9000/",
        "/photos/jrs-9000/download/",
        "/renditions/jrs-9000/w64.jpg",
        "/renditions/jrs-9000/card.webp",
    ],
)
def test_photo_of_an_unpublished_release_stays_hidden_from_the_public(client, draft_photo, url):
    assert client.get(url).status_code == 404


def test_staff_see_renditions_of_unpublished_photos_in_the_admin(staff, draft_photo):
    assert staff.get("/renditions/jrs-9000/w64.jpg").status_code == 200


def test_stored_file_names_cannot_be_guessed_from_the_code(draft_photo):
    assert draft_photo.image.name != "photos/jrs-9000.jpg"
    assert len(draft_photo.image.name) > len("photos/jrs-9000.jpg") + 8


def test_renditions_come_in_the_configured_sizes(client, photo, settings):
    for spec in photo.all_rendition_specs():
        for ext in ("webp", "jpg"):
            response = client.get(photo.rendition_url(spec, ext))
            assert response.status_code == 200
    sizes = {(r.spec, r.extension): (r.width, r.height) for r in photo.renditions.all()}
    assert sizes[("w480", "webp")] == (480, 240)
    assert sizes[("w1600", "jpg")] == (1600, 800)
    assert sizes[("social", "jpg")] == settings.PHOTO_CROPS["social"]
    for (_spec, ext), size in sizes.items():
        rendition = photo.renditions.get(spec=_spec, extension=ext)
        with rendition.file.open("rb") as f:
            image = Image.open(f)
            assert image.size == size
            assert image.format == {"webp": "WEBP", "jpg": "JPEG"}[ext]


def test_a_rendition_is_made_once_and_reused(client, photo):
    url = photo.rendition_url("w800", "webp")
    first = client.get(url)
    rendition = Rendition.objects.get()
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert b"".join(first.streaming_content) == b"".join(second.streaming_content)
    assert Rendition.objects.count() == 1
    assert Rendition.objects.get().pk == rendition.pk


def test_a_new_focal_point_makes_new_crops_and_removes_the_old(client, photo):
    client.get(photo.rendition_url("card", "jpg"))
    old = Rendition.objects.get()
    photo.focal_x = 0.1
    photo.save()
    assert not Rendition.objects.filter(pk=old.pk).exists()
    client.get(photo.rendition_url("card", "jpg"))
    assert Rendition.objects.get().version != old.version


@pytest.mark.parametrize("path", ["w999.webp", "w800.gif", "huge.jpg", "w4000.jpg"])
def test_unknown_renditions_are_404(client, photo, path):
    spec, ext = path.split(".")
    assert client.get(f"/renditions/{photo.code}/{spec}.{ext}").status_code == 404


def test_pages_use_picture_with_webp_srcset_jpeg_fallback_and_dimensions(client, photo):
    release = Release.objects.get(hero_photo=photo)
    add_photo_block(release, photo)
    page = client.get(release.get_absolute_url()).content.decode()
    assert '<source type="image/webp" srcset="/renditions/jrs-5105/w480.webp?v=' in page
    assert 'width="2000" height="1000"' in page
    assert 'loading="lazy"' in page


def test_download_is_the_clean_original_named_by_its_code(client, photo):
    response = client.get("/en/photos/jrs-5105/download/")
    assert response.status_code == 200
    assert 'filename="jrs-5105.jpg"' in response["Content-Disposition"]
    assert opened(b"".join(response.streaming_content)).size == (2000, 1000)


def test_regenerate_renditions_rebuilds_every_size(photo):
    from django.core.management import call_command

    call_command("regenerate_renditions")
    assert photo.renditions.count() == 2 * len(photo.all_rendition_specs())


def test_regenerate_renditions_dry_run_changes_nothing(photo, capsys):
    from django.core.management import call_command

    call_command("regenerate_renditions", dry_run=True)
    assert not photo.renditions.exists()
    assert "1 photo" in capsys.readouterr().out


def test_photo_of_an_archived_release_with_a_notice_stays_visible(client):
    photo = make_photo(code="jrs-7777")
    make_release(
        hero_photo=photo,
        status=Release.Status.ARCHIVED,
        archive_mode=Release.ArchiveMode.NOTICE,
    )
    assert client.get("/photos/jrs-7777/").status_code == 200
    assert client.get(photo.rendition_url(f"w{photo.widths()[0]}", "jpg")).status_code == 200


def test_renditions_of_embargoed_photos_are_never_kept_by_shared_caches(staff, draft_photo):
    response = staff.get("/renditions/jrs-9000/w64.jpg")
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


# Working copies ---------------------------------------------------------------------------


def stored_photo(code, fmt, mode="RGB"):
    colour = (68, 102, 136, 128)[: len(mode)]
    return make_public_photo(code, size=(400, 300), colour=colour, fmt=fmt, mode=mode)


@pytest.mark.parametrize(
    ("fmt", "mode", "working_format"),
    [
        ("JPEG", "RGB", "JPEG"),
        ("PNG", "RGB", "JPEG"),
        ("PNG", "RGBA", "PNG"),
        ("WEBP", "RGB", "JPEG"),
    ],
)
def test_a_stored_photo_gets_a_working_copy_twice_the_largest_rendition(
    small_sizes, fmt, mode, working_format
):
    photo = stored_photo("jrs-4000", fmt, mode=mode)
    with photo.image.storage.open(photo.working_copy_name(mode == "RGBA")) as stored:
        working = Image.open(stored)
        assert working.size == (160, 120)
        assert working.format == working_format
        assert working.mode == mode


def test_renditions_are_drawn_from_the_working_copy_not_the_original(client, small_sizes):
    photo = stored_photo("jrs-4001", "JPEG")
    # Without the original, only the working copy can be drawn from.
    photo.image.storage.delete(photo.image.name)
    for spec, size in (("w80", (80, 60)), ("card", (80, 60)), ("w40", (40, 30))):
        assert client.get(photo.rendition_url(spec, "webp")).status_code == 200
        rendition = photo.renditions.get(spec=spec, extension="webp")
        with rendition.file.open("rb") as f:
            assert Image.open(f).size == size


def test_a_photo_no_larger_than_a_working_copy_gets_none(photo):
    assert not photo.needs_working_copy
    assert not photo.image.storage.exists(photo.working_copy_name())


def test_regenerate_renditions_makes_missing_working_copies(small_sizes):
    from django.core.management import call_command

    photo = stored_photo("jrs-4002", "JPEG")
    photo.image.storage.delete(photo.working_copy_name())
    call_command("regenerate_renditions", working_copies_only=True, verbosity=0)
    assert photo.image.storage.exists(photo.working_copy_name())
    assert not photo.renditions.exists()


def test_a_rendition_file_name_carries_the_photo_version_and_the_size(client, photo):
    client.get(photo.rendition_url("w800", "jpg"))
    name = Rendition.objects.get().file.name
    assert name == f"renditions/jrs-5105/{photo.rendition_version}-w800-800x400.jpg"
