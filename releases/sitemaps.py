"""Sitemaps: every public page in each language it exists in, with its alternates."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from releases.languages import LANGUAGES, localized

from .archive import archive_periods
from .models import Country, Official, PressContacts, Release, Tag


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
        return ["releases:home", "releases:list", "releases:archive"]

    def location(self, item):
        return reverse(item)


class ContactsSitemap(TranslatedSitemap):
    """The press office's contacts, in each language they are written in."""

    changefreq = "monthly"

    def items(self):
        return PressContacts.objects.all()[:1]

    def exists_in(self, item, language):
        return item.written_in(language)

    def lastmod(self, item):
        return item.updated_at


class ArchiveSitemap(TranslatedSitemap):
    """The archive's years and months, each in the languages it has public releases in."""

    changefreq = "monthly"

    def items(self):
        self.periods = {language: archive_periods(language) for language in LANGUAGES}
        return sorted(set().union(*self.periods.values()), reverse=True)

    def exists_in(self, item, language):
        return item in self.periods[language]

    def location(self, item):
        year, month = item
        if not month:
            return reverse("releases:archive_year", args=[f"{year:04d}"])
        return reverse("releases:archive_month", args=[f"{year:04d}", f"{month:02d}"])


class ReleaseSitemap(TranslatedSitemap):
    changefreq = "weekly"

    def items(self):
        return Release.objects.published().order_by("-published_at", "pk")

    def exists_in(self, item, language):
        return localized(item, "complete", language)

    def lastmod(self, item):
        return item.updated_at


class ShownSitemap(TranslatedSitemap):
    """Officials, tags and countries: listed while a published release shows them, last
    modified when one of their releases last changed."""

    # From an item to the update time of its releases.
    releases_updated_at = "releases__updated_at"
    ordering = "pk"

    def shown_by(self, published):
        """The items ``published`` releases show."""
        raise NotImplementedError

    def items(self):
        return (
            self.shown_by(Release.objects.published())
            .annotate(lastmod=Max(self.releases_updated_at))
            .order_by(self.ordering)
        )

    def lastmod(self, item):
        return item.lastmod


class NamedSitemap(ShownSitemap):
    """Officials and tags: listed in each language they are named in."""

    def exists_in(self, item, language):
        return bool(localized(item, "slug", language) and localized(item, "name", language))


class OfficialSitemap(NamedSitemap):
    changefreq = "monthly"

    def shown_by(self, published):
        return Official.objects.named_in(published)


class TagSitemap(NamedSitemap):
    changefreq = "weekly"
    releases_updated_at = "tagged_releases__content_object__updated_at"

    def shown_by(self, published):
        return Tag.objects.used_in(published)


class CountrySitemap(ShownSitemap):
    changefreq = "weekly"
    ordering = "code"

    def shown_by(self, published):
        return Country.objects.filter(releases__in=published).distinct()


SITEMAPS = {
    "pages": StaticSitemap,
    "contacts": ContactsSitemap,
    "archive": ArchiveSitemap,
    "releases": ReleaseSitemap,
    "officials": OfficialSitemap,
    "tags": TagSitemap,
    "countries": CountrySitemap,
}
