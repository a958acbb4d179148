"""Officials, their positions, and countries."""

import secrets

from django import forms
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django_countries import countries as country_list
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from releases import workflow
from releases.models import Country, Official, Position
from releases.photos.admin import PhotoFileField

from .common import CheckedFileInput, SharedMaterialAdmin, side_by_side


class PositionInline(TranslationTabularInline):
    model = Position
    extra = 0
    fields = [
        "title_uk",
        "title_en",
        "organisation_uk",
        "organisation_en",
        "country",
        "start",
        "end",
    ]
    autocomplete_fields = ["country"]

    # ``obj`` is the official: its positions are the editors' when it is.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and workflow.may_change_shared(
            request.user, obj
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and workflow.may_change_shared(
            request.user, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and workflow.may_change_shared(
            request.user, obj
        )


class OfficialAdminForm(forms.ModelForm):
    # Through the photo library's gate, as imported portraits are: a portrait is a photo.
    portrait = PhotoFileField(
        label=_("portrait"),
        required=False,
        help_text=_("JPEG, PNG or WebP. Metadata such as GPS is removed."),
        widget=CheckedFileInput(lambda official: (official.portrait_url, _("portrait"))),
    )

    class Meta:
        model = Official
        fields = ["portrait"]  # the admin adds those of its fieldsets

    def save(self, commit=True):
        prepared = getattr(self.cleaned_data.get("portrait"), "prepared", None)
        official = super().save(commit=False)
        if prepared:
            # The cleaned image, under a name that cannot be guessed from the official's.
            official.portrait.save(
                f"portrait-{secrets.token_urlsafe(9)}{prepared.extension}",
                ContentFile(prepared.content),
                save=False,
            )
        if commit:
            official.save()
            self.save_m2m()
        return official


@admin.register(Official)
class OfficialAdmin(SharedMaterialAdmin, TranslationAdmin):
    form = OfficialAdminForm
    inlines = [PositionInline]
    list_display = ["__str__", "current_title", "release_count"]
    search_fields = ["name_uk", "name_en", "key"]
    readonly_fields = ["key"]
    fieldsets = (
        (None, {"fields": side_by_side("name", "slug")}),
        (None, {"fields": ("portrait", "key")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("positions")
            .annotate(release_total=Count("releases", distinct=True))
        )

    @admin.display(description=_("current position"))
    def current_title(self, official):
        position = official.current_position
        return position.title if position else "—"

    @admin.display(description=_("releases"), ordering="release_total")
    def release_count(self, official):
        return official.release_total


@admin.register(Country)
class CountryAdmin(SharedMaterialAdmin, admin.ModelAdmin):
    list_display = ["__str__", "code"]
    search_fields = ["code"]

    def get_search_results(self, request, queryset, search_term):
        # Names live in the standard list, not in the database: match them there.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().casefold()
        if term:
            codes = {code for code, name in country_list if term in str(name).casefold()}
            queryset |= self.model.objects.filter(code__in=codes)
        return queryset, may_have_duplicates
