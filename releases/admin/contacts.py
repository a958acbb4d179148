"""The press office's contacts page: one record, opened straight at its change page."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from releases.models import PressContacts

from .common import side_by_side


@admin.register(PressContacts)
class PressContactsAdmin(TranslationAdmin):
    fieldsets = (
        (_("Reaching the press office"), {"fields": ("phones", "email")}),
        (None, {"fields": side_by_side("address", "office_hours", "accreditation")}),
    )

    def has_add_permission(self, request):
        # One record: once it exists, there is nothing more to add.
        return super().has_add_permission(request) and not PressContacts.objects.exists()

    def has_delete_permission(self, request, obj=None):
        # The public page would lose its contacts; they are changed, not removed.
        return False

    def changelist_view(self, request, extra_context=None):
        """No list of one: the change page of the record, or the form that writes it."""
        contacts = PressContacts.objects.current()
        if contacts is not None:
            if not self.has_view_or_change_permission(request, contacts):
                return super().changelist_view(request, extra_context)
            url = reverse("admin:releases_presscontacts_change", args=[contacts.pk])
        elif self.has_add_permission(request):
            url = reverse("admin:releases_presscontacts_add")
        else:
            return super().changelist_view(request, extra_context)
        return HttpResponseRedirect(url)
