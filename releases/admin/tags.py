"""Tags, named in both languages."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from releases.models import Tag

from .common import SharedMaterialAdmin, side_by_side


@admin.register(Tag)
class TagAdmin(SharedMaterialAdmin, TranslationAdmin):
    list_display = ["name_uk", "name_en", "release_count"]
    search_fields = ["name_uk", "name_en"]
    fieldsets = ((None, {"fields": side_by_side("name", "slug")}),)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(release_total=Count("tagged_releases"))

    @admin.display(description=_("releases"), ordering="release_total")
    def release_count(self, tag):
        return tag.release_total
