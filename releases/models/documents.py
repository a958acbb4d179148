"""Documents a release carries: a communiqué, the text of a memorandum (PDF, DOCX, XLSX).

The file is what ``releases.documents.gate`` let through, cleaned of its metadata, and
stored under a random name that says nothing of its title, its release or its author.
It is served only by ``releases.documents.views``, which checks who may read it.
"""

import secrets
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from releases import limits
from releases.languages import LANGUAGES, localized

from .release import Release

DOCUMENTS_FOLDER = "documents"


def document_file_name(instance, filename):
    """``documents/<32 random hex digits>.<kind>``: the kind the gate found, nothing else."""
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix.lstrip(".") not in Document.Kind.values:
        raise ValueError(f"a document is stored with the suffix of its kind, not {suffix!r}")
    return f"{DOCUMENTS_FOLDER}/{secrets.token_hex(16)}{suffix}"


class Document(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF")
        DOCX = "docx", _("DOCX")
        XLSX = "xlsx", _("XLSX")

    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, related_name="documents", verbose_name=_("release")
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(
        _("title"),
        max_length=limits.DOCUMENT_TITLE,
        blank=True,
        help_text=_("What readers see in the list and the name of the downloaded file."),
    )
    file = models.FileField(
        _("file"),
        upload_to=document_file_name,
        max_length=120,
        help_text=_(
            "PDF, DOCX or XLSX, without a password or macros. The author and other "
            "metadata are removed."
        ),
    )
    kind = models.CharField(_("type"), max_length=5, choices=Kind.choices, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["pdf", "docx", "xlsx"]),
                name="document_kind_known",
            ),
        ]

    def __str__(self):
        return self.title or self.title_uk or self.title_en or str(self.get_kind_display())

    def get_absolute_url(self):
        """The download in the active language: the view checks the release is public in it."""
        return reverse("releases:document", kwargs={"pk": self.pk})

    def shown_title(self, language) -> tuple[str, str | None]:
        """The title in ``language``, or else in another language together with that
        language's code (for a ``lang`` attribute): only staff previews need the latter,
        as a release is public in a language only once its documents are titled in it."""
        own = localized(self, "title", language)
        if own:
            return own, None
        for other in LANGUAGES:
            if localized(self, "title", other):
                return localized(self, "title", other), other
        return str(self.get_kind_display()), None

    def clean(self):
        if not any((localized(self, "title", lang) or "").strip() for lang in LANGUAGES):
            raise ValidationError(
                {"title_uk": _("Give the document a title in at least one language.")}
            )
