"""Subscriptions to e-mail alerts, and the record of what was sent to whom.

A subscription keeps what sending needs and nothing more: the address, the language,
the chosen tags and officials, and when it was confirmed. Unsubscribing deletes it;
an unconfirmed one is deleted after ``ALERTS_CONFIRM_DAYS`` (``purge_subscriptions``).
"""

import uuid

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

CONFIRM_SALT = "releases.alerts.confirm"
UNSUBSCRIBE_SALT = "releases.alerts.unsubscribe"


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed_since(self, moment):
        """Unconfirmed subscriptions asked for before ``moment``: their link has expired."""
        return self.filter(confirmed_at__isnull=True, created_at__lt=moment)


class Subscription(models.Model):
    """One address's alerts in one language, of every release or of chosen tags and officials."""

    email = models.EmailField(_("e-mail address"), max_length=254)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    tags = models.ManyToManyField(
        "releases.Tag",
        blank=True,
        related_name="+",
        verbose_name=_("tags"),
        help_text=_("Only releases with one of these tags or officials; none: every release."),
    )
    officials = models.ManyToManyField(
        "releases.Official", blank=True, related_name="+", verbose_name=_("officials")
    )
    # The secret behind the subscription's links: a new subscription has a new one.
    key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    created_at = models.DateTimeField(_("asked for"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("e-mail subscription")
        verbose_name_plural = _("e-mail subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["email", "language"], name="subscription_email_language_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["language", "confirmed_at"], name="subscription_language_idx"),
        ]
        permissions = [
            ("view_subscriber_address", _("Can see the addresses of e-mail subscribers")),
        ]

    def __str__(self):
        return f"{masked(self.email)} ({self.language})"

    def get_absolute_url(self):
        # The subscribe page, not the subscription's own links: those are secrets of the
        # subscriber, and the admin's "view on site" follows this.
        return reverse("releases:alerts_subscribe")

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def confirm_token(self, tags=(), officials=()) -> str:
        """The signed key of the confirmation link, with the choices it confirms."""
        choice = {"k": str(self.key), "t": sorted(tags), "o": sorted(officials)}
        return signing.dumps(choice, salt=CONFIRM_SALT, compress=True)

    @staticmethod
    def read_confirm_token(token: str):
        """``(subscription, tag ids, official ids)`` of a valid, unexpired token, or None."""
        max_age = settings.ALERTS_CONFIRM_DAYS * 24 * 3600
        try:
            choice = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
            subscription = Subscription.objects.filter(key=uuid.UUID(choice["k"])).first()
            tags = [int(pk) for pk in choice["t"]]
            officials = [int(pk) for pk in choice["o"]]
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return None
        return (subscription, tags, officials) if subscription else None

    def unsubscribe_token(self) -> str:
        """Signed, and valid for as long as the subscription exists."""
        return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(self.key))

    @staticmethod
    def key_of_unsubscribe_token(token: str):
        """The key an unsubscribe token names, or None when it was not signed by us."""
        try:
            return uuid.UUID(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
        except (signing.BadSignature, ValueError):
            return None

    def confirm_url(self, token: str) -> str:
        return absolute("releases:alerts_confirm", self.language, token)

    def unsubscribe_url(self) -> str:
        return absolute("releases:alerts_unsubscribe", self.language, self.unsubscribe_token())


def absolute(view_name: str, language: str, token: str) -> str:
    """The address of ``view_name`` in ``language`` on the public site (``SITE_URL``)."""
    with translation.override(language):
        return settings.SITE_URL + reverse(view_name, args=[token])


def masked(email: str) -> str:
    """``j•••@example.org``: enough to tell subscriptions apart, not to write to one."""
    local, _at, domain = (email or "").partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


class Alert(models.Model):
    """A release announced to the subscribers of one language: made once, never again.

    Its deliveries, one per recipient, are listed when the first batch runs; a release
    published again (restored from the archive, corrected) finds its alert made and
    sends nothing.
    """

    release = models.ForeignKey(
        "releases.Release", on_delete=models.CASCADE, related_name="alerts",
        verbose_name=_("release"),
    )  # fmt: skip
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("queued"), default=timezone.now, editable=False)
    listed_at = models.DateTimeField(_("recipients listed"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("e-mail alert")
        verbose_name_plural = _("e-mail alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["release", "language"], name="alert_release_language_unique"
            ),
        ]

    def __str__(self):
        return f"{self.release} ({self.language})"

    def get_absolute_url(self):
        return self.release.get_absolute_url()


class Delivery(models.Model):
    """One alert to one subscriber: sent once, retried while the failure is temporary."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("alert")
    )
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("subscription"),
    )  # fmt: skip
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # The batch that holds a delivery while it is sent: no other batch takes it.
    claim = models.UUIDField(null=True, blank=True, editable=False)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "subscription"], name="delivery_alert_subscription_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["alert", "state", "next_attempt_at"], name="delivery_due_idx"),
        ]

    def __str__(self):
        return f"{self.alert} → {self.subscription}"

    def get_absolute_url(self):
        return self.alert.get_absolute_url()
