"""A release's documents in the admin: each file through the gate at its own field."""

from django import forms
from django.core.files.base import ContentFile

from releases.admin.common import CheckedFileInput
from releases.models import Document
from releases.photos.uploads import PhotoSizeLimitUploadHandler

from .gate import check_size, prepare_document


class DocumentSizeLimitUploadHandler(PhotoSizeLimitUploadHandler):
    """Keeps no more of a document than one byte past ``DOCUMENT_MAX_UPLOAD_BYTES``: a
    larger file is refused by its size at its field, and was never stored whole."""

    views = {"admin:releases_release_add", "admin:releases_release_change"}
    limit_setting = "DOCUMENT_MAX_UPLOAD_BYTES"


class DocumentFileField(forms.FileField):
    """A file that passes the documents' gate; cleaned to the cleaned file to store.

    What is stored is the gate's output, named only by its kind (the model gives it a
    random name): never the bytes or the name the browser sent.
    """

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is None or upload is False or upload == initial:
            return upload
        # By its size first: a file over the limit is refused without being read.
        check_size(upload.name, upload.size)
        prepared = prepare_document(upload.name, upload.read())
        cleaned = ContentFile(prepared.content, name=f"document{prepared.extension}")
        cleaned.prepared = prepared
        return cleaned


def stored_document_link(document):
    """The address that checks who asks, and the file's kind as the link's text."""
    return document.get_absolute_url(), document.get_kind_display()


class DocumentForm(forms.ModelForm):
    file = DocumentFileField(
        label=Document._meta.get_field("file").verbose_name,
        help_text=Document._meta.get_field("file").help_text,
        widget=CheckedFileInput(stored_document_link),
    )

    class Meta:
        model = Document
        fields = ["title_uk", "title_en", "file", "position"]

    def save(self, commit=True):
        prepared = getattr(self.cleaned_data.get("file"), "prepared", None)
        document = super().save(commit=False)
        if prepared is not None:
            document.kind = prepared.kind
            document.size = len(prepared.content)
        if commit:
            document.save()
        return document
