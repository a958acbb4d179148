"""RSS 2.0 and Atom feeds per language: all releases, and per tag, country and official.

Titles, leads and names are plain text, and leave as plain text: a feed reader renders
none of their characters as markup. Atom says so (``type="text"``); RSS 2.0 has no way
to, and readers render an item's description as HTML (the spec says it is), so the text
goes there HTML-escaped, then XML-escaped by the writer. Titles and categories, which
readers take as text or as HTML depending on the reader, carry no ``<`` or ``>``.
"""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from .models import Country, Official, Release, Tag

FEED_SIZE = 30

# Characters XML 1.0 cannot carry (C0 controls but tab, line feed and carriage return;
# lone surrogates; U+FFFE and U+FFFF). Input refuses them; text stored before that (an
# old row, an import) must not make a whole feed fail.
XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def plain(value) -> str:
    """``value`` as text an XML document can carry."""
    return XML_UNSAFE.sub(" ", str(value or ""))


def without_markup(value: str) -> str:
    """Plain text that renders as itself whether a reader takes it as text or as HTML."""
    return value.replace("<", "&lt;").replace(">", "&gt;")


class RssWithLanguages(Rss201rev2Feed):
    """RSS 2.0 whose items say their language too (Dublin Core), for aggregators.

    Texts arrive plain (see the module's docstring for how each leaves).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed["title"] = without_markup(self.feed["title"])
        self.feed["description"] = escape(self.feed["description"])

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": "http://purl.org/dc/elements/1.1/"}

    def add_item_elements(self, handler, item):
        item = {
            **item,
            "title": without_markup(item["title"]),
            "description": escape(item["description"] or ""),
            "categories": [without_markup(c) for c in item["categories"]],
        }
        super().add_item_elements(handler, item)
        handler.addQuickElement("dc:language", item["language"])


class AtomWithLanguages(Atom1Feed):
    """Atom whose entries carry xml:lang, with every text declared plain text."""

    def write_items(self, handler):
        for item in self.items:
            handler.startElement("entry", {"xml:lang": item["language"]})
            self.add_item_elements(handler, item)
            handler.endElement("entry")

    def add_item_elements(self, handler, item):
        # Django's writer declares the summary HTML; the lead is plain text.
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"]:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class ReleaseFeed(Feed):
    """The latest releases public in the active language."""

    feed_type = RssWithLanguages

    def get_object(self, request, *args, **kwargs):
        return None

    def title(self, obj):
        return plain(settings.SITE_NAME[translation.get_language()])

    def link(self, obj):
        return reverse("releases:list")

    def description(self, obj):
        return _("Press releases of the ministry in Ukrainian and English.")

    @property
    def language(self):
        return translation.get_language()

    def item_extra_kwargs(self, item):
        return {"language": translation.get_language()}

    def releases(self, obj):
        return Release.objects.public()

    def items(self, obj):
        return (
            self.releases(obj)
            .prefetch_related("tags")
            .annotate(last_update=Max("change_notes__created_at"))
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return plain(item.title)

    def item_description(self, item):
        return plain(item.lead)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_update or item.published_at

    def item_categories(self, item):
        # The kind first: feed readers that group by category show it as the section.
        kind = plain(item.get_kind_display())
        return [kind, *(plain(tag.name) for tag in item.tags.all() if tag.name)]


class AtomMixin:
    feed_type = AtomWithLanguages

    def subtitle(self, obj):
        return self.description(obj)


class SubjectFeed(ReleaseFeed):
    """The latest releases about one tag, country or official, found by its address.

    A subject has a feed while a published release shows it, as it has a page.
    """

    url_kwarg = "slug"

    def subjects(self, published):
        """What ``published`` releases show of this feed's kind."""
        raise NotImplementedError

    def find(self, subjects, key):
        return get_object_or_404(subjects, **{f"slug_{translation.get_language()}": key})

    def get_object(self, request, **kwargs):
        return self.find(self.subjects(Release.objects.published()), kwargs[self.url_kwarg])

    def title(self, obj):
        return f"{plain(obj.name)} · {super().title(obj)}"

    def link(self, obj):
        return obj.get_absolute_url()


class TagFeed(SubjectFeed):
    def subjects(self, published):
        return Tag.objects.used_in(published)

    def releases(self, tag):
        return super().releases(tag).filter(tags=tag)


class CountryFeed(SubjectFeed):
    url_kwarg = "code"

    def subjects(self, published):
        return Country.objects.filter(releases__in=published).distinct()

    def find(self, countries, code):
        if code != code.lower():
            raise Http404
        return get_object_or_404(countries, code=code.upper())

    def releases(self, country):
        return super().releases(country).filter(countries=country)


class OfficialFeed(SubjectFeed):
    def subjects(self, published):
        return Official.objects.named_in(published)

    def releases(self, official):
        return super().releases(official).naming(official)


class AtomReleaseFeed(AtomMixin, ReleaseFeed):
    pass


class AtomTagFeed(AtomMixin, TagFeed):
    pass


class AtomCountryFeed(AtomMixin, CountryFeed):
    pass


class AtomOfficialFeed(AtomMixin, OfficialFeed):
    pass
