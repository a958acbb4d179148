"""Batch photo uploads: the request stores and queues, a real database worker does the rest.

Uploads go through Django's test client as a browser sends them; the files are real
images drawn by Pillow; the queue is django-tasks' database backend and the worker is
its own loop (``db_worker``'s ``Worker`` in batch mode), in the same process.
"""

import hashlib
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from releases.models import Photo, PhotoUpload
from releases.photos import uploads
from releases.photos.imaging import prepare_photo

from . import images
from .factories import jpeg_bytes, make_photo
from .helpers import needs_postgresql, run_worker, soup_of, upload
from .images import large_image

# The worker's loop closes and reopens its database connection as a long-running
# process should; only a test database in autocommit (not one open transaction per
# test) lets it do so.
pytestmark = pytest.mark.django_db(transaction=True)

UPLOAD_URL = "/admin/releases/photo/upload/"


def incoming_files() -> list[str]:
    root = Path(storages["uploads"].location)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def states_on(client, url) -> dict:
    """File name -> (state, result) as the upload states page shows them."""
    response = client.get(url)
    assert response.status_code == 200
    rows = soup_of(response).select("#upload-states tbody tr")
    return {
        row.select_one(".upload-name").get_text(strip=True): (
            row.select_one(".upload-state").get_text(strip=True),
            row.select_one(".upload-result").get_text(" ", strip=True),
        )
        for row in rows
    }


def post_batch(client, files, **fields):
    data = {"files": files, "prefix": "jrs", **fields}
    return client.post(UPLOAD_URL, data)


# The request -----------------------------------------------------------------------------


def test_batch_upload_returns_before_any_image_is_decoded(press_officer):
    files = [upload(f"DSC_{i}.jpg", large_image(i)) for i in range(3)]
    files.append(upload("scan.png", large_image(9, "PNG"), "image/png"))

    response = post_batch(press_officer, files)

    assert response.status_code == 302
    batch = PhotoUpload.objects.get(name="scan.png").batch
    assert response["Location"] == f"/admin/releases/photo/uploads/{batch}/"
    # Nothing went through the gate: no photo, every file waits, each with its task.
    assert not Photo.objects.exists()
    assert set(PhotoUpload.objects.values_list("state", flat=True)) == {"queued"}
    assert DBTaskResult.objects.ready().count() == 4
    # The files wait in the private storage, under names that are not the sender's.
    assert len(incoming_files()) == 4
    assert not any("DSC" in name for name in incoming_files())
    assert not (Path(settings.MEDIA_ROOT) / "incoming").exists()
    states = states_on(press_officer, response["Location"])
    assert states["DSC_0.jpg"][0] == "В черзі"
    assert len(states) == 4


def test_each_file_ends_stored_under_the_next_code_or_refused_by_name(press_officer):
    make_photo(code="jrs-5105")
    files = [
        upload("one.jpg", large_image(1)),
        upload("two.jpg", large_image(2)),
        upload("fake.jpg", images.HTML_AS_JPEG),
        upload("three.png", images.png_with_text_chunk(), "image/png"),
    ]
    response = post_batch(press_officer, files, credit_uk="Пресслужба", credit_en="Press service")

    run_worker()

    by_name = {u.name: u for u in PhotoUpload.objects.select_related("photo")}
    assert by_name["one.jpg"].photo.code == "jrs-5106"
    assert by_name["two.jpg"].photo.code == "jrs-5107"
    assert by_name["three.png"].photo.code == "jrs-5108"
    assert by_name["fake.jpg"].state == "refused"
    assert by_name["two.jpg"].photo.credit_en == "Press service"
    assert (by_name["one.jpg"].photo.width, by_name["one.jpg"].photo.height) == (3000, 3000)
    assert not incoming_files()  # nothing is left waiting once every file has ended

    page = response["Location"]
    uk = states_on(press_officer, page)
    assert uk["one.jpg"] == ("Збережено", "jrs-5106")
    assert uk["fake.jpg"][0] == "Відхилено"
    assert (
        uk["fake.jpg"][1]
        == "Файл «fake.jpg» не можна використати: це не зображення JPEG, PNG чи WebP."
    )
    en = states_on(press_officer, "/en" + page)
    assert en["fake.jpg"] == (
        "Refused",
        "“fake.jpg” cannot be used: it is not a JPEG, PNG or WebP image.",
    )


def test_a_whole_shoot_is_stored_in_the_order_it_was_chosen_and_shown_in_the_library(
    press_officer,
):
    files = [
        upload(f"{i:02d}.jpg", jpeg_bytes(colour=f"#{i:02x}{i:02x}{i:02x}")) for i in range(30)
    ]
    post_batch(press_officer, files, prefix="shoot")
    run_worker()
    codes = dict(PhotoUpload.objects.values_list("name", "photo__code"))
    assert codes == {f"{i:02d}.jpg": f"shoot-{i + 1:04d}" for i in range(30)}
    library = soup_of(press_officer.get("/admin/releases/photo/"))
    recent = library.find(id="upload-states")
    assert recent["data-pending"] == "0"
    assert "Збережено: 30" in recent.get_text()


def test_the_same_file_twice_is_reported_as_a_duplicate_with_a_link(press_officer):
    existing = make_photo(code="jrs-0001")
    existing.source_sha256 = hashlib.sha256(jpeg_bytes(colour="#123456")).hexdigest()
    existing.save()
    photo = large_image(5)
    files = [
        upload("first.jpg", photo),
        upload("again.jpg", photo),
        upload("old.jpg", jpeg_bytes(colour="#123456")),
    ]
    response = post_batch(press_officer, files)
    run_worker()

    stored = Photo.objects.get(code="jrs-0002")
    again = PhotoUpload.objects.get(name="again.jpg")
    assert again.state == "refused" and again.duplicate_of == stored
    assert PhotoUpload.objects.get(name="old.jpg").duplicate_of == existing
    assert Photo.objects.count() == 2
    soup = soup_of(press_officer.get(response["Location"]))
    row = soup.find("th", string="again.jpg").parent
    assert "вже є в бібліотеці як jrs-0002" in row.get_text()
    assert row.find("a")["href"] == f"/admin/releases/photo/{stored.pk}/change/"


def test_a_file_larger_than_the_limit_is_refused_at_once_and_not_stored(press_officer, settings):
    settings.PHOTO_MAX_UPLOAD_BYTES = 1000
    response = post_batch(
        press_officer, [upload("huge.jpg", large_image(3)), upload("small.jpg", jpeg_bytes())]
    )
    huge = PhotoUpload.objects.get(name="huge.jpg")
    assert huge.state == "refused"
    assert (
        huge.reasons["en"] == "“huge.jpg” cannot be used: the file is larger than 1000\xa0bytes."
    )
    assert huge.reasons["uk"].endswith("файл більший за 1000\xa0байтів.")
    assert len(incoming_files()) == 1  # only the small one waits for the worker
    assert states_on(press_officer, "/en" + response["Location"])["huge.jpg"][0] == "Refused"


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("PHOTO_BATCH_MAX_FILES", 2, "не більше 2 файлів за раз; ви вибрали 3"),
        ("PHOTO_UPLOAD_MAX_PENDING", 2, "щонайбільше 2"),
    ],
)
def test_a_batch_over_the_limits_is_refused_at_the_files_field(
    press_officer, settings, setting, value, expected
):
    setattr(settings, setting, value)
    files = [upload(f"{i}.jpg", jpeg_bytes(colour=f"#0000{i:02x}")) for i in range(3)]
    response = post_batch(press_officer, files, credit_uk="Пресслужба")
    assert response.status_code == 200
    errors = soup_of(response).select_one(".field-files .errorlist").get_text()
    assert expected in errors
    assert not PhotoUpload.objects.exists()
    assert not incoming_files()
    # What was typed is still in the form.
    assert soup_of(response).find("input", attrs={"name": "credit_uk"})["value"] == "Пресслужба"


def test_a_prefix_that_cannot_start_a_photo_code_is_refused_at_its_field(press_officer):
    response = post_batch(press_officer, [upload("a.jpg", jpeg_bytes())], prefix="jrs--_x")
    assert response.status_code == 200
    assert soup_of(response).select_one(".field-prefix .errorlist")
    assert not PhotoUpload.objects.exists()


def test_a_file_name_with_markup_or_direction_tricks_is_shown_as_text(press_officer):
    name = "<img src=x onerror=alert(1)>\u202egpj.exe"
    response = post_batch(press_officer, [upload(name, images.SVG, "image/svg+xml")])
    run_worker()
    record = PhotoUpload.objects.get()
    assert record.name == "<img src=x onerror=alert(1)>gpj.exe"
    page = press_officer.get(response["Location"]).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;gpj.exe" in page
    assert record.state == "refused"


def test_files_waiting_long_for_the_worker_are_pointed_out(press_officer):
    response = post_batch(press_officer, [upload("a.jpg", jpeg_bytes())])
    notice = "Деякі файли чекають понад п’ять хвилин"
    assert notice not in press_officer.get(response["Location"]).content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        assert notice in press_officer.get(response["Location"]).content.decode()


def test_without_a_worker_the_immediate_backend_stores_the_batch_in_the_request(
    press_officer, settings
):
    # What TASKS_IMMEDIATE=true gives a developer running `manage.py runserver` alone.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    post_batch(press_officer, [upload("now.jpg", jpeg_bytes()), upload("bad.jpg", images.SVG)])
    assert PhotoUpload.objects.get(name="now.jpg").photo.code == "jrs-0001"
    assert PhotoUpload.objects.get(name="bad.jpg").state == "refused"
    assert not incoming_files()
    assert not DBTaskResult.objects.exists()


# Who may upload --------------------------------------------------------------------------


def test_forged_batch_upload_by_a_translator_is_refused_and_stores_nothing(translator):
    assert translator.get(UPLOAD_URL).status_code == 403
    response = post_batch(translator, [upload("a.jpg", large_image(1))])
    assert response.status_code == 403
    assert not PhotoUpload.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert not incoming_files()


def test_only_people_who_may_add_photos_see_upload_states(press_officer, translator, editor):
    response = post_batch(press_officer, [upload("secret-location.jpg", jpeg_bytes())])
    batch_page = response["Location"]
    for url in (batch_page, "/admin/releases/photo/uploads/"):
        assert translator.get(url).status_code == 403
    library = translator.get("/admin/releases/photo/").content.decode()
    assert "secret-location.jpg" not in library
    assert "secret-location.jpg" in editor.get("/admin/releases/photo/").content.decode()
    assert editor.get(batch_page).status_code == 200


def test_upload_states_page_works_without_inline_script_under_a_strict_policy(press_officer):
    response = post_batch(press_officer, [upload("a.jpg", jpeg_bytes())])
    page = press_officer.get(response["Location"])
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    soup = soup_of(page)
    assert all(script.get("src") for script in soup.find_all("script"))
    assert soup.find("script", src=lambda src: src.endswith("js/admin-upload-states.js"))
    block = soup.find(id="upload-states")
    assert block["data-pending"] == "1"
    # Without JavaScript, a link reloads the page.
    assert block.find("a", href=response["Location"])
    assert page["Cache-Control"].startswith("max-age=0")


# When the worker stops -------------------------------------------------------------------


def abandon(record):
    """What a worker killed mid-file leaves: the record claimed, and no one finishing it."""
    assert uploads.claim(record.pk) is not None


def test_a_file_whose_worker_died_is_retried_and_stored(press_officer):
    post_batch(press_officer, [upload("killed.jpg", large_image(4))])
    record = PhotoUpload.objects.get()
    abandon(record)

    call_command("recover_photo_uploads", verbosity=0)
    assert PhotoUpload.objects.get().state == "processing"  # not stale yet: its worker may live

    later = timezone.now() + timedelta(seconds=settings.PHOTO_UPLOAD_TIMEOUT + 1)
    with time_machine.travel(later, tick=False):
        call_command("recover_photo_uploads", verbosity=0)
    assert PhotoUpload.objects.get().state == "queued"

    run_worker()
    record.refresh_from_db()
    assert record.state == "stored" and record.photo.code == "jrs-0001"
    assert record.attempts == 2


def test_a_file_that_stops_the_worker_every_time_ends_failed_with_the_reason(press_officer):
    response = post_batch(press_officer, [upload("poison.jpg", large_image(6))])
    record = PhotoUpload.objects.get()
    now = timezone.now()
    for attempt in range(settings.PHOTO_UPLOAD_ATTEMPTS):
        with time_machine.travel(now + timedelta(hours=attempt), tick=False):
            abandon(record)
        with time_machine.travel(now + timedelta(hours=attempt, minutes=30), tick=False):
            call_command("recover_photo_uploads", verbosity=0)

    record.refresh_from_db()
    assert record.state == "failed"
    assert not incoming_files()
    run_worker()  # the tasks left behind find nothing to do
    assert not Photo.objects.exists()
    uk = states_on(press_officer, response["Location"])["poison.jpg"]
    assert uk[0] == "Не вдалося"
    assert "Обробка зупинилася" in uk[1]
    en = states_on(press_officer, "/en" + response["Location"])["poison.jpg"]
    assert en[0] == "Failed"
    assert "Processing stopped before this file was done (2 times)" in en[1]


def test_a_worker_that_comes_back_after_its_file_was_retried_does_not_store_it_twice(
    press_officer,
):
    post_batch(press_officer, [upload("slow.jpg", large_image(7))])
    record = PhotoUpload.objects.get()
    slow = uploads.claim(record.pk)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        uploads.recover()
    run_worker()  # the second attempt stores it
    # The first worker wakes up and finishes its work: it no longer owns the record.
    prepared = prepare_photo("slow.jpg", large_image(7))
    assert uploads.store(slow, prepared) == "stored"
    assert Photo.objects.count() == 1


def test_a_file_lost_from_storage_ends_failed_not_queued_forever(press_officer):
    response = post_batch(press_officer, [upload("gone.jpg", jpeg_bytes())])
    storages["uploads"].delete(PhotoUpload.objects.get().file.name)
    run_worker()
    record = PhotoUpload.objects.get()
    assert record.state == "failed"
    assert "server error" in states_on(press_officer, "/en" + response["Location"])["gone.jpg"][1]
    assert DBTaskResult.objects.failed().count() == 1  # with the traceback, for the log


def test_recover_dry_run_lists_stale_uploads_and_changes_nothing(press_officer, capsys):
    post_batch(press_officer, [upload("a.jpg", jpeg_bytes())])
    record = PhotoUpload.objects.get()
    abandon(record)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        call_command("recover_photo_uploads", dry_run=True)
    assert f"stale: {record.pk} a.jpg" in capsys.readouterr().out
    assert PhotoUpload.objects.get().state == "processing"


# Two at once -----------------------------------------------------------------------------


def test_two_workers_at_once_give_distinct_codes_and_store_a_shared_file_once(press_officer):
    needs_postgresql("SQLite has one writer at a time; the race needs PostgreSQL")
    shared = large_image(8)
    post_batch(press_officer, [upload("a.jpg", large_image(11)), upload("b.jpg", large_image(12))])
    post_batch(press_officer, [upload("c.jpg", shared)])
    post_batch(press_officer, [upload("d.jpg", shared)])
    records = list(PhotoUpload.objects.order_by("pk"))
    claimed = [uploads.claim(r.pk) for r in records]
    prepared = [prepare_photo(r.name, r.file.read()) for r in claimed]
    barrier = threading.Barrier(len(claimed))
    errors = []

    def store(record, photo):
        try:
            barrier.wait()
            uploads.store(record, photo)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=store, args=pair) for pair in zip(claimed, prepared, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    codes = sorted(Photo.objects.values_list("code", flat=True))
    assert codes == ["jrs-0001", "jrs-0002", "jrs-0003"]
    states = sorted(PhotoUpload.objects.values_list("state", flat=True))
    assert states == ["refused", "stored", "stored", "stored"]
