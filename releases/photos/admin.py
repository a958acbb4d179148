"""The photo library: uploads through the photo gate, batch upload, safe deletion."""

import re
from collections import Counter
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from releases.admin.common import CheckedFileInput, SharedMaterialAdmin, side_by_side, thumbnail
from releases.models import Block, Release

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


class PhotoAdminForm(forms.ModelForm):
    image = PhotoFileField(
        label=_("image"),
        help_text=_("JPEG, PNG or WebP. Metadata such as GPS is removed."),
        widget=CheckedFileInput(
            lambda photo: (
                reverse("releases:photo_download", kwargs={"code": photo.code}),
                photo.download_name,
            )
        ),
    )

    class Meta:
        model = Photo
        fields = ["code", "image", "taken_at", "focal_x", "focal_y"]

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


@admin.register(Photo)
class PhotoAdmin(SharedMaterialAdmin, TranslationAdmin):
    form = PhotoAdminForm
    list_display = ["preview", "code", "caption_uk", "caption_en", "alt_uk", "alt_en", "used_in"]
    search_fields = ["code", "caption_uk", "caption_en", "alt_uk", "alt_en"]
    list_filter = [("taken_at", admin.DateFieldListFilter)]
    readonly_fields = ["preview_large", "width", "height", "used_in"]
    fieldsets = (
        (None, {"fields": ("code", "image", "preview_large", ("width", "height"), "taken_at")}),
        (None, {"fields": side_by_side("caption", "alt", "credit")}),
        (
            _("Crops"),
            {
                "fields": (("focal_x", "focal_y"),),
                "description": _("Click the preview above to set the point that crops keep."),
            },
        ),
        (_("Used in"), {"fields": ("used_in",)}),
    )

    class Media:
        js = ["js/admin-focal-point.js"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                "hero_of",
                Prefetch("blocks", queryset=Block.objects.select_related("release")),
            )
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="releases_photo_upload"),
            path(
                "uploads/",
                view(self.upload_states_view),
                name="releases_photo_uploads_recent",
            ),
            path(
                "uploads/<uuid:batch>/",
                view(self.upload_states_view),
                name="releases_photo_uploads",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("preview"))
    def preview(self, photo):
        return thumbnail(photo)

    @admin.display(description=_("preview"))
    def preview_large(self, photo):
        return thumbnail(photo, 320)

    @admin.display(description=_("used in"))
    def used_in(self, photo):
        releases = releases_using(photo)
        if not releases:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:releases_release_change", args=[r.pk]), r) for r in releases),
        )

    def get_deleted_objects(self, objs, request):
        """Name the releases that use a photo, not their body blocks, when deletion is refused."""
        deleted, counts, perms, protected = super().get_deleted_objects(objs, request)
        if protected:
            releases = {r.pk: r for photo in objs for r in releases_using(photo)}
            protected = [
                format_html(
                    '{}: <a href="{}">{}</a>',
                    capfirst(Release._meta.verbose_name),
                    reverse("admin:releases_release_change", args=[r.pk]),
                    r,
                )
                for r in releases.values()
            ]
        return deleted, counts, perms, protected

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.has_add_permission(request):
            extra_context["upload_states"] = upload_states_context(
                PhotoUpload.objects.recent(),
                reverse("admin:releases_photo_uploads_recent"),
                limit=20,
            )
        return super().changelist_view(request, extra_context=extra_context)

    def upload_view(self, request):
        """Several photos at once: stored for the worker and queued; the request returns."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BatchUploadForm(
            request.POST or None,
            request.FILES or None,
            initial={"prefix": settings.PHOTO_CODE_PREFIX},
            user=request.user,
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            batch = uploads.receive(
                data["files"],
                prefix=data["prefix"],
                taken_at=data["taken_at"],
                credit_uk=data["credit_uk"],
                credit_en=data["credit_en"],
                user=request.user,
            )
            count = len(data["files"])
            self.message_user(
                request,
                ngettext(
                    "%(count)d file was received; it is being checked and stored.",
                    "%(count)d files were received; they are being checked and stored.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
            return redirect("admin:releases_photo_uploads", batch=batch)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Upload photos"),
            "form": form,
        }
        return TemplateResponse(request, "admin/releases/photo/upload.html", context)

    def upload_states_view(self, request, batch=None):
        """What became of each file of a batch (or of every recent upload), as it happens."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if batch is None:
            records = PhotoUpload.objects.recent()
            title = _("Recent photo uploads")
            source = reverse("admin:releases_photo_uploads_recent")
        else:
            records = PhotoUpload.objects.filter(batch=batch)
            title = _("Photo upload")
            source = reverse("admin:releases_photo_uploads", kwargs={"batch": batch})
            if not records.exists():
                raise Http404
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "upload_states": upload_states_context(records, source),
        }
        return TemplateResponse(request, "admin/releases/photo/upload_states.html", context)


def upload_states_context(records, source, limit=500):
    """The table of upload states (the latest ``limit``), with counts of the whole set."""
    counts = Counter(dict(records.order_by().values_list("state").annotate(count=Count("pk"))))
    rows = list(records.select_related("photo", "duplicate_of", "uploaded_by")[:limit])
    waited = timezone.now() - timedelta(minutes=5)
    return {
        "rows": rows,
        "source": source,
        "pending": sum(counts[state] for state in PhotoUpload.PENDING),
        "counts": [
            (label, counts[state]) for state, label in PhotoUpload.State.choices if counts[state]
        ],
        "waiting_long": records.filter(
            state=PhotoUpload.State.QUEUED, created_at__lt=waited
        ).exists(),
    }


def releases_using(photo):
    """Releases that show ``photo``, from the prefetched relations where there are any."""
    releases = {r.pk: r for r in photo.hero_of.all()}
    releases.update({b.release.pk: b.release for b in photo.blocks.all()})
    return list(releases.values())
