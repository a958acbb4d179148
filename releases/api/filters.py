"""The filters of the API's release list.

Each filter narrows by a subquery of ids, never by a join, so that no release is
repeated and no DISTINCT sorts whole rows. A slug or code that names nothing gives an
empty list; a value that cannot be one (not a slug, not a date) gives a 400 that names
the parameter.

A field of ``Release`` with choices becomes a filter (an exact match, its choices an enum
in the schema) by adding its name to ``Meta.fields``.
"""

import zoneinfo
from datetime import UTC, datetime, time, timedelta

import django_filters
from django.conf import settings
from django.core.validators import RegexValidator, validate_slug, validate_unicode_slug
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from releases.languages import in_each_language
from releases.models import Block, Official, Release, TaggedRelease

COUNTRY_CODE = r"^[A-Za-z]{2}$"
SLUG_SCHEMA = {"type": "string", "pattern": r"^[-\w]+$", "maxLength": 120}


def kyiv_midnight(day, parameter):
    """The first moment of ``day`` in Kyiv, in UTC; a 400 naming ``parameter`` when the
    moment cannot be written (before year 1, after year 9999)."""
    try:
        start = datetime.combine(day, time.min, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
        return start.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValidationError({parameter: [_("This date is out of range.")]}) from None


def in_utc(moment, parameter):
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValidationError({parameter: [_("This time is out of range.")]}) from None


def slug_in_any_language(field: str, value: str) -> Q:
    condition = Q()
    for slug in in_each_language(f"{field}slug", value).items():
        condition |= Q(slug)
    return condition


class ReleaseFilter(django_filters.FilterSet):
    tag = django_filters.CharFilter(
        method="filter_tag",
        max_length=100,
        validators=[validate_unicode_slug],
        help_text="A tag's slug, in either language.",
    )
    country = django_filters.CharFilter(
        method="filter_country",
        validators=[RegexValidator(COUNTRY_CODE, _("Enter a two-letter country code."))],
        help_text="A partner country's ISO 3166-1 alpha-2 code, in either case.",
    )
    official = django_filters.CharFilter(
        method="filter_official",
        max_length=120,
        validators=[validate_slug],
        help_text="An official's key or slug (either language): releases that list or quote them.",
    )
    published_from = django_filters.DateFilter(
        method="filter_published_from",
        help_text="Published on this day (Kyiv time) or later.",
    )
    published_to = django_filters.DateFilter(
        method="filter_published_to",
        help_text="Published on this day (Kyiv time) or earlier.",
    )
    updated_since = django_filters.IsoDateTimeFilter(
        method="filter_updated_since",
        help_text="Changed at this moment or later (ISO 8601; without an offset, Kyiv time).",
    )

    class Meta:
        model = Release
        fields = ["kind"]

    @extend_schema_field(SLUG_SCHEMA)
    def filter_tag(self, queryset, name, value):
        tagged = TaggedRelease.objects.filter(slug_in_any_language("tag__", value))
        return queryset.filter(pk__in=tagged.values("content_object_id"))

    @extend_schema_field({"type": "string", "pattern": COUNTRY_CODE})
    def filter_country(self, queryset, name, value):
        partners = Release.countries.through.objects.filter(country__code=value.upper())
        return queryset.filter(pk__in=partners.values("release_id"))

    @extend_schema_field(SLUG_SCHEMA)
    def filter_official(self, queryset, name, value):
        # Release.objects.naming() for officials known by an address rather than a row.
        officials = Official.objects.filter(Q(key=value) | slug_in_any_language("", value))
        listed = Release.officials.through.objects.filter(official__in=officials)
        quoted = Block.objects.filter(official__in=officials)
        return queryset.filter(
            Q(pk__in=listed.values("release_id")) | Q(pk__in=quoted.values("release_id"))
        )

    def filter_published_from(self, queryset, name, value):
        return queryset.filter(published_at__gte=kyiv_midnight(value, name))

    def filter_published_to(self, queryset, name, value):
        if value == value.max:
            return queryset
        return queryset.filter(published_at__lt=kyiv_midnight(value + timedelta(days=1), name))

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(updated_at__gte=in_utc(value, name))
