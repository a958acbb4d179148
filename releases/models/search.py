"""The search index: the lemmas of each release's words, per language."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from .release import Release


class SearchDocument(models.Model):
    """The lemmas of a release's texts in one language (see ``releases.search``).

    On SQLite the lemma strings are kept in title, lead and body and matched with LIKE.
    On PostgreSQL they only pass through: the weighted ``vector`` keeps them, the text
    fields are left empty, so that the rows a search reads stay small.
    """

    release = models.ForeignKey(
        Release,
        on_delete=models.CASCADE,
        related_name="search_documents",
        verbose_name=_("release"),
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    title = models.TextField(_("title"), blank=True)
    lead = models.TextField(_("lead"), blank=True)
    body = models.TextField(_("text"), blank=True)
    # Filled on PostgreSQL only, where GIN indexes serve it, one per language (0006).
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["release", "language"]
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["release", "language"], name="search_document_unique"),
        ]

    def __str__(self):
        return f"{self.release_id} [{self.language}]"

    def get_absolute_url(self):
        return self.release.get_absolute_url()
