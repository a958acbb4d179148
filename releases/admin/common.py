"""Helpers shared by the admin modules."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext

from releases import workflow
from releases.languages import LANGUAGES


def side_by_side(*fields):
    """Rows of ``field_uk, field_en`` pairs, so both languages sit next to each other."""
    return tuple(tuple(f"{field}_{lang}" for lang in LANGUAGES) for field in fields)


def translation_targets(release) -> list[str]:
    """The languages a translator may write in for ``release``: all but its original."""
    source = release.source_language if release else None
    return [lang for lang in LANGUAGES if lang != source]


def thumbnail(photo, size=80):
    if not photo or not photo.image:
        return "—"
    return format_html(
        '<img class="press-thumbnail" src="{}" alt="" width="{}">',
        photo.rendition_url(f"w{photo.widths()[0]}", "jpg"),
        size,
    )


class SharedMaterialAdmin:
    """Photos, officials, tags, countries: the editors' once a release under review shows one.

    ``workflow.may_change_shared`` decides, for every request that could write: the change
    form and its POST (a refused one is read-only), deletion one by one or in bulk.
    """

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and workflow.may_change_shared(
            request.user, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and workflow.may_change_shared(
            request.user, obj
        )

    def get_deleted_objects(self, objs, request):
        # The bulk action checks the model permission only; name what it may not delete.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(not workflow.may_change_shared(request.user, obj) for obj in objs):
            perms_needed = {*perms_needed, self.model._meta.verbose_name}
        return deleted, counts, perms_needed, protected

    def delete_queryset(self, request, queryset):
        if any(not workflow.may_change_shared(request.user, obj) for obj in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and not workflow.may_change_shared(request.user, obj):
                messages.info(
                    request,
                    gettext(
                        "A release in review, scheduled or on the site shows this, so only "
                        "editors may change it now: ask an editor."
                    ),
                )
        return super().change_view(request, object_id, form_url, extra_context)


class StoredFile:
    """A stored file as its field shows it: a name, and the address that serves it."""

    def __init__(self, url, name):
        self.url, self.name = url, name

    def __str__(self):
        return str(self.name)


class CheckedFileInput(forms.ClearableFileInput):
    """Links the stored file to the view that checks who asks, never to the media folder
    (which is served to no one): ``link(instance)`` gives that address and a name."""

    def __init__(self, link, attrs=None):
        super().__init__(attrs)
        self.link = link

    def format_value(self, value):
        instance = getattr(value, "instance", None)
        if self.is_initial(value) and instance is not None and instance.pk:
            return StoredFile(*self.link(instance))
        return super().format_value(value)


class ReadOnlyRecord(admin.ModelAdmin):
    """A record of what happened: those ``may_read()`` allows read it; nobody adds,
    changes or deletes, superusers included."""

    def may_read(self, user) -> bool:
        raise NotImplementedError

    def has_module_permission(self, request):
        return self.may_read(request.user)

    def has_view_permission(self, request, obj=None):
        return self.may_read(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def view_on_site(request, content_type_id, object_id):
    """The admin's "view on site" redirect, for whoever may view the object in the admin.

    Django's own (the contenttypes shortcut) asks only for a staff account and follows
    the object's ``get_absolute_url()``, whatever the object. For a preview link or a
    journalist's embargo access that address is the secret link itself, so those never
    leave by this door: the admin shows them to whom they are for.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.contenttypes.views import shortcut
    from django.http import Http404

    from releases.models.release import SignedLink

    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    if model is None or issubclass(model, SignedLink):
        raise Http404
    model_admin = admin.site._registry.get(model)
    opts = model._meta
    may_view = (
        model_admin.has_view_permission(request)
        if model_admin
        else request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    )
    if not may_view:
        raise Http404
    return shortcut(request, content_type_id, object_id)
