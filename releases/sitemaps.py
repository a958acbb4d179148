"""Sitemaps: every public page in each language it exists in, with its alternates."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Country, Official, Release, Tag

LANGUAGES = [code for code, _name in settings.LANGUAGES]


class TranslatedSitemap(Sitemap):
    """One entry per item and language, with ``xhtml:link`` to the other languages."""

    i18n = True
    alternates = True

    def get_languages_for_item(self, item):
        return [lang for lang in LANGUAGES if self.exists_in(item, lang)]

    def exists_in(self, item, language):
        return True


class StaticSitemap(TranslatedSitemap):
    changefreq = "daily"

    def items(self):
        return ["releases:home", "releases:list"]

    def location(self, item):
        return reverse(item)


class ReleaseSitemap(TranslatedSitemap):
    changefreq = "weekly"

    def items(self):
        return Release.objects.published().order_by("-published_at", "pk")

    def exists_in(self, item, language):
        return getattr(item, f"complete_{language}")

    def lastmod(self, item):
        return item.updated_at


class NamedSitemap(TranslatedSitemap):
    """Officials and tags: listed in each language they are named in."""

    def exists_in(self, item, language):
        return bool(getattr(item, f"slug_{language}") and getattr(item, f"name_{language}"))

    def lastmod(self, item):
        return item.lastmod


class OfficialSitemap(NamedSitemap):
    changefreq = "monthly"

    def items(self):
        published = Release.objects.published()
        return (
            Official.objects.named_in(published)
            .annotate(lastmod=Max("releases__updated_at"))
            .order_by("pk")
        )


class TagSitemap(NamedSitemap):
    changefreq = "weekly"

    def items(self):
        published = Release.objects.published()
        return (
            Tag.objects.used_in(published)
            .annotate(lastmod=Max("tagged_releases__content_object__updated_at"))
            .order_by("pk")
        )


class CountrySitemap(TranslatedSitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Country.objects.filter(releases__in=Release.objects.published())
            .annotate(lastmod=Max("releases__updated_at"))
            .distinct()
            .order_by("code")
        )

    def lastmod(self, item):
        return item.lastmod


SITEMAPS = {
    "pages": StaticSitemap,
    "releases": ReleaseSitemap,
    "officials": OfficialSitemap,
    "tags": TagSitemap,
    "countries": CountrySitemap,
}
