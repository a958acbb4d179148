"""Photo uploads: no more kept than the limit, and batches processed by the worker.

Django keeps an upload in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE and in a temporary
file beyond: without a limit there, a 400 MB file posted to a photo form would fill that
much disk before the form could refuse it. nginx's client_max_body_size caps the request
in production; ``PhotoSizeLimitUploadHandler`` caps what the app keeps whatever is in
front of it.

The request of a batch (``receive``) streams each file into the private ``uploads``
storage, records it as queued and enqueues a task, all in one transaction, and returns:
no image is decoded while a gunicorn worker waits. The worker (``process``) reads the
file, checks its fingerprint against the library, runs ``imaging.prepare_photo`` and
stores the photo under the next free code. ``recover`` takes back what a worker that died
left behind: it is run every minute by the scheduler and before each file.
"""

import hashlib
import logging
import unicodedata
import uuid
from contextlib import contextmanager
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler
from django.db import connection, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django_tasks import task

from releases.languages import LANGUAGES

from .imaging import prepare_photo
from .models import Photo, PhotoUpload

logger = logging.getLogger(__name__)

# One PostgreSQL advisory lock serialises the last step of every batch upload: the
# duplicate check, the next code and the insert, so that two workers (or two people
# uploading at once) never take the same code or store the same file twice.
INTAKE_LOCK = int.from_bytes(hashlib.sha256(b"mod_press.photo_intake").digest()[:8], "big") >> 1

# Unicode format characters (bidi overrides, zero-width joiners) let a name such as
# "photo\u202egpj.exe" read as "photoexe.jpg": they are dropped from shown names.
FORMAT_CATEGORY = "Cf"


def display_name(raw: str) -> str:
    """The file's own name, without a path, control or format characters, 255 at most."""
    name = PureWindowsPath(PurePosixPath(raw or "").name).name
    name = "".join(
        ch for ch in name if unicodedata.category(ch) not in ("Cc", FORMAT_CATEGORY)
    ).strip()
    return name[:255] or "—"


def in_every_language(message, **params) -> dict:
    """``message`` (a gettext_lazy string or a callable) rendered in each site language."""
    texts = {}
    for language in LANGUAGES:
        with translation.override(language):
            texts[language] = str(message(**params) if callable(message) else message % params)
    return texts


# The size limit ------------------------------------------------------------------------

# The admin views that take photos: the photo form and the batch upload.
PHOTO_UPLOAD_VIEWS = {
    "admin:releases_photo_add",
    "admin:releases_photo_change",
    "admin:releases_photo_upload",
    "admin:releases_photo_chooser_upload",
}


class PhotoSizeLimitUploadHandler(FileUploadHandler):
    """Keeps no more of each photo than one byte past ``PHOTO_MAX_UPLOAD_BYTES``.

    It comes first among the upload handlers and passes the chunks of a file on to the
    next ones until the file is past the limit, then drops the rest. The file the form
    receives is then one byte too large: it is refused by its size, with the usual
    message at its field, before anything reads it (``imaging.check_size``). A subclass
    names other ``views`` and their ``limit_setting`` (a release's documents).
    """

    views = PHOTO_UPLOAD_VIEWS
    limit_setting = "PHOTO_MAX_UPLOAD_BYTES"

    def __init__(self, request=None):
        super().__init__(request)
        match = getattr(request, "resolver_match", None)
        limited = match is not None and match.view_name in self.views
        self.keep = getattr(settings, self.limit_setting) + 1 if limited else None

    def receive_data_chunk(self, raw_data, start):
        if self.keep is None or start + len(raw_data) <= self.keep:
            return raw_data
        if start >= self.keep:
            return None  # nothing of this chunk reaches the handlers that store it
        return raw_data[: self.keep - start]

    def file_complete(self, file_size):
        return None  # the next handler returns the file it stored


# The request ---------------------------------------------------------------------------


def receive(files, *, prefix, taken_at=None, credit_uk="", credit_en="", user=None):
    """Store ``files`` for the worker and queue them; return the batch's id.

    Nothing is decoded here: a file is only streamed to storage (Django hands it over
    in chunks from its temporary file). A file over the size limit is refused at once
    without being stored.
    """
    batch = uuid.uuid4()
    stored = []
    try:
        with transaction.atomic():
            for upload in files:
                record = PhotoUpload(
                    batch=batch,
                    name=display_name(upload.name),
                    size=upload.size or 0,
                    prefix=prefix,
                    taken_at=taken_at,
                    credit_uk=credit_uk,
                    credit_en=credit_en,
                    uploaded_by=user,
                )
                if record.size > settings.PHOTO_MAX_UPLOAD_BYTES:
                    refuse_too_large(record)
                    continue
                record.file.save(record.name, upload, save=False)
                stored.append(record.file.name)
                record.save()
                # In the same transaction: a queued file always has its task.
                process_photo_upload.enqueue(record.pk)
    except BaseException:
        storage = PhotoUpload._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise
    return batch


def refuse_too_large(record):
    limit = settings.PHOTO_MAX_UPLOAD_BYTES
    record.state = PhotoUpload.State.REFUSED
    record.finished_at = timezone.now()
    record.reasons = in_every_language(
        lambda: (
            gettext("“%(name)s” cannot be used: %(reason)s")
            % {
                "name": record.name,
                "reason": gettext("the file is larger than %(limit)s.")
                % {"limit": filesizeformat(limit)},
            }
        )
    )
    record.save()


# The worker ----------------------------------------------------------------------------


@task()
def process_photo_upload(upload_id: int) -> str:
    """The background task (``manage.py db_worker``) that takes one file through the gate."""
    return process(upload_id)


def process(upload_id: int) -> str:
    """Take one queued upload through the gate; return the state it ends in."""
    recover()
    record = claim(upload_id)
    if record is None:
        return "skipped"  # done already, or being done by another worker
    try:
        return run_gate_and_store(record)
    except Exception:
        logger.exception("Photo upload %s (%s) failed", record.pk, record.name)
        finish(
            record,
            PhotoUpload.State.FAILED,
            reasons=in_every_language(
                lambda: gettext(
                    "A server error stopped the processing of this file. Upload it again;"
                    " if it happens again, tell the site's administrator."
                )
            ),
        )
        raise


def claim(upload_id: int):
    """Mark a queued upload as processing by this worker, or None if it is not queued.

    The number of the attempt fences the record: a worker that was taken to have
    stopped and comes back later cannot finish a record another attempt now owns.
    """
    now = timezone.now()
    with transaction.atomic():
        record = (
            PhotoUpload.objects.select_for_update()
            .filter(pk=upload_id, state=PhotoUpload.State.QUEUED)
            .first()
        )
        if record is None:
            return None
        record.state = PhotoUpload.State.PROCESSING
        record.started_at = now
        record.attempts += 1
        record.save(update_fields=["state", "started_at", "attempts"])
    return record


def run_gate_and_store(record) -> str:
    with record.file.open("rb") as incoming:
        data = incoming.read()
    fingerprint = hashlib.sha256(data).hexdigest()
    # The same file again is known by its fingerprint before any pixel is decoded.
    twin = Photo.objects.twin_of(fingerprint)
    if twin:
        return finish_duplicate(record, twin)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            prepared = prepare_photo(record.name, data)
        except ValidationError as error:
            return finish(record, PhotoUpload.State.REFUSED, reasons=refusal(record, data, error))
    del data
    return store(record, prepared)


def refusal(record, data, error) -> dict:
    """The gate's reason in every language: asked again in each (refusals are rare)."""
    reasons = {settings.LANGUAGE_CODE: " ".join(error.messages)}
    for language in LANGUAGES:
        if language in reasons:
            continue
        with translation.override(language):
            try:
                prepare_photo(record.name, data)
            except ValidationError as again:
                reasons[language] = " ".join(again.messages)
            else:  # cannot happen for the same bytes; keep the reason we have
                reasons[language] = reasons[settings.LANGUAGE_CODE]
    return reasons


def finish_duplicate(record, twin) -> str:
    return finish(
        record,
        PhotoUpload.State.REFUSED,
        reasons=in_every_language(
            lambda: (
                gettext("This image is already in the library as %(code)s.") % {"code": twin.code}
            )
        ),
        duplicate_of=twin,
    )


@contextmanager
def intake():
    """A transaction that holds the intake lock: one batch upload stores at a time.

    PostgreSQL: an advisory lock, released at commit. SQLite: the transaction is
    exclusive from its start, which locks out every other writer.
    """
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        connection.get_connection_params()  # sets transaction_mode on the wrapper
        previous = connection.transaction_mode
        connection.transaction_mode = "EXCLUSIVE"
        try:
            with transaction.atomic():
                yield
        finally:
            connection.transaction_mode = previous
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INTAKE_LOCK])
        yield


def shoot_prefix(user) -> str:
    """The code prefix of the shoot ``user`` is uploading: that of their last batch, else
    the site's (``PHOTO_CODE_PREFIX``)."""
    last = (
        PhotoUpload.objects.filter(uploaded_by=user)
        .order_by("-created_at", "-pk")
        .values_list("prefix", flat=True)
        .first()
        if user is not None and user.pk
        else None
    )
    return last or settings.PHOTO_CODE_PREFIX


def assign_next_code(photo, prefix):
    """Give ``photo`` the next free code with ``prefix``.

    Call it inside the transaction that saves the photo: on PostgreSQL the intake lock is
    then held until that transaction commits, so that no batch upload or other form takes
    the same code meanwhile.
    """
    with intake():
        photo.code = Photo.objects.next_code(prefix)


def store(record, prepared) -> str:
    """Store the cleaned photo under the next free code, unless a twin arrived meanwhile."""
    photo = None
    try:
        with intake():
            current = PhotoUpload.objects.select_for_update().get(pk=record.pk)
            if current.state != PhotoUpload.State.PROCESSING or (
                current.attempts != record.attempts
            ):
                return current.state  # taken back by recovery; that attempt decides
            twin = Photo.objects.twin_of(prepared.source_sha256)
            if twin:
                return finish_duplicate(record, twin)
            photo = Photo(
                code=Photo.objects.next_code(record.prefix),
                taken_at=record.taken_at,
                credit_uk=record.credit_uk,
                credit_en=record.credit_en,
            )
            photo.store(prepared)
            photo.save()
            return finish(record, PhotoUpload.State.STORED, photo=photo)
    except BaseException:
        if photo is not None and photo.image.name:
            discard_files(photo)
        raise


def discard_files(photo):
    """Files written for a photo whose row was rolled back."""
    storage = photo.image.storage
    for name in [photo.image.name, *photo.working_copy_names()]:
        try:
            storage.delete(name)
        except Exception:
            logger.warning("Could not delete %s after a failed upload", name)


def finish(record, state, *, reasons=None, photo=None, duplicate_of=None) -> str:
    """Record the end of an upload and delete its waiting file; return the state it is in.

    Only the attempt that owns the record may end it (see ``claim``).
    """
    values = {
        "state": state,
        "reasons": reasons or {},
        "photo": photo,
        "duplicate_of": duplicate_of,
        "finished_at": timezone.now(),
        "file": "",
    }
    owned = PhotoUpload.objects.filter(
        pk=record.pk, state=PhotoUpload.State.PROCESSING, attempts=record.attempts
    )
    if not owned.update(**values):
        return PhotoUpload.objects.values_list("state", flat=True).get(pk=record.pk)
    name = record.file.name
    if name:
        storage = record.file.storage
        transaction.on_commit(lambda: storage.delete(name))
    for field, value in values.items():
        setattr(record, field, value)
    return state


# Recovery ------------------------------------------------------------------------------


def recover(now=None) -> dict:
    """Retry, or mark failed, the uploads a worker took and never finished.

    A record stays *processing* past ``PHOTO_UPLOAD_TIMEOUT`` only when its worker
    stopped (killed, out of memory, the machine restarted). It is queued again with a
    new task while it has had fewer than ``PHOTO_UPLOAD_ATTEMPTS`` attempts, and marked
    failed, with the reason, after that: a file that kills the worker is not tried
    forever. Returns how many were retried and how many failed.
    """
    counts = {"retried": 0, "failed": 0}
    for pk in PhotoUpload.objects.stale(now).values_list("pk", flat=True):
        with transaction.atomic():
            record = PhotoUpload.objects.stale(now).select_for_update().filter(pk=pk).first()
            if record is None:
                continue  # finished, or recovered by another run meanwhile
            if record.attempts < settings.PHOTO_UPLOAD_ATTEMPTS:
                record.state = PhotoUpload.State.QUEUED
                record.started_at = None
                record.save(update_fields=["state", "started_at"])
                process_photo_upload.enqueue(record.pk)
                counts["retried"] += 1
            else:
                attempts = record.attempts
                finish(
                    record,
                    PhotoUpload.State.FAILED,
                    reasons=in_every_language(
                        lambda attempts=attempts: (
                            ngettext(
                                "Processing stopped before this file was done (%(count)d time):"
                                " it may be too large or damaged. Try it again, or tell the"
                                " site's administrator.",
                                "Processing stopped before this file was done (%(count)d times):"
                                " it may be too large or damaged. Try it again, or tell the"
                                " site's administrator.",
                                attempts,
                            )
                            % {"count": attempts}
                        )
                    ),
                )
                counts["failed"] += 1
    return counts
