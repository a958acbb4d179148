"""Tags whose name and slug are translated: one tag, read in each language."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.models import TagBase, TaggedItemBase

from releases import limits
from releases.languages import LANGUAGES, localized

from .slugs import fill_translated_slugs, translated_url


class TagQuerySet(models.QuerySet):
    def used_in(self, releases):
        """Tags that ``releases`` carry."""
        tagged = TaggedRelease.objects.filter(content_object__in=releases)
        return self.filter(pk__in=tagged.values("tag_id"))


class Tag(TagBase):
    # The untranslated columns taggit declares unique hold whichever language was active
    # when saving; uniqueness is enforced per language instead (see Meta).
    name = models.CharField(_("name"), max_length=limits.TAG_NAME)
    slug = models.SlugField(
        _("address (slug)"),
        max_length=100,
        blank=True,
        allow_unicode=True,
        help_text=_("The last part of the page address. Made from the name when left empty."),
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name_uk"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        # One tag per name and per address in each language (the columns come from
        # django-modeltranslation; NULL stands for "no name in this language yet").
        constraints = [
            models.UniqueConstraint(fields=[f"{field}_{code}"], name=f"tag_{field}_{code}_unique")
            for field in ("name", "slug")
            for code in LANGUAGES
        ]

    def __str__(self):
        return self.name or self.name_uk or ""

    def save(self, *args, **kwargs):
        fill_translated_slugs(self, "name", max_length=90)
        # taggit's own save() would slugify the name of the active language only.
        models.Model.save(self, *args, **kwargs)

    def clean(self):
        if not any(localized(self, "name", code) for code in LANGUAGES):
            raise ValidationError({f"name_{settings.LANGUAGE_CODE}": _("A tag needs a name.")})

    def get_absolute_url(self):
        return translated_url(self, "releases:tag")


class TaggedRelease(TaggedItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_releases")
    content_object = models.ForeignKey("releases.Release", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("tagged release")
        verbose_name_plural = _("tagged releases")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="tagged_release_unique"
            ),
        ]

    def __str__(self):
        return f"{self.content_object_id} – {self.tag_id}"
