"""The photo library's tables: photos, their renditions and the files of batch uploads.

A photo is an image known by a code, described in both languages; its renditions are
drawn from it when first asked for. A file of a batch upload is only stored under a
private prefix by the request and recorded as *queued*; the worker (``manage.py
db_worker``) takes it through the gate, and the record ends *stored* (with its photo),
*refused* (with the reason in every language of the site) or *failed* (the worker
stopped on it more than once).
"""

import contextlib
import hashlib
import io
import logging
import math
import re
import secrets
import threading
from datetime import timedelta
from functools import cache
from pathlib import PurePosixPath
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, models, transaction
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from releases import limits

CODE_RE = r"^[a-z0-9]+(-[a-z0-9]+)*$"
FORMATS = {"webp": ("WEBP", "image/webp"), "jpg": ("JPEG", "image/jpeg")}
JPEG_SUFFIXES = (".jpg", ".jpeg")
# The media types of stored originals, by the suffix the photo gate gives them.
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
# A width as a rendition names it: digits without a leading zero, so that each size has
# exactly one name (w480, never w0480).
WIDTH_SPEC = re.compile(r"w([1-9][0-9]{0,4})")

logger = logging.getLogger(__name__)


def is_rendition_spec(spec: str) -> bool:
    """Whether ``spec`` can name a rendition of some photo: a configured crop, or a width
    written as ``w800`` and no larger than the largest configured one.

    Checked on the address before any photo is looked up; each photo then says which of
    these it has (``Photo.all_rendition_specs()``: smaller photos are not enlarged).
    """
    if spec in settings.PHOTO_CROPS:
        return True
    match = WIDTH_SPEC.fullmatch(spec)
    return match is not None and int(match.group(1)) <= max(settings.PHOTO_WIDTHS)


def delete_after_commit(storage, names):
    """Delete the files ``names`` once the transaction commits; a rollback keeps them."""
    names = [name for name in names if name]

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def working_long_side() -> int:
    """The long side of a photo's working copy: twice the largest rendition's longest side.

    Every rendition is drawn from the working copy, so that the first request of a new
    size decodes a few megapixels instead of the full original (24 megapixels from a
    camera); twice the size leaves the resampling filter room to work well.
    """
    sides = list(settings.PHOTO_WIDTHS)
    for width, height in settings.PHOTO_CROPS.values():
        sides += [width, height]
    return 2 * max(sides)


def working_copy_name(original: str, transparent: bool = False) -> str:
    """The working copy of the original stored as ``original``: beside it, named after it.

    JPEG, which decodes fast (and at a fraction of its size in draft mode); PNG for a
    photo with transparency.
    """
    path = PurePosixPath(original)
    extension = ".png" if transparent else ".jpg"
    return str(path.parent / "working" / f"{path.stem}{extension}")


def working_copy_names(original: str) -> list[str]:
    """The names a working copy of ``original`` may have: a JPEG original has no alpha."""
    if PurePosixPath(original).suffix.lower() in JPEG_SUFFIXES:
        return [working_copy_name(original)]
    return [working_copy_name(original), working_copy_name(original, transparent=True)]


def photo_upload_to(photo, filename):
    # A random part keeps the files of unpublished photos from being guessed by their code.
    suffix = PurePosixPath(filename).suffix.lower()
    return f"photos/{photo.code}-{secrets.token_urlsafe(9)}{suffix}"


@cache
def rendition_address(script_prefix: str) -> str:
    """The address of a rendition with ``{code}``, ``{spec}`` and ``{ext}`` to fill in.

    A page shows a dozen renditions of each photo; reversing the URL once is enough.
    """
    placeholders = {"code": "code-0", "spec": "spec-0", "ext": "ext0"}
    url = reverse("rendition", kwargs=placeholders)
    for name, placeholder in placeholders.items():
        url = url.replace(placeholder, f"{{{name}}}", 1)
    return url


_SQLITE_DRAWING = threading.Lock()


def drawing_lock():
    """One drawing at a time in this process on SQLite (development and tests), whose
    threads may share one connection: two transactions at once there would break it."""
    return _SQLITE_DRAWING if connection.vendor == "sqlite" else contextlib.nullcontext()


class PhotoQuerySet(models.QuerySet):
    def on_record(self):
        """Photos that a release on record shows (live or archived), in any language."""
        # By name: the release model imports this module.
        Release = apps.get_model("releases", "Release")
        on_record = Release.objects.on_record()
        return self.filter(
            models.Q(hero_of__in=on_record) | models.Q(blocks__release__in=on_record)
        ).distinct()

    def twin_of(self, sha256: str) -> "Photo | None":
        """The photo stored from the same uploaded file, known by its fingerprint."""
        return self.filter(source_sha256=sha256).first() if sha256 else None

    def next_code(self, prefix: str) -> str:
        """The next free code with ``prefix``: jrs-5106 after jrs-5105."""
        pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
        numbers = [
            int(m.group(1))
            for code in self.filter(code__startswith=f"{prefix}-").values_list("code", flat=True)
            if (m := pattern.match(code))
        ]
        return f"{prefix}-{max(numbers, default=0) + 1:04d}"


class Photo(models.Model):
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(
                CODE_RE,
                _("Use lowercase Latin letters, digits and hyphens, for example jrs-5105."),
            )
        ],
        help_text=_("The photo's code in the archive, for example jrs-5105."),
        error_messages={"unique": _("A photo with this code already exists.")},
    )
    image = models.ImageField(
        _("image"), upload_to=photo_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    source_sha256 = models.CharField(
        _("fingerprint of the uploaded file"),
        max_length=64,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Recognises the same file uploaded twice."),
    )
    caption = limits.LimitedTextField(_("caption"), max_length=limits.CAPTION, blank=True)
    alt = models.CharField(
        _("alternative text"),
        max_length=limits.ALT,
        blank=True,
        help_text=_("What the photo shows, for readers who cannot see it."),
    )
    credit = models.CharField(_("credit"), max_length=limits.CREDIT, blank=True)
    taken_at = models.DateField(_("date taken"), null=True, blank=True)
    focal_x = models.FloatField(
        _("focal point, across"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("From 0 (left edge) to 1 (right edge). Crops keep this point in view."),
    )
    focal_y = models.FloatField(
        _("focal point, down"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("From 0 (top edge) to 1 (bottom edge)."),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_at", "code"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        # Django fills width_field/height_field on assignment but not when a file is
        # saved into an unsaved instance; read them from the image itself.
        if self.image and not (self.width and self.height):
            self.width, self.height = self.image.width, self.image.height
        replaced = self.replaced_image()
        super().save(*args, **kwargs)
        # Renditions of the old image or focal point go with their files (on commit).
        self.renditions.exclude(version=self.rendition_version).delete()
        if replaced:
            # The old original is neither kept nor served once the new one is committed.
            delete_after_commit(self.image.storage, [replaced, *working_copy_names(replaced)])
        self.make_working_copy()

    def get_absolute_url(self):
        return reverse("releases:photo", kwargs={"code": self.code})

    def replaced_image(self) -> str | None:
        """The stored name of the image this save replaces, if it replaces one."""
        if self.pk is None:
            return None
        stored = Photo.objects.filter(pk=self.pk).values_list("image", flat=True).first()
        return stored if stored and stored != self.image.name else None

    def stored_files(self) -> list[str]:
        """The names of the original and of the working copies it may have."""
        return [self.image.name, *self.working_copy_names()] if self.image else []

    def store(self, prepared):
        """Take a cleaned image from ``imaging.prepare_photo`` as this photo's file.

        Its working copy is made from the same bytes when the photo is saved.
        """
        self.image.save(
            f"{self.code}{prepared.extension}", ContentFile(prepared.content), save=False
        )
        self._working_copy_source = prepared.content
        self.width, self.height = prepared.width, prepared.height
        self.source_sha256 = prepared.source_sha256
        if not self.taken_at and prepared.taken_at:
            self.taken_at = prepared.taken_at
        if prepared.artist and not (self.credit_uk or self.credit_en):
            self.credit_uk = self.credit_en = prepared.artist

    def clean(self):
        twin = Photo.objects.exclude(pk=self.pk).twin_of(self.source_sha256)
        if twin:
            raise ValidationError(
                {
                    "image": ValidationError(
                        _("This image is already in the library as %(code)s."),
                        code="duplicate",
                        params={"code": twin.code},
                    )
                }
            )

    @property
    def download_name(self) -> str:
        """The file name a download gets: the code, never the upload's own name."""
        return f"{self.code}{PurePosixPath(self.image.name).suffix.lower()}"

    # Renditions ---------------------------------------------------------------------

    @property
    def rendition_version(self) -> str:
        """Changes whenever the image or focal point does, so old renditions are not reused."""
        basis = f"{self.image.name}|{self.source_sha256}|{self.focal_x:.3f}|{self.focal_y:.3f}"
        return hashlib.sha256(basis.encode()).hexdigest()[:12]

    def widths(self) -> list[int]:
        largest = min(self.width, max(settings.PHOTO_WIDTHS))
        return [w for w in settings.PHOTO_WIDTHS if w < largest] + [largest]

    def rendition_size(self, spec: str) -> tuple[int, int] | None:
        """Pixel size of rendition ``spec`` (``w800``, ``card``…), or None if there is none.

        Only the names ``all_rendition_specs()`` lists exist: each size has one name.
        """
        if not self.width or not self.height or spec not in self.all_rendition_specs():
            return None
        if spec in settings.PHOTO_CROPS:
            return settings.PHOTO_CROPS[spec]
        width = int(spec[1:])
        return width, max(1, round(self.height * width / self.width))

    def rendition_name(self, spec: str, extension: str) -> str:
        """The one name rendition ``spec`` is stored under.

        It carries the photo's version and the size: the bytes under a name never change,
        so that browsers and CDNs may keep a public rendition for a year.
        """
        width, height = self.rendition_size(spec)
        return (
            f"renditions/{self.code}/{self.rendition_version}-{spec}-{width}x{height}.{extension}"
        )

    def rendition_url(self, spec: str, extension: str, preview: str = "") -> str:
        """The address of rendition ``spec``; with ``preview``, the token of a preview link,
        for the reviewer who holds it to see a photo that is not public yet."""
        url = rendition_address(get_script_prefix()).format(
            code=self.code, spec=spec, ext=extension
        )
        query = {"v": self.rendition_version}
        if preview:
            query["preview"] = preview
        # A signed token's parts are joined by colons, which a query may carry as they are.
        return f"{url}?{urlencode(query, safe=':')}"

    def srcset(self, extension: str, preview: str = "") -> str:
        return ", ".join(
            f"{self.rendition_url(f'w{w}', extension, preview)} {w}w" for w in self.widths()
        )

    def crop_srcset(self, extension: str, *specs: str, preview: str = "") -> str:
        return ", ".join(
            f"{self.rendition_url(spec, extension, preview)} {settings.PHOTO_CROPS[spec][0]}w"
            for spec in specs
        )

    # The working copy ------------------------------------------------------------------

    @property
    def needs_working_copy(self) -> bool:
        """Whether the original is larger than a working copy (else renditions use it)."""
        return bool(self.image) and max(self.width, self.height) > working_long_side()

    def working_copy_name(self, transparent: bool = False) -> str:
        """Where the working copy is stored: beside the original, named after it."""
        return working_copy_name(self.image.name, transparent)

    def working_copy_names(self) -> list[str]:
        """The names a working copy of this photo may have."""
        return working_copy_names(self.image.name)

    def make_working_copy(self, force=False) -> bool:
        """Store the working copy if the photo needs one and it is missing; True if made."""
        source = getattr(self, "_working_copy_source", None)
        self._working_copy_source = None
        if not self.needs_working_copy:
            return False
        storage = self.image.storage
        existing = [name for name in self.working_copy_names() if storage.exists(name)]
        if existing and not force:
            return False
        try:
            if source is not None:
                image = Image.open(io.BytesIO(source))
            else:
                with self.image.open("rb") as original:
                    image = Image.open(io.BytesIO(original.read()))
        except (FileNotFoundError, OSError):
            return False  # no original to copy (e.g. an import's dry run)
        side = working_long_side()
        scale = side / max(image.size)
        image.draft(
            image.mode if image.mode in ("RGB", "L") else None,
            (math.ceil(image.width * scale), math.ceil(image.height * scale)),
        )
        image.thumbnail((side, side), Image.LANCZOS)
        transparent = "A" in image.mode or "transparency" in image.info
        buffer = io.BytesIO()
        if transparent:
            image.convert("RGBA").save(buffer, "PNG", compress_level=1)
        else:
            image.convert("L" if image.mode == "L" else "RGB").save(buffer, "JPEG", quality=90)
        for name in existing:
            storage.delete(name)
        name = self.working_copy_name(transparent)
        stored = storage.save(name, ContentFile(buffer.getvalue()))
        if stored != name:
            # Another process stored the same copy meanwhile: keep theirs.
            storage.delete(stored)
        return True

    def open_for_rendition(self, size: tuple[int, int], crop: bool):
        """The pixels to draw a rendition of ``size`` from, decoded no larger than needed.

        The working copy where the photo has one, the original otherwise (a small photo,
        or one stored before working copies, until ``regenerate_renditions`` makes it).
        A JPEG is decoded in draft mode: scaled down by 2, 4 or 8 while it is read, to no
        less than twice the rendition's size.
        """
        names = self.working_copy_names() if self.needs_working_copy else []
        for name in [*names, self.image.name]:
            try:
                with self.image.storage.open(name, "rb") as stored:
                    data = stored.read()
                break
            except FileNotFoundError:
                continue
        else:
            raise FileNotFoundError(self.image.name)
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        scale = max(size[0] / width, size[1] / height) if crop else size[0] / width
        needed = (
            min(width, math.ceil(2 * width * scale)),
            min(height, math.ceil(2 * height * scale)),
        )
        if image.format == "JPEG":
            image.draft(image.mode if image.mode in ("RGB", "L") else None, needed)
        image.load()
        return image

    def make_rendition(self, spec: str, extension: str) -> "Rendition":
        """Rendition ``spec`` as ``extension``: the stored one, or drawn now and stored.

        One request at a time draws the renditions of a photo, in whichever process or
        server it runs: the others wait for the photo's lock, then find the rendition
        drawn. A flood of requests for a new size draws it once.
        """
        if extension not in FORMATS or self.rendition_size(spec) is None:
            raise ValueError(f"{self.code} has no rendition {spec}.{extension}")
        stored = self.stored_rendition(spec, extension)
        if stored is not None:
            return stored
        with drawing_lock(), transaction.atomic():
            self.lock_for_drawing()
            return self.stored_rendition(spec, extension) or self.draw_rendition(spec, extension)

    def stored_rendition(self, spec: str, extension: str) -> "Rendition | None":
        """The rendition stored for the current version, if its file is there."""
        rendition = self.renditions.filter(
            spec=spec, extension=extension, version=self.rendition_version
        ).first()
        if rendition and rendition.file.storage.exists(rendition.file.name):
            return rendition
        return None

    def lock_for_drawing(self):
        """Hold this photo until the transaction ends, so that only one process draws."""
        photo = Photo.objects.filter(pk=self.pk)
        if connection.features.has_select_for_update:
            list(photo.select_for_update().values_list("pk", flat=True))
        else:
            # SQLite has no row locks: the first write of a transaction takes the
            # database's write lock, which other processes wait for.
            photo.update(width=models.F("width"))

    def draw_rendition(self, spec: str, extension: str) -> "Rendition":
        """Draw rendition ``spec`` and store it under its one name (see ``make_rendition``)."""
        size = self.rendition_size(spec)
        fmt, _mime = FORMATS[extension]
        crop = spec in settings.PHOTO_CROPS
        image = self.open_for_rendition(size, crop=crop)
        if crop:
            image = ImageOps.fit(
                image, size, Image.LANCZOS, centering=(self.focal_x, self.focal_y)
            )
        else:
            image = image.resize(size, Image.LANCZOS, reducing_gap=3.0)
        if fmt == "JPEG" and image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.getchannel("A") if "A" in image.mode else None)
            image = background
        buffer = io.BytesIO()
        image.save(buffer, fmt, quality=82)
        storage = Rendition._meta.get_field("file").storage
        name = self.rendition_name(spec, extension)
        # A file already under this name is this very rendition, left by a draw whose
        # record was lost: it is replaced, never stored a second time under another name.
        if storage.exists(name):
            storage.delete(name)
        stored = storage.save(name, ContentFile(buffer.getvalue()))
        try:
            rendition, _created = Rendition.objects.update_or_create(
                photo=self,
                spec=spec,
                extension=extension,
                version=self.rendition_version,
                defaults={"file": stored, "width": size[0], "height": size[1]},
            )
        except BaseException:
            storage.delete(stored)
            raise
        logger.info("Drew rendition %s", stored)
        return rendition

    def all_rendition_specs(self):
        return [f"w{w}" for w in self.widths()] + list(settings.PHOTO_CROPS)


class Rendition(models.Model):
    """A resized or cropped copy of a photo, made once and served from storage."""

    photo = models.ForeignKey(
        Photo, on_delete=models.CASCADE, related_name="renditions", verbose_name=_("photo")
    )
    spec = models.CharField(_("kind"), max_length=20)
    extension = models.CharField(_("format"), max_length=5)
    version = models.CharField(_("version"), max_length=12)
    file = models.ImageField(_("file"), upload_to="renditions/")
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))

    class Meta:
        ordering = ["photo", "spec", "extension"]
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "spec", "extension", "version"], name="rendition_unique"
            ),
        ]

    def __str__(self):
        return f"{self.photo_id} {self.spec}.{self.extension}"

    def get_absolute_url(self):
        # Through the view that checks who asks; the media folder is served to no one.
        return self.photo.rendition_url(self.spec, self.extension)


# Batch uploads -------------------------------------------------------------------------


class IncomingStorage(LazyObject):
    """The ``uploads`` storage, looked up when first used (and again after a test changes
    ``STORAGES``), like Django's ``default_storage``."""

    def _setup(self):
        self._wrapped = storages["uploads"]


incoming = IncomingStorage()


@receiver(setting_changed)
def forget_incoming_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        incoming._wrapped = empty


def incoming_storage():
    """Where uploaded files wait for the worker: never a place the web server publishes."""
    return incoming


def incoming_name(upload, filename):
    # Nothing of the sender's file name reaches the disk: it is kept in ``name`` only.
    return f"incoming/{upload.batch}/{secrets.token_urlsafe(16)}"


class PhotoUploadQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state__in=PhotoUpload.PENDING)

    def finished(self):
        return self.exclude(state__in=PhotoUpload.PENDING)

    def stale(self, now=None):
        """Records the worker took and did not finish in time: it stopped or was killed."""
        now = now or timezone.now()
        limit = timedelta(seconds=settings.PHOTO_UPLOAD_TIMEOUT)
        return self.filter(state=PhotoUpload.State.PROCESSING, started_at__lt=now - limit)

    def recent(self):
        """What the photo list shows: all that is pending, and what ended in the last day."""
        since = timezone.now() - timedelta(days=1)
        return self.filter(
            models.Q(state__in=PhotoUpload.PENDING) | models.Q(finished_at__gte=since)
        )


class PhotoUpload(models.Model):
    """One file of a batch upload and what became of it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        PROCESSING = "processing", _("processing")
        STORED = "stored", _("stored")
        REFUSED = "refused", _("refused")
        FAILED = "failed", _("failed")

    PENDING = (State.QUEUED, State.PROCESSING)

    batch = models.UUIDField(_("batch"), db_index=True)
    name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(
        _("file"), storage=incoming_storage, upload_to=incoming_name, max_length=200, blank=True
    )
    size = models.PositiveBigIntegerField(_("size"), default=0)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.QUEUED
    )
    # The reason of a refusal or failure in each language of the site: {"uk": …, "en": …}.
    reasons = models.JSONField(_("reason"), default=dict, blank=True)
    photo = models.ForeignKey(
        Photo,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )
    duplicate_of = models.ForeignKey(
        Photo,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("already in the library as"),
    )
    # What the batch form asked for every photo of the batch.
    prefix = models.SlugField(_("code prefix"), max_length=20)
    taken_at = models.DateField(_("date taken"), null=True, blank=True)
    credit_uk = models.CharField(_("credit (Ukrainian)"), max_length=200, blank=True)
    credit_en = models.CharField(_("credit (English)"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("processing since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = PhotoUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("photo upload")
        verbose_name_plural = _("photo uploads")
        indexes = [
            models.Index(fields=["state", "started_at"], name="photo_upload_state_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:releases_photo_uploads", kwargs={"batch": self.batch})

    @property
    def is_pending(self):
        return self.state in self.PENDING

    @property
    def reason(self) -> str:
        """The reason in the language of the page, else in the site's own language."""
        return self.reasons.get(translation.get_language()) or self.reasons.get(
            settings.LANGUAGE_CODE, ""
        )
