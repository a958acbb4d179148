"""The photo library: uploads through the photo gate, batch upload, safe deletion."""

from collections import Counter
from datetime import timedelta
from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
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

from releases.admin.common import SharedMaterialAdmin, side_by_side, thumbnail
from releases.models import Block, Release

from . import chooser, uploads
from .forms import BatchUploadForm, PhotoAdminForm, PhotoFileField  # noqa: F401 - people.py uses PhotoFileField
from .models import Photo, PhotoUpload


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
            path("chooser/", view(chooser.chooser_view), name="releases_photo_chooser"),
            path(
                "chooser/results/",
                view(chooser.results_view),
                name="releases_photo_chooser_results",
            ),
            path(
                "chooser/upload/",
                view(partial(chooser.upload_view, model_admin=self)),
                name="releases_photo_chooser_upload",
            ),
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
        # The photo as stored: a form sent back with errors holds values not yet checked.
        stored = Photo.objects.filter(pk=photo.pk).first() if photo.pk else None
        return thumbnail(stored, 320)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.code_prefix = uploads.shoot_prefix(request.user)
        return form

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
            initial={"prefix": uploads.shoot_prefix(request.user)},
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
