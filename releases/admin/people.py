"""Officials, their positions, and countries."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django_countries import countries as country_list
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from releases import workflow
from releases.models import Country, Official, Position

from .common import SharedMaterialAdmin, side_by_side


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


@admin.register(Official)
class OfficialAdmin(SharedMaterialAdmin, TranslationAdmin):
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
