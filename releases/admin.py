"""The press staff's daily tool: both languages side by side, errors on the field."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_countries import countries as country_list
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from .models import Block, Country, Official, Photo, Position, Release, Tag

LANGUAGES = ("uk", "en")


def side_by_side(*fields):
    """Rows of ``field_uk, field_en`` pairs, so both languages sit next to each other."""
    return tuple(tuple(f"{field}_{lang}" for lang in LANGUAGES) for field in fields)


def thumbnail(photo, size=80):
    if not photo or not photo.image:
        return "—"
    return format_html(
        '<img src="{}" alt="" width="{}" style="height:auto">', photo.image.url, size
    )


class BlockInline(TranslationStackedInline):
    model = Block
    extra = 0
    fieldsets = (
        (None, {"fields": (("position", "kind"), *side_by_side("text"), ("official", "photo"))}),
    )
    autocomplete_fields = ["official", "photo"]
    classes = ["press-blocks"]


class ReleaseAdminForm(forms.ModelForm):
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(),
        required=False,
        label=_("tags"),
        widget=AutocompleteSelectMultiple(Release._meta.get_field("tags"), admin.site),
    )

    class Meta:
        model = Release
        # The admin's fieldsets decide which fields are shown; this lists what the form saves.
        fields = ["status", "published_at", "hero_photo", "officials", "countries", "tags"]


@admin.register(Release)
class ReleaseAdmin(TranslationAdmin):
    form = ReleaseAdminForm
    inlines = [BlockInline]
    list_display = ["__str__", "status", "published_at", "languages", "hero"]
    list_filter = ["status", ("published_at", admin.DateFieldListFilter), "countries", "tags"]
    search_fields = ["title_uk", "title_en", "lead_uk", "lead_en", "key"]
    autocomplete_fields = ["hero_photo", "officials", "countries"]
    date_hierarchy = "published_at"
    readonly_fields = ["key", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": side_by_side("title", "lead")}),
        (_("Publication"), {"fields": (("status", "published_at"),)}),
        (
            _("Photo, people and topics"),
            {"fields": ("hero_photo", "officials", "countries", "tags")},
        ),
        (
            _("Addresses"),
            {"fields": (*side_by_side("slug"), "key"), "classes": ["collapse"]},
        ),
        (_("Record"), {"fields": (("created_at", "updated_at"),), "classes": ["collapse"]}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_languages().select_related("hero_photo")

    @admin.display(description=_("languages"))
    def languages(self, release):
        return " ".join(
            lang.upper() if getattr(release, f"complete_{lang}") else f"({lang})"
            for lang in LANGUAGES
        )

    @admin.display(description=_("main photo"))
    def hero(self, release):
        return thumbnail(release.hero_photo, 60)


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


@admin.register(Official)
class OfficialAdmin(TranslationAdmin):
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
class CountryAdmin(admin.ModelAdmin):
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


@admin.register(Photo)
class PhotoAdmin(TranslationAdmin):
    list_display = ["preview", "code", "caption", "taken_at"]
    search_fields = ["code", "caption_uk", "caption_en", "alt_uk", "alt_en"]
    list_filter = [("taken_at", admin.DateFieldListFilter)]
    readonly_fields = ["preview_large", "width", "height"]
    fieldsets = (
        (None, {"fields": ("code", "image", "preview_large", ("width", "height"), "taken_at")}),
        (None, {"fields": side_by_side("caption", "alt", "credit")}),
    )

    @admin.display(description=_("preview"))
    def preview(self, photo):
        return thumbnail(photo)

    @admin.display(description=_("preview"))
    def preview_large(self, photo):
        return thumbnail(photo, 320)


@admin.register(Tag)
class TagAdmin(TranslationAdmin):
    list_display = ["name_uk", "name_en", "release_count"]
    search_fields = ["name_uk", "name_en"]
    fieldsets = ((None, {"fields": side_by_side("name", "slug")}),)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(release_total=Count("tagged_releases"))

    @admin.display(description=_("releases"), ordering="release_total")
    def release_count(self, tag):
        return tag.release_total


admin.site.site_header = _("Press service")
admin.site.site_title = _("Press service")
admin.site.index_title = _("Press releases and their materials")
