"""The photo library's forms: one photo through the gate, and a batch for the worker."""

import re
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from releases.admin.common import CheckedFileInput

from . import uploads
from .imaging import check_size, prepare_photo
from .models import Photo, PhotoUpload


class PhotoFileField(forms.FileField):
    """A file that passes the photo library's checks; cleaned to a ``PreparedPhoto``."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is None or upload is False or upload == initial:
            return upload
        # By its size first: a file over the limit is refused without being read.
        check_size(upload.name, upload.size)
        upload.prepared = prepare_photo(upload.name, upload.read())
        return upload


def stored_file_link(code: str, name: str):
    """The address and download name of the original stored for photo ``code``."""
    suffix = PurePosixPath(name).suffix.lower()
    return reverse("releases:photo_download", kwargs={"code": code}), f"{code}{suffix}"


class PhotoAdminForm(forms.ModelForm):
    """One photo through the gate. A new photo may leave its code empty: it gets the next
    free code with the prefix of the shoot (``uploads.shoot_prefix``), as a batch does."""

    image = PhotoFileField(
        label=_("image"),
        help_text=_("JPEG, PNG or WebP. Metadata such as GPS is removed."),
        widget=CheckedFileInput(lambda photo: stored_file_link(photo.code, photo.image.name)),
    )

    # The prefix of an empty code: set by the admin for the request at hand.
    code_prefix = None

    class Meta:
        model = Photo
        fields = ["code", "image", "taken_at", "focal_x", "focal_y"]

    def __init__(self, *args, code_prefix=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.code_prefix = code_prefix or self.code_prefix
        # The form's instance takes the values sent before they are checked: links to the
        # stored file use the code it is stored under, never one typed into the form.
        stored_code, stored_name = self.instance.code, self.instance.image.name
        if "image" in self.fields:
            self.fields["image"].widget.link = lambda photo: stored_file_link(
                stored_code, stored_name
            )
        if not self.instance.pk and "code" in self.fields:
            suggested = Photo.objects.next_code(self.shoot_prefix())
            field = self.fields["code"]
            field.required = False
            field.widget.attrs["placeholder"] = suggested
            field.help_text = _(
                "The photo's code in the archive. Leave it empty to have the next free code,"
                " %(code)s, assigned when the photo is saved."
            ) % {"code": suggested}

    def shoot_prefix(self) -> str:
        return self.code_prefix or settings.PHOTO_CODE_PREFIX

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("image")
        prepared = getattr(upload, "prepared", None)
        if prepared:
            twin = Photo.objects.exclude(pk=self.instance.pk).twin_of(prepared.source_sha256)
            if twin:
                self.add_error("image", duplicate_message(twin))
        return cleaned

    def save(self, commit=True):
        upload = self.cleaned_data.get("image")
        prepared = getattr(upload, "prepared", None)
        photo = super().save(commit=False)
        if not photo.code:
            uploads.assign_next_code(photo, self.shoot_prefix())
        if prepared:
            photo.store(prepared)
        if commit:
            photo.save()
        return photo


def duplicate_message(twin):
    url = reverse("admin:releases_photo_change", args=[twin.pk])
    return format_html(
        _("This image is already in the library as {code}: {link}"),
        code=twin.code,
        link=format_html('<a href="{}">{}</a>', url, _("open it")),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; each is checked by the worker, so an empty one is refused by name."""

    widget = MultipleFileInput
    default_error_messages = {
        "too_many": _(
            "Choose at most %(limit)d files at once; you chose %(count)d. "
            "Upload the rest in another batch."
        ),
    }

    def __init__(self, *, max_files, **kwargs):
        self.max_files = max_files
        super().__init__(**kwargs)

    def to_python(self, data):
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f and getattr(f, "name", None)]

    def validate(self, files):
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > self.max_files:
            raise ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"limit": self.max_files, "count": len(files)},
            )

    def clean(self, data, initial=None):
        files = self.to_python(data)
        self.validate(files)
        return files

    def has_changed(self, initial, data):
        return bool(data)


class BatchUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Photos"),
        max_files=1,  # set per form from the settings
        help_text=_(
            "Choose one or many JPEG, PNG or WebP files. They are checked and stored in the"
            " background: you can follow each file on the next page, or leave it."
        ),
    )
    prefix = forms.SlugField(
        label=_("Code prefix"),
        max_length=20,
        help_text=_("Each photo gets the next free code with this prefix, e.g. jrs-5106."),
    )
    taken_at = forms.DateField(
        label=_("Date taken"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Used when a file does not say when it was taken."),
    )
    credit_uk = forms.CharField(label=_("Credit (Ukrainian)"), max_length=200, required=False)
    credit_en = forms.CharField(label=_("Credit (English)"), max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["files"].max_files = settings.PHOTO_BATCH_MAX_FILES

    def clean_prefix(self):
        prefix = self.cleaned_data["prefix"].lower()
        # The code is prefix-0001: only what a photo code may be (see Photo.code).
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", prefix):
            raise ValidationError(
                _("Use lowercase Latin letters, digits and single hyphens, for example jrs."),
                code="invalid",
            )
        return prefix

    def clean_files(self):
        files = self.cleaned_data["files"]
        # One account cannot fill the queue for everybody else.
        waiting = PhotoUpload.objects.pending().filter(uploaded_by=self.user).count()
        limit = settings.PHOTO_UPLOAD_MAX_PENDING
        if waiting + len(files) > limit:
            raise ValidationError(
                _(
                    "%(waiting)d of your photos are still waiting to be processed, and at most"
                    " %(limit)d may wait at once. Upload these when some are done."
                ),
                code="too_many_waiting",
                params={"waiting": waiting, "limit": limit},
            )
        return files
