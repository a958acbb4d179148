"""Tags whose name and slug are translated: one tag, read in each language."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.models import TagBase, TaggedItemBase

from .slugs import fill_translated_slugs, translated_url


class Tag(TagBase):
    class Meta:
        ordering = ["name_uk"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name or self.name_uk or ""

    def save(self, *args, **kwargs):
        fill_translated_slugs(self, "name", max_length=90)
        # taggit's own save() would slugify the name of the active language only.
        models.Model.save(self, *args, **kwargs)

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
