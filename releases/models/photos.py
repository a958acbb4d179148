"""Photo assets: an image known by a code, described in both languages."""

from pathlib import PurePosixPath

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Photo(models.Model):
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9]+(-[a-z0-9]+)*$",
                _("Use lowercase Latin letters, digits and hyphens, for example jrs-5105."),
            )
        ],
        help_text=_("The photo's code in the archive, for example jrs-5105."),
        error_messages={"unique": _("A photo with this code already exists.")},
    )
    image = models.ImageField(
        _("image"), upload_to="photos/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    caption = models.TextField(_("caption"), blank=True)
    alt = models.CharField(
        _("alternative text"),
        max_length=300,
        blank=True,
        help_text=_("What the photo shows, for readers who cannot see it."),
    )
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    taken_at = models.DateField(_("date taken"), null=True, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["-taken_at", "code"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        # Django fills width_field/height_field on assignment but not when a file is
        # saved into an unsaved instance; read them from the image itself.
        if self.image:
            self.width, self.height = self.image.width, self.image.height
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("releases:photo", kwargs={"code": self.code})

    @property
    def download_name(self) -> str:
        """The file name a download gets: the code, never the upload's own name."""
        return f"{self.code}{PurePosixPath(self.image.name).suffix.lower()}"
