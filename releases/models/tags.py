"""Tags whose name and slug are translated: one tag, read in each language."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.models import TagBase, TaggedItemBase

from releases.text import make_slug, unique_slug


class Tag(TagBase):
    class Meta:
        ordering = ["name_uk"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name or self.name_uk or ""

    def get_absolute_url(self):
        return reverse("releases:tag", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        for language in ("uk", "en"):
            name = getattr(self, f"name_{language}")
            field = f"slug_{language}"
            if name and not getattr(self, field):
                others = Tag.objects.exclude(pk=self.pk)
                base = make_slug(name, language, max_length=90)
                setattr(self, field, unique_slug(base, lambda s, f=field: others.filter(**{f: s}).exists()))
        # taggit's own save() would slugify the name of the active language.
        models.Model.save(self, *args, **kwargs)


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
