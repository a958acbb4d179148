"""Photos uploaded in a batch, waiting for (or done with) the photo gate in the background.

The request that receives a batch only stores each file under a private prefix and
records it here as *queued*; the worker (``manage.py db_worker``) takes it through the
gate, and the record ends *stored* (with its photo), *refused* (with the reason in every
language of the site) or *failed* (the worker stopped on it more than once).
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from .photos import Photo


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
