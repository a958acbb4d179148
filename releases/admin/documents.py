"""A release's documents on its change form: titles in both languages side by side, the
file through the gate, in the order readers see them."""

from adminsortable2.admin import CustomInlineFormSet, SortableInlineAdminMixin
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from releases import limits
from releases.documents.forms import DocumentForm
from releases.models import Document
from releases.templatetags.documents import file_size

from .common import LANGUAGES, translation_targets


class LeftAsTheyAre:
    """A release form posted without the documents' part (the forms of an older page, a
    script that writes only texts) leaves the documents as they are, instead of refusing
    the whole save: no document form is read, so none is added, changed or deleted."""

    def __init__(self, *args, **kwargs):
        # The admin passes everything by keyword (adminsortable2's formset takes no other).
        data, prefix = kwargs.get("data"), kwargs.get("prefix") or self.get_default_prefix()
        if data is not None and f"{prefix}-TOTAL_FORMS" not in data:
            data = data.copy()
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
            kwargs["data"] = data
        super().__init__(*args, **kwargs)


class DocumentFormSet(LeftAsTheyAre, CustomInlineFormSet):
    pass


class TranslationDocumentFormSet(LeftAsTheyAre, BaseInlineFormSet):
    pass


class DocumentInline(SortableInlineAdminMixin, TranslationTabularInline):
    """Drag to reorder. Who may change the release may change its documents: the release
    admin lets this form be posted only by them (``workflow.may_edit``)."""

    model = Document
    form = DocumentForm
    formset = DocumentFormSet
    extra = 0
    max_num = limits.MAX_DOCUMENTS
    fields = [*(f"title_{lang}" for lang in LANGUAGES), "file", "kind", "stored_size"]
    readonly_fields = ["kind", "stored_size"]
    template = "adminsortable2/edit_inline/tabular-django-5.2.html"
    show_change_link = False
    view_on_site = False

    @admin.display(description=_("size"))
    def stored_size(self, document):
        return file_size(document.size) if document.pk else "—"


class TranslationDocumentInline(TranslationTabularInline):
    """What a translator sees of the documents: the titles of the languages they translate
    into, next to the original's, read-only; the files are not theirs to change."""

    model = Document
    formset = TranslationDocumentFormSet
    extra = 0
    max_num = 0
    can_delete = False
    fields = DocumentInline.fields
    stored_size = DocumentInline.stored_size
    show_change_link = False
    view_on_site = False

    def get_readonly_fields(self, request, obj=None):
        targets = translation_targets(obj)
        return ["file", "kind", "stored_size"] + [
            f"title_{lang}" for lang in LANGUAGES if lang not in targets
        ]

    def has_add_permission(self, request, obj=None):
        return False
