"""The audit trail: staff actions that matter, kept for administrators to read."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One sign-in, lockout, workflow step or two-step change, with who, when and from where.

    Changes to accounts, groups, permissions and photo files are kept beside it by
    django-auditlog, field by field. Written by ``releases.audit.record()``.
    """

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("Sign-in")
        SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
        LOCKED_OUT = "locked_out", _("Sign-in locked after failed attempts")
        UNLOCKED = "unlocked", _("Sign-in unlocked")
        SIGN_OUT = "sign_out", _("Sign-out")
        OTP_ENROLLED = "otp_enrolled", _("Two-step sign-in turned on")
        OTP_REMOVED = "otp_removed", _("Two-step sign-in removed")
        RECOVERY_CODES = "recovery_codes", _("New recovery codes")
        SUBMIT = "submit", _("Sent for review")
        PUBLISH = "publish", _("Published")
        SCHEDULE = "schedule", _("Scheduled")
        REJECT = "reject", _("Sent back to the author")
        ARCHIVE = "archive", _("Archived")
        UNARCHIVE = "unarchive", _("Brought back from the archive")

    time = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(
        _("username"),
        max_length=150,
        blank=True,
        help_text=_("As typed at sign-in, or the account's name when the event was recorded."),
    )
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-time", "-pk"]
        verbose_name = _("audit trail entry")
        verbose_name_plural = _("audit trail")
        indexes = [
            models.Index(fields=["-time"], name="auditevent_time"),
            models.Index(fields=["action", "-time"], name="auditevent_action_time"),
            models.Index(fields=["content_type", "object_id"], name="auditevent_target"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} · {self.username or '—'} · {self.time:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("admin:releases_auditevent_change", args=[self.pk])
