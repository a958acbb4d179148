"""Public pages. Every page that shows a release asks ``Release.objects.public()``."""

import sys
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.db.models import (
    Case,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.template.loader import render_to_string
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import DetailView, ListView, TemplateView

from releases.languages import LANGUAGES, localized

from . import limits, media, page_cache
from .forms import ReleaseFilterForm, SearchForm
from .models import (
    Block,
    Country,
    EmbargoAccess,
    EmbargoView,
    Official,
    Photo,
    Position,
    PressContacts,
    PreviewLink,
    Release,
    SlugHistory,
    Tag,
)
from .navigation import (
    BreadcrumbsMixin,
    breadcrumb_structured_data,
    crumb,
    list_crumbs,
    related_releases,
    release_crumbs,
    site_crumbs,
)
from .photos.views import content_type_of
from .search import MAX_QUERY_LENGTH, MAX_RESULTS, search, snippet
from .security import client_ip
from .text import alphabetical


def positions_prefetch(prefix=""):
    return Prefetch(f"{prefix}positions", queryset=Position.objects.select_related("country"))


def release_cards(queryset):
    """What a list of release cards needs: the photo now; the tags of the cards that are
    not kept already are read in one query when they are rendered (``release_cards``)."""
    return queryset.select_related("hero_photo")


class RememberedCountPaginator(Paginator):
    """A paginator of releases whose cost does not grow with the page number.

    The count is computed once per generation of content. A page past the first finds
    its releases' keys first, in the index alone, and only then reads those rows: with
    ``OFFSET`` on whole rows, page 400 read (and joined) the 4,800 rows before it.
    """

    def __init__(self, *args, count_key: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        return page_cache.remember(self.count_key, lambda: Paginator.count.func(self))

    def _get_page(self, object_list, number, paginator):
        if isinstance(object_list, QuerySet) and object_list.query.low_mark:
            query = object_list.query
            keys = self.object_list.values("pk")[query.low_mark : query.high_mark]
            object_list = self.object_list.filter(pk__in=keys)
        return super()._get_page(object_list, number, paginator)


def latest_releases(queryset, **filters) -> dict:
    """The newest releases a page about one tag, country or official shows, however many
    there are, and the address of the list of them all when there are more."""
    shown = settings.RELEASES_PER_PAGE
    releases = list(release_cards(queryset)[: shown + 1])
    more_url = None
    if len(releases) > shown:
        more_url = f"{reverse('releases:list')}?{urlencode(filters)}"
    return {"releases": releases[:shown], "more_url": more_url}


class TranslationsMixin:
    """Tells the template where this page lives in each language.

    ``get_translation_urls()`` maps each language to the page's address in it, or to
    None when the page does not exist in that language yet.
    """

    def get_translation_urls(self) -> dict[str, str | None]:
        return {lang: translate_url(self.request.path, lang) for lang in LANGUAGES}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = translation.get_language()
        context["translations"] = [
            {
                "code": lang,
                "url": url,
                "absolute_url": self.request.build_absolute_uri(url) if url else None,
                "current": lang == current,
            }
            for lang, url in self.get_translation_urls().items()
        ]
        return context


class SlugInAnyLanguageMixin:
    """Finds an object by its slug in any language.

    A slug of another language redirects to this language's address; an object that
    does not exist in this language yet gets a page that says so, never a 404.
    """

    slug_url_kwarg = "slug"
    # The method of the object that gives this page's address in the active language.
    url_method = "get_absolute_url"

    def find_object(self, queryset):
        slug, lang = self.kwargs[self.slug_url_kwarg], translation.get_language()
        in_any_language = Q()
        for other in LANGUAGES:
            in_any_language |= Q(**{f"slug_{other}": slug})
        matches = queryset.filter(in_any_language).order_by(
            Case(
                When(**{f"slug_{lang}": slug}, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        obj = matches.first()
        if obj is None:
            raise Http404
        return obj

    def exists_in(self, obj, language) -> bool:
        """Officials and tags exist in a language once named in it (releases override)."""
        return bool(localized(obj, "name", language) and localized(obj, "slug", language))

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        lang = translation.get_language()
        if not self.exists_in(self.object, lang):
            return self.render_unavailable()
        if localized(self.object, "slug", lang) != self.kwargs[self.slug_url_kwarg]:
            return HttpResponsePermanentRedirect(self.canonical_url())
        context = self.get_context_data(object=self.object)
        return self.render_to_response(context)

    def canonical_url(self):
        return getattr(self.object, self.url_method)()

    def get_translation_urls(self):
        urls = {}
        for lang in LANGUAGES:
            with translation.override(lang):
                urls[lang] = self.canonical_url() if self.exists_in(self.object, lang) else None
        return urls

    def render_unavailable(self):
        """The page for an object that exists, but not in the active language yet."""
        urls = self.get_translation_urls()
        current = translation.get_language()
        context = {
            "object": self.object,
            "versions": [{"code": code, "url": url} for code, url in urls.items() if url],
            "translations": [
                {"code": lang, "url": url, "current": lang == current}
                for lang, url in urls.items()
            ],
        }
        return render(self.request, "releases/unavailable.html", context)


class QueryFormMixin:
    """A list chosen by a form in the address (filters, a search). Its other pages and
    its versions in the other languages keep what was asked."""

    form_class = None

    def get(self, request, *args, **kwargs):
        self.form = self.form_class(request.GET or None)
        return super().get(request, *args, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        # A page number out of range or not a number shows the nearest page instead of
        # an error: a journalist's stale link still lands on the list.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_translation_urls(self):
        base = super().get_translation_urls()
        return {lang: base[lang] + self.form.query_string_in(lang) for lang in LANGUAGES}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        context["page_query"] = self.form.query_string_in(translation.get_language())
        return context


class HomeView(TranslationsMixin, TemplateView):
    """The lead release (an editor's choice, else the newest), then the newest others."""

    template_name = "releases/home.html"
    latest_count = 6

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lead, others = release_cards(Release.objects.all()).leading(self.latest_count)
        context.update(lead=lead, releases=others)
        return context


class ReleaseListView(QueryFormMixin, BreadcrumbsMixin, TranslationsMixin, ListView):
    template_name = "releases/release_list.html"
    context_object_name = "releases"
    form_class = ReleaseFilterForm

    def get_breadcrumbs(self):
        return [*site_crumbs(), crumb(_("Press releases"))]

    def get_paginate_by(self, queryset):
        return settings.RELEASES_PER_PAGE  # read per request: tests and settings may change it

    def get_queryset(self):
        return self.form.filter(release_cards(Release.objects.public()))

    def get_paginator(self, queryset, per_page, **kwargs):
        # Counting the whole archive once per change of content is enough.
        key = f"release-count:{translation.get_language()}{self.form.query_string_in('uk')}"
        return RememberedCountPaginator(queryset, per_page, count_key=key, **kwargs)


def release_page_prefetches():
    """What a release page shows besides the release, in a fixed number of queries."""
    return [
        Prefetch(
            "blocks",
            queryset=Block.objects.select_related("official", "photo").prefetch_related(
                positions_prefetch("official__")
            ),
        ),
        Prefetch("officials", queryset=Official.objects.prefetch_related(positions_prefetch())),
        "countries",
        "tags",
        "change_notes",
        "documents",
    ]


def release_page_queryset(queryset):
    """A release with everything its page shows, in a fixed number of queries."""
    return queryset.select_related("hero_photo").prefetch_related(*release_page_prefetches())


def release_article(request, context, *, cacheable: bool) -> dict:
    """The release's own part of its page: ``{"head": …, "body": …}``, rendered from
    ``context`` (the page's) or, when ``cacheable``, kept until what it shows changes
    (``page_cache.cached_article``). Its blocks, people and tags are read only to render.
    """
    release = context["release"]

    def render():
        prefetch_related_objects([release], *release_page_prefetches())
        parts = {**context, **release_context(release)}
        if not context.get("preview"):
            parts["structured_data"] = structured_data(request, release)
            parts["breadcrumb_data"] = breadcrumb_structured_data(request, release_crumbs(release))
        return {
            "head": render_to_string("releases/_release_head.html", parts, request),
            "body": render_to_string("releases/_release_article.html", parts, request),
        }

    if not cacheable:
        return render()
    return page_cache.cached_article(request, release.pk, render)


def release_context(release):
    """What every page of a release needs besides the release itself."""
    lang = translation.get_language()
    notes = [n for n in release.change_notes.all() if localized(n, "note", lang)]
    return {
        "officials": [(o, o.position_on(release.date)) for o in release.officials.all()],
        "countries": sorted(release.countries.all(), key=lambda c: alphabetical(c.name)),
        "has_parallel": all(release.is_complete_in(code) for code in LANGUAGES),
        "change_notes": notes,
        "archived": release.status == Release.Status.ARCHIVED,
    }


def structured_data(request, release) -> dict:
    """JSON-LD NewsArticle of the release in the active language, tied to its translation."""
    lang = translation.get_language()
    url = request.build_absolute_uri(release.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": release.title,
        "description": release.lead,
        "inLanguage": lang,
        "articleSection": str(release.get_kind_display()),
        "datePublished": (
            timezone.localtime(release.published_at).isoformat() if release.published_at else None
        ),
        "dateModified": timezone.localtime(release.updated_at).isoformat(),
        "publisher": {
            "@type": "GovernmentOrganization",
            "name": settings.SITE_NAME[lang],
            "url": request.build_absolute_uri(reverse("releases:home")),
        },
    }
    if release.hero_photo:
        data["image"] = [
            request.build_absolute_uri(release.hero_photo.rendition_url(spec, "jpg"))
            for spec in ("social", "card")
        ]
    others = [code for code in LANGUAGES if code != lang and release.is_complete_in(code)]
    for other in others:
        with translation.override(other):
            other_url = request.build_absolute_uri(release.get_absolute_url())
        version = {"@type": "NewsArticle", "@id": other_url, "url": other_url, "inLanguage": other}
        # The original is the work; the other language is its translation.
        if lang == release.source_language:
            data.setdefault("workTranslation", []).append(version)
        elif other == release.source_language:
            data["translationOfWork"] = version
    return data


def not_for_the_public(response):
    """Previews are never cached and never indexed."""
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class SearchView(QueryFormMixin, BreadcrumbsMixin, TranslationsMixin, ListView):
    """Search over the releases public in the page's language."""

    template_name = "releases/search.html"
    context_object_name = "results"
    form_class = SearchForm
    paginate_by = 10

    def get_breadcrumbs(self):
        return [*site_crumbs(), crumb(_("Search"))]

    def get_queryset(self):
        query = self.form.query
        if not query:
            return Release.objects.none()
        lang = translation.get_language()
        public = self.form.filter(
            Release.objects.public().select_related("hero_photo").prefetch_related("blocks")
        )
        return search(public, query, lang)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query, lang = self.form.query, translation.get_language()
        for release in context["results"]:
            release.snippet = snippet(release, query, lang)
        # Filters without a word to search for: the list of releases shows exactly those.
        filters = [
            (name, value)
            for name in ReleaseFilterForm.base_fields
            for value in self.request.GET.getlist(name)
            if value
        ]
        if not query and filters:
            context["list_url"] = f"{reverse('releases:list')}?{urlencode(filters)}"
        context.update(
            query=query,
            shortened=len(query) > MAX_QUERY_LENGTH,
            result_limit=MAX_RESULTS,
            query_limit=MAX_QUERY_LENGTH,
        )
        return context


class ReleaseDetailView(SlugInAnyLanguageMixin, BreadcrumbsMixin, TranslationsMixin, DetailView):
    """A release. Staff also see drafts and scheduled releases here, under a banner."""

    template_name = "releases/release_detail.html"
    context_object_name = "release"
    # The release's own article (release_article); the parallel view shows both versions.
    shows_article = True

    @property
    def staff_preview(self) -> bool:
        return self.request.user.has_perm("releases.view_release")

    def get_queryset(self):
        # What else the page shows is read only if its article has to be rendered.
        base = Release.objects.all() if self.staff_preview else Release.objects.on_record()
        return base.select_related("hero_photo")

    def get_object(self, queryset=None):
        return self.find_object(self.get_queryset())

    def exists_in(self, obj, language):
        return obj.is_complete_in(language)

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            moved = self.moved_release()
            if moved is None:
                raise
            return HttpResponsePermanentRedirect(moved.get_absolute_url())
        release, lang = self.object, translation.get_language()
        if (
            release.status == Release.Status.ARCHIVED
            and release.archive_mode == Release.ArchiveMode.REDIRECT
            and not self.staff_preview
        ):
            target = release.archive_target
            if target and Release.objects.public().filter(pk=target.pk).exists():
                return HttpResponsePermanentRedirect(target.get_absolute_url())
            return HttpResponsePermanentRedirect(reverse("releases:list"))
        is_public = release.is_live or release.status == Release.Status.ARCHIVED
        if self.staff_preview and not localized(release, "title", lang):
            # Nothing written in this language yet: say so rather than show an empty page.
            return not_for_the_public(self.render_unavailable())
        if not (is_public and self.exists_in(release, lang)) and self.staff_preview:
            context = self.get_context_data(object=release, preview=True)
            return not_for_the_public(self.render_to_response(context))
        if not self.exists_in(release, lang):
            return self.render_unavailable()
        if localized(release, "slug", lang) != self.kwargs[self.slug_url_kwarg]:
            return HttpResponsePermanentRedirect(self.canonical_url())
        return self.render_to_response(self.get_context_data(object=release))

    def moved_release(self):
        """The release that had this slug before it changed, if the public may see it."""
        old = SlugHistory.objects.filter(slug=self.kwargs[self.slug_url_kwarg]).first()
        if old and Release.objects.on_record().filter(pk=old.release_id).exists():
            return old.release
        return None

    def get_breadcrumbs(self):
        return release_crumbs(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.shows_article:
            # Staff may see a draft here: only what the public sees is kept.
            public = not kwargs.get("preview")
            context["article"] = release_article(self.request, context, cacheable=public)
            if public:
                context["related"] = related_releases(self.object)
        return context


class SignedLinkView(TemplateView):
    """A release as the public would see it, for someone holding a signed link to it.

    Subclasses find the link and say what else the page shows; the page is never cached
    or indexed, and is in the link's language (its address's), if the release is written
    in it.
    """

    template_name = "releases/release_detail.html"

    def other_language(self, release, token):
        """None if ``release`` is written in the page's language; otherwise a page that
        leads to the link in the language it is written in."""
        written = [code for code in LANGUAGES if localized(release, "title", code)]
        if translation.get_language() in written:
            return None
        with translation.override(written[0] if written else LANGUAGES[0]):
            other = self.request.build_absolute_uri(
                reverse(self.request.resolver_match.view_name, args=[token])
            )
        return render(
            self.request, "releases/preview_other_language.html", {"other": other}, status=404
        )

    def release_page(self, release, token, **extra):
        context = {
            "release": release,
            "preview": True,
            "breadcrumbs": release_crumbs(release),
            "preview_token": token,
            "translations": [
                {
                    "code": lang,
                    "url": translate_url(self.request.path, lang),
                    "current": lang == translation.get_language(),
                }
                for lang in LANGUAGES
            ],
            **extra,
        }
        context["article"] = release_article(self.request, context, cacheable=False)
        return self.render_to_response(context)


class PreviewLinkView(SignedLinkView):
    """A release as the public would see it, for a reviewer holding a preview link."""

    def get(self, request, token):
        link = PreviewLink.from_token(token)
        if link is None:
            response = render(request, "releases/preview_invalid.html", status=404)
            return not_for_the_public(response)
        release = release_page_queryset(Release.objects.filter(pk=link.release_id)).get()
        response = self.other_language(release, token) or self.release_page(
            release, token, preview_link=link
        )
        return not_for_the_public(response)


class EmbargoLinkView(SignedLinkView):
    """A scheduled release under embargo, for the journalist an editor gave the link to.

    Until its time the page shows the release under a banner and records the view; from
    its time on the link leads to the public page. A link that is withdrawn (or whose
    release is no longer scheduled) says so at once; one the site did not sign gets the
    same page whatever is wrong with it.
    """

    template_name = "releases/embargo_detail.html"

    def get(self, request, token):
        access = EmbargoAccess.signed(token)
        if access is None:
            response = render(request, "releases/embargo_invalid.html", status=404)
        elif access.withdrawn_at is not None:
            response = self.withdrawn(_("Your access to this release has been withdrawn."))
        elif Release.objects.on_record().filter(pk=access.release_id).exists():
            # Public by the clock (whether or not the scheduler has run): the public page.
            response = HttpResponseRedirect(access.release.get_absolute_url())
        elif not access.is_active:
            response = self.withdrawn(_("This release is no longer shared under embargo."))
        else:
            release = release_page_queryset(Release.objects.filter(pk=access.release_id)).get()
            response = self.other_language(release, token)
            if response is None:
                self.record_view(access)
                response = self.release_page(release, token, embargo=access)
        return never_shared(not_for_the_public(response))

    # One row per reader and language a minute: reloading a page, or a script holding
    # the link, does not drown the record of who read it.
    VIEW_RECORD_INTERVAL = timedelta(minutes=1)

    def record_view(self, access):
        """Record this view of ``access``'s release: a reading (GET), not a HEAD, and once
        a minute for the same address and language."""
        request = self.request
        if request.method != "GET":
            return
        view = {
            "access": access,
            "language": translation.get_language(),
            "ip_address": client_ip(request),
        }
        recent = timezone.now() - self.VIEW_RECORD_INTERVAL
        if EmbargoView.objects.filter(time__gt=recent, **view).exists():
            return
        EmbargoView.objects.create(
            **view,
            user_agent=request.headers.get("User-Agent", "")[: limits.USER_AGENT],
            staff=request.user if request.user.is_authenticated else None,
        )

    def withdrawn(self, reason):
        return render(
            self.request, "releases/embargo_withdrawn.html", {"reason": reason}, status=410
        )


def never_shared(response):
    """The address of a page for one person's eyes does not leave it with its links."""
    response["Referrer-Policy"] = "no-referrer"
    return response


class ParallelView(ReleaseDetailView):
    """Both language versions side by side, aligned block by block."""

    template_name = "releases/release_parallel.html"
    shows_article = False
    url_method = "get_parallel_url"

    def exists_in(self, obj, language):
        return all(obj.is_complete_in(lang) for lang in LANGUAGES)

    def render_unavailable(self):
        # Without both versions there is nothing to set side by side: the release's own
        # address, in this language, says what there is.
        return HttpResponseRedirect(reverse("releases:detail", kwargs=self.kwargs))

    def get_queryset(self):
        return release_page_queryset(super().get_queryset())

    def get_breadcrumbs(self):
        release = self.object
        return [
            *list_crumbs(),
            crumb(release.title, release.get_absolute_url()),
            crumb(_("Both languages")),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = LANGUAGES
        return context


class OfficialDetailView(SlugInAnyLanguageMixin, BreadcrumbsMixin, TranslationsMixin, DetailView):
    template_name = "releases/official_detail.html"
    context_object_name = "official"

    def get_breadcrumbs(self):
        return [*list_crumbs(), crumb(self.object.name)]

    def get_object(self, queryset=None):
        on_record = Official.objects.named_in(Release.objects.published())
        return self.find_object(on_record.prefetch_related(positions_prefetch()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        official = self.object
        public = Release.objects.public()
        context.update(latest_releases(public.naming(official), official=official.slug))
        context["quotes"] = list(
            Block.objects.filter(kind=Block.Kind.QUOTE, official=official, release__in=public)
            .select_related("release", "official")
            .prefetch_related(positions_prefetch("official__"))
            .order_by("-release__published_at", "position")[: settings.RELEASES_PER_PAGE]
        )
        return context


class CountryDetailView(BreadcrumbsMixin, TranslationsMixin, DetailView):
    template_name = "releases/country_detail.html"
    context_object_name = "country"

    def get_breadcrumbs(self):
        return [*list_crumbs(), crumb(self.object.name)]

    def get_object(self, queryset=None):
        return get_object_or_404(Country, code=self.kwargs["code"].upper())

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.kwargs["code"] != self.kwargs["code"].lower():
            return HttpResponsePermanentRedirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        country = self.object
        context.update(
            latest_releases(
                Release.objects.public().filter(countries=country),
                country=country.code.code.lower(),
            )
        )
        context["officials"] = list(
            Official.objects.named_in(Release.objects.published())
            .filter(positions__country=country)
            .exclude(**{f"slug_{translation.get_language()}__isnull": True})
        )
        return context


class TagDetailView(SlugInAnyLanguageMixin, BreadcrumbsMixin, TranslationsMixin, DetailView):
    template_name = "releases/tag_detail.html"
    context_object_name = "tag"

    def get_breadcrumbs(self):
        return [*list_crumbs(), crumb(self.object.name)]

    def get_object(self, queryset=None):
        return self.find_object(Tag.objects.used_in(Release.objects.published()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            latest_releases(
                Release.objects.public().filter(tags=self.object), tag=self.object.slug
            )
        )
        return context


class PhotoDetailView(BreadcrumbsMixin, TranslationsMixin, DetailView):
    template_name = "releases/photo_detail.html"
    context_object_name = "photo"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_breadcrumbs(self):
        return [*site_crumbs(), crumb(_("Photo %(code)s") % {"code": self.object.code})]

    def get_queryset(self):
        return Photo.objects.on_record()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        photo = self.object
        context["releases"] = list(
            Release.objects.public()
            .filter(Q(hero_photo=photo) | Q(blocks__photo=photo))
            .distinct()
        )
        return context


class ContactsView(BreadcrumbsMixin, TranslationsMixin, TemplateView):
    """The press office's contacts for journalists, in the language of the page only."""

    template_name = "releases/contacts.html"

    def get_breadcrumbs(self):
        return [*site_crumbs(), crumb(_("Contacts for journalists"))]

    @cached_property
    def contacts(self):
        return PressContacts.objects.current()

    def get_translation_urls(self):
        # A language the contacts are not written in has no version to lead to.
        return {
            lang: url if self.contacts and self.contacts.written_in(lang) else None
            for lang, url in super().get_translation_urls().items()
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contacts = self.contacts
        context["contacts"] = contacts
        context["written"] = bool(contacts and contacts.written_in(translation.get_language()))
        return context


def official_portrait(request, key):
    """An official's portrait: for everyone once a public release names the official (as
    their page is), for staff allowed to see officials before that."""
    official = Official.objects.named_in(Release.objects.published()).filter(key=key).first()
    is_public = official is not None
    if official is None and request.user.has_perm("releases.view_official"):
        official = Official.objects.filter(key=key).first()
    if official is None or not official.portrait:
        raise Http404
    return media.stored_file_response(
        official.portrait.storage,
        official.portrait.name,
        content_type=content_type_of(official.portrait.name),
        cache_control=media.cache_control_for(
            request, is_public=is_public, version=official.portrait_version
        ),
    )


def robots_txt(request):
    """Crawlers: everything public, nothing of the admin, previews or embargoed links;
    where the sitemap is."""
    lines = ["User-agent: *"]
    for lang in LANGUAGES:
        with translation.override(lang):
            lines.append(f"Disallow: {reverse('admin:index')}")
            lines.append(f"Disallow: {reverse('releases:search')}")
            for name in ("releases:preview", "releases:embargo"):
                prefix = reverse(name, kwargs={"token": "x"}).rsplit("x/", 1)[0]
                lines.append(f"Disallow: {prefix}")
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap-index'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def home_pages():
    """The language switcher of an error page: each language's home page."""
    current = translation.get_language()
    translations = []
    for lang in LANGUAGES:
        with translation.override(lang):
            translations.append(
                {"code": lang, "url": reverse("releases:home"), "current": lang == current}
            )
    return translations


def is_api(request) -> bool:
    """An address of the JSON API, whose errors are JSON too (in English: its answers
    are language-neutral, the locale middleware may not have run)."""
    return request.path_info.startswith("/api/")


def api_error(message, status):
    with translation.override("en"):
        response = JsonResponse({"detail": str(message)}, status=status)
    patch_cache_control(response, no_store=True)
    return response


def page_not_found(request, exception):
    if is_api(request):
        return api_error(_("Not found."), 404)
    # The switcher offers each language's home page: the missing page has no versions.
    return render(request, "404.html", {"translations": home_pages()}, status=404)


def bad_request(request, exception=None):
    """An address or form the site cannot read (``releases.request_guard``, Django's 400s).

    Answered before the locale middleware may have run: the address says the language.
    """
    if is_api(request):
        return api_error(_("The request holds characters or values no address takes."), 400)
    with translation.override(page_cache.page_language(request)):
        response = render(request, "400.html", {"translations": home_pages()}, status=400)
        response["Content-Language"] = translation.get_language()
    patch_cache_control(response, no_store=True)
    return response


# What an unreachable, overloaded or locked database raises: a query cancelled by the
# statement timeout, a refused connection, no free connection in the pool.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# How long a browser or a front cache is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30


@requires_csrf_token
def server_error(request):
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        return service_unavailable(request)
    # Rendered without context processors: the database may be what failed.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request": request}))


def service_unavailable(request):
    """503, the site's page in the address's language, drawn without the database.

    No context processors, no session, no user: only what the settings and the address
    say. Front caches serve their stale copies meanwhile (nginx: proxy_cache_use_stale).
    """
    with translation.override(page_cache.page_language(request)):
        language = translation.get_language()
        context = {
            "site_name": settings.SITE_NAME.get(language, settings.SITE_NAME["uk"]),
            "translations": home_pages(),
        }
        content = loader.render_to_string("503.html", context)
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Content-Language"] = language
    patch_cache_control(response, no_store=True)
    return response
