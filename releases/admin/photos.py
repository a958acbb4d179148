"""The photo library: uploads through the photo gate, batch upload, safe deletion."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from releases.imaging import check_size, prepare_photo
from releases.models import Block, Photo, Release

from .common import CheckedFileInput, side_by_side, thumbnail


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
            twin = (
                Photo.objects.filter(source_sha256=prepared.source_sha256)
                .exclude(pk=self.instance.pk)
                .first()
            )
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
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class BatchUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Photos"), help_text=_("Choose one or many JPEG, PNG or WebP files.")
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


@admin.register(Photo)
class PhotoAdmin(TranslationAdmin):
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
        upload = path(
            "upload/",
            self.admin_site.admin_view(self.upload_view),
            name="releases_photo_upload",
        )
        return [upload, *super().get_urls()]

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

    def has_change_permission(self, request, obj=None):
        """A photo a public release shows is changed by editors only: it is live."""
        if (
            obj is not None
            and not request.user.has_perm("releases.publish_release")
            and Photo.objects.published().filter(pk=obj.pk).exists()
        ):
            return False
        return super().has_change_permission(request, obj)

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

    def upload_view(self, request):
        """Several photos at once: each valid file is stored, each refused one is named."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BatchUploadForm(
            request.POST or None,
            request.FILES or None,
            initial={"prefix": settings.PHOTO_CODE_PREFIX},
        )
        created, refused = [], []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            for upload in request.FILES.getlist("files"):
                try:
                    prepared = prepare_photo(upload.name, upload.read())
                except ValidationError as error:
                    refused.append((upload.name, " ".join(error.messages)))
                    continue
                twin = Photo.objects.filter(source_sha256=prepared.source_sha256).first()
                if twin:
                    refused.append((upload.name, duplicate_message(twin)))
                    continue
                photo = Photo(
                    code=Photo.objects.next_code(data["prefix"]),
                    taken_at=data["taken_at"],
                    credit_uk=data["credit_uk"],
                    credit_en=data["credit_en"],
                )
                photo.store(prepared)
                photo.save()
                created.append(photo)
            if created and not refused:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d photo was added.", "%(count)d photos were added.", len(created)
                    )
                    % {"count": len(created)},
                    messages.SUCCESS,
                )
                return redirect("admin:releases_photo_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Upload photos"),
            "form": form,
            "created": created,
            "refused": refused,
        }
        return TemplateResponse(request, "admin/releases/photo/upload.html", context)


def releases_using(photo):
    """Releases that show ``photo``, from the prefetched relations where there are any."""
    releases = {r.pk: r for r in photo.hero_of.all()}
    releases.update({b.release.pk: b.release for b in photo.blocks.all()})
    return list(releases.values())
