"""Officials, the positions they hold over time, and the countries they serve."""

import hashlib

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from releases import limits
from releases.photos.models import delete_after_commit

from .slugs import fill_translated_slugs, translated_url


class Country(models.Model):
    """A country by its ISO 3166-1 code; its names come from the standard list."""

    code = CountryField(
        _("country"),
        unique=True,
        error_messages={"unique": _("This country is already in the list.")},
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("releases:country", kwargs={"code": self.code.code.lower()})

    @property
    def name(self) -> str:
        """The country's name in the active language."""
        return str(self.code.name)

    def name_in(self, language: str) -> str:
        with translation.override(language):
            return str(self.code.name)


class OfficialQuerySet(models.QuerySet):
    def named_in(self, releases):
        """Officials that ``releases`` list or quote."""
        # By name: the release model imports this module.
        Release = apps.get_model("releases", "Release")
        Block = apps.get_model("releases", "Block")
        listed = Release.officials.through.objects.filter(release__in=releases)
        quoted = Block.objects.filter(release__in=releases, official__isnull=False)
        # Two subqueries, not one join of both paths: that join multiplies the rows.
        return self.filter(
            models.Q(pk__in=listed.values("official_id"))
            | models.Q(pk__in=quoted.values("official_id"))
        )


class Official(models.Model):
    key = models.SlugField(
        _("key"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_("A stable identifier used by import and export. Filled in automatically."),
    )
    name = models.CharField(_("name"), max_length=limits.OFFICIAL_NAME)
    slug = models.SlugField(
        _("address (slug)"),
        max_length=120,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The last part of the page address. Made from the name when left empty."),
        error_messages={"unique": _("Another official already uses this address.")},
    )
    portrait = models.ImageField(_("portrait"), upload_to="officials/", blank=True)

    objects = OfficialQuerySet.as_manager()

    class Meta:
        ordering = ["name_uk"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")

    def __str__(self):
        return self.name or self.name_uk or ""

    def save(self, *args, **kwargs):
        fill_translated_slugs(self, "name")
        if not self.key:
            self.key = self.slug_uk or self.slug_en
        replaced = self.replaced_portrait()
        super().save(*args, **kwargs)
        if replaced:
            # A replaced or removed portrait is neither kept nor served once committed.
            delete_after_commit(self.portrait.storage, [replaced])

    def get_absolute_url(self):
        return translated_url(self, "releases:official")

    def replaced_portrait(self) -> str | None:
        """The stored name of the portrait this save replaces or removes, if any."""
        if self.pk is None:
            return None
        stored = Official.objects.filter(pk=self.pk).values_list("portrait", flat=True).first()
        return stored if stored and stored != self.portrait.name else None

    @property
    def portrait_url(self) -> str:
        """The portrait's address: through the view that checks who asks, with its version."""
        return f"{reverse('portrait', kwargs={'key': self.key})}?v={self.portrait_version}"

    @property
    def portrait_version(self) -> str:
        """Changes with the stored file, whose name is new at each upload."""
        return hashlib.sha256(self.portrait.name.encode()).hexdigest()[:12]

    def position_on(self, date):
        """The position held on ``date``: the latest-started one that covers it.

        Reads ``self.positions.all()`` so that a prefetch serves every official of a
        page in one query.
        """
        held = [p for p in self.positions.all() if p.covers(date)]
        return max(held, key=lambda p: p.start, default=None)

    @property
    def current_position(self):
        from django.utils import timezone

        return self.position_on(timezone.localdate())


class Position(models.Model):
    official = models.ForeignKey(
        Official, on_delete=models.CASCADE, related_name="positions", verbose_name=_("official")
    )
    title = models.CharField(
        _("title"),
        max_length=limits.POSITION_TITLE,
        help_text=_("For example: Deputy Minister of Defence"),
    )
    organisation = models.CharField(_("organisation"), max_length=limits.ORGANISATION, blank=True)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="positions", verbose_name=_("country")
    )
    start = models.DateField(_("start date"))
    end = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Leave empty while the position is held."),
    )

    class Meta:
        ordering = ["-start"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="position_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title or self.title_uk or ""

    def get_absolute_url(self):
        return self.official.get_absolute_url()

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("A position cannot end before it starts.")})

    def covers(self, date) -> bool:
        return self.start <= date and (self.end is None or date <= self.end)
