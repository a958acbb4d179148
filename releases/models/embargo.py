"""Releases shared with accredited journalists before their time: embargo access."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from releases import limits

from .release import PreviewLink, Release, SignedLink


class EmbargoAccess(SignedLink, models.Model):
    """One journalist's personal link to a scheduled release, before its publication time.

    Not a preview link: it is given by an editor to a named journalist rather than by
    the author to whoever reviews; it lasts exactly until the release is public (then it
    leads to the public page) instead of an expiry date the editor types; and every view
    through it is kept (``EmbargoView``). It shares the signed address of preview links
    (``SignedLink``), under a salt of its own.
    """

    release = models.ForeignKey(
        Release,
        on_delete=models.CASCADE,
        related_name="embargo_accesses",
        verbose_name=_("release"),
    )
    name = models.CharField(_("journalist"), max_length=limits.JOURNALIST_NAME)
    outlet = models.CharField(
        _("outlet"),
        max_length=limits.OUTLET,
        help_text=_("The newspaper, channel or agency the journalist is accredited for."),
    )
    email = models.EmailField(_("e-mail"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("given by"),
    )
    created_at = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    SALT = "releases.embargo-access"
    TOKEN_KEY = "access"
    URL_NAME = "releases:embargo"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("embargo access")
        verbose_name_plural = _("embargo access")

    def __str__(self):
        return f"{self.name} ({self.outlet})"

    @staticmethod
    def may_be_given_for(release, now=None) -> bool:
        """Only a release scheduled for a time still to come is under embargo: a draft or
        one in review is not approved yet, and a published one is public already."""
        return (
            release.status == Release.Status.SCHEDULED
            and release.published_at is not None
            and release.published_at > (now or timezone.now())
        )

    @property
    def is_active(self) -> bool:
        """Whether the link shows the release under embargo now."""
        return self.withdrawn_at is None and self.may_be_given_for(self.release)

    def withdraw(self, user):
        """Withdraw the access from now on (once: the first withdrawal is the one kept)."""
        if self.withdrawn_at is None:
            self.withdrawn_at, self.withdrawn_by = timezone.now(), user
            self.save(update_fields=["withdrawn_at", "withdrawn_by"])

    def clean(self):
        if self._state.adding and not self.may_be_given_for(self.release):
            raise ValidationError(
                _(
                    "Embargo access can be given only while the release is scheduled for a "
                    "time still to come."
                ),
                code="not_scheduled",
            )


class EmbargoView(models.Model):
    """One view of a release under embargo through a journalist's link: who and when.

    The address and the browser's description are kept as the audit trail keeps them
    for staff: to trace a leak to the link it came through. A member of the press service
    who opens the link while signed in is named, so the view is not taken for the
    journalist's.
    """

    access = models.ForeignKey(
        EmbargoAccess,
        on_delete=models.CASCADE,
        related_name="views",
        verbose_name=_("embargo access"),
    )
    time = models.DateTimeField(_("time"), default=timezone.now)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=limits.USER_AGENT, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by staff"),
        help_text=_(
            "A signed-in member of the press service who opened the link, not the journalist."
        ),
    )

    class Meta:
        ordering = ["-time", "-pk"]
        verbose_name = _("view under embargo")
        verbose_name_plural = _("views under embargo")
        indexes = [models.Index(fields=["access", "-time"], name="embargoview_access_time")]

    def __str__(self):
        return f"{self.access} · {timezone.localtime(self.time):%Y-%m-%d %H:%M:%S}"

    def get_absolute_url(self):
        return reverse("admin:releases_release_change", args=[self.access.release_id])


def release_shown_by(token: str) -> int | None:
    """The id of the release a valid preview link or a journalist's active embargo access
    shows, from the token in its address (``?preview=``); None for any other token.

    The files a release page shows (photos, documents) are for the holder of its link."""
    link = PreviewLink.from_token(token)
    if link is None:
        access = EmbargoAccess.signed(token)
        link = access if access is not None and access.is_active else None
    return link.release_id if link is not None else None
