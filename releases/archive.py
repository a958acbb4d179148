"""The archive by year and month: /archive/, /archive/2026/, /archive/2026/11/.

A release belongs to the month its publication time falls in, in Kyiv time (the site's
``TIME_ZONE``): a release at 00:30 on 1 December in Kyiv is December's, although it is
still November in UTC. Only what is public in the page's language is counted and listed.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.dates import MONTHS
from django.utils.translation import pgettext_lazy
from django.views.generic import ListView, TemplateView

from . import page_cache
from .models import Release
from .navigation import BreadcrumbsMixin, crumb, list_crumbs
from .views import RememberedCountPaginator, TranslationsMixin, release_cards

# The years an address may name: four digits, and a datetime, in UTC too, holds its bounds.
FIRST_YEAR, LAST_YEAR = 1000, 9998


def kyiv():
    return ZoneInfo(settings.TIME_ZONE)


def month_start(year: int, month: int) -> datetime:
    """Midnight of the 1st of ``month``, Kyiv time (summer or winter time alike)."""
    return datetime(year, month, 1, tzinfo=kyiv())


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def public_between(start: datetime, end: datetime):
    """Releases public in the active language published in [start, end): a range on the
    indexed publication time, never a function of it, so the public index serves it."""
    return Release.objects.public().filter(published_at__gte=start, published_at__lt=end)


def counts_query(queryset, **parts):
    """``(part, releases)`` for each value of one part of the Kyiv date: one grouped query
    over the public index."""
    ((name, part),) = parts.items()
    return (
        queryset.order_by()
        .annotate(**{name: part})
        .values(name)
        .annotate(releases=Count("pk"))
        .values_list(name, "releases")
    )


def counted(queryset, **parts) -> list[tuple[int, int]]:
    """``counts_query()``, newest first."""
    return sorted(counts_query(queryset, **parts), reverse=True)


def archive_years() -> list[tuple[int, int]]:
    """Each year with releases public in the active language, and how many: newest first."""
    key = f"archive-years:{translation.get_language()}"
    tz = kyiv()
    queryset = Release.objects.public()
    return page_cache.remember(
        key, lambda: counted(queryset, year=ExtractYear("published_at", tzinfo=tz))
    )


def archive_months(year: int) -> list[tuple[int, int]]:
    """Each month of ``year`` with releases public in the active language, and how many."""
    key = f"archive-months:{translation.get_language()}:{year}"
    releases = public_between(month_start(year, 1), month_start(year + 1, 1))
    tz = kyiv()
    return page_cache.remember(
        key, lambda: counted(releases, month=ExtractMonth("published_at", tzinfo=tz))
    )


def archive_periods(language: str) -> set[tuple[int, int]]:
    """``(year, month)`` of each month, and ``(year, 0)`` of each year, with releases
    public in ``language``: one grouped query (for the sitemap)."""
    tz = kyiv()
    rows = (
        Release.objects.public(language)
        .order_by()
        .annotate(
            year=ExtractYear("published_at", tzinfo=tz),
            month=ExtractMonth("published_at", tzinfo=tz),
        )
        .values_list("year", "month")
        .distinct()
    )
    months = set(rows)
    return months | {(year, 0) for year, _month in months}


def month_name(month: int) -> str:
    return str(MONTHS[month]).capitalize()


def year_from(value: str) -> int:
    """The year an address names, or a 404 for one the archive cannot hold."""
    year = int(value)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def month_from(value: str) -> int:
    month = int(value)
    if not 1 <= month <= 12:
        raise Http404
    return month


class OtherLanguagesMixin:
    """The switcher leads to this page in another language only where that language has
    releases in this year or month (``has_releases()``): elsewhere there is no such page."""

    def has_releases(self) -> bool:
        raise NotImplementedError

    def get_translation_urls(self):
        urls = super().get_translation_urls()
        for lang in urls:
            with translation.override(lang):
                if not self.has_releases():
                    urls[lang] = None
        return urls


def archive_crumbs() -> list:
    return [
        *list_crumbs(),
        crumb(pgettext_lazy("releases by date", "Archive"), reverse("releases:archive")),
    ]


class ArchiveIndexView(BreadcrumbsMixin, TranslationsMixin, TemplateView):
    """The years of the archive, with how many releases each holds."""

    template_name = "releases/archive_index.html"

    def get_breadcrumbs(self):
        return [*list_crumbs(), crumb(pgettext_lazy("releases by date", "Archive"))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["years"] = [
            {
                "name": year,
                "count": count,
                "url": reverse("releases:archive_year", args=[f"{year:04d}"]),
            }
            for year, count in archive_years()
        ]
        return context


class ArchiveYearView(OtherLanguagesMixin, BreadcrumbsMixin, TranslationsMixin, TemplateView):
    """The months of one year, with how many releases each holds; a year without a
    public release in this language does not exist (404)."""

    template_name = "releases/archive_year.html"

    def get(self, request, *args, **kwargs):
        self.year = year_from(kwargs["year"])
        self.months = archive_months(self.year)
        if not self.months:
            raise Http404
        return super().get(request, *args, **kwargs)

    def has_releases(self):
        return bool(archive_months(self.year))

    def get_breadcrumbs(self):
        return [*archive_crumbs(), crumb(str(self.year))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = self.year
        context["months"] = [
            {
                "name": month_name(month),
                "count": count,
                "url": reverse(
                    "releases:archive_month", args=[f"{self.year:04d}", f"{month:02d}"]
                ),
            }
            for month, count in self.months
        ]
        return context


class ArchiveMonthView(OtherLanguagesMixin, BreadcrumbsMixin, TranslationsMixin, ListView):
    """The releases of one month, newest first, a page at a time; a month without a
    public release in this language does not exist (404)."""

    template_name = "releases/archive_month.html"
    context_object_name = "releases"

    def get(self, request, *args, **kwargs):
        self.year, self.month = year_from(kwargs["year"]), month_from(kwargs["month"])
        return super().get(request, *args, **kwargs)

    def get_paginate_by(self, queryset):
        return settings.RELEASES_PER_PAGE

    def get_queryset(self):
        start, end = (
            month_start(self.year, self.month),
            month_start(*next_month(self.year, self.month)),
        )
        return release_cards(public_between(start, end))

    def get_paginator(self, queryset, per_page, **kwargs):
        key = f"archive-count:{translation.get_language()}:{self.year}-{self.month}"
        return RememberedCountPaginator(queryset, per_page, count_key=key, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        # As on the other lists: a page number out of range shows the nearest page.
        paginator = self.get_paginator(queryset, page_size)
        if not paginator.count:
            raise Http404
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def has_releases(self):
        return any(month == self.month for month, _count in archive_months(self.year))

    def get_breadcrumbs(self):
        year_url = reverse("releases:archive_year", args=[f"{self.year:04d}"])
        return [*archive_crumbs(), crumb(str(self.year), year_url), crumb(self.title)]

    @property
    def title(self) -> str:
        return f"{month_name(self.month)} {self.year}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        return context
