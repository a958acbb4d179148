"""A shared full-page cache for anonymous readers, exact to the moment content changes.

Pages are stored in the default cache (Redis in production) under a key made of the
*generation* of the content, the page's language, scheme, host and full path. Any change
that can show on a public page starts a new generation (``invalidate()``, wired to the
models' signals in ``releases.signals``), so that every page, however many show the
changed thing, is read afresh: home, lists, search, feeds, sitemaps, tag, country and
official pages alike. Stale generations are never read again and expire.

A generation also ends by the clock: it is valid only until the next scheduled release
goes live, so that a cached page never outlives that moment, whether or not the
scheduler has run.

Only anonymous GETs are cached: a request that carries a session cookie (staff, anyone
who logged in) goes through untouched, and a response is stored only when it is a 200
that sets no cookie and is not private (previews, embargoed photos, forms with a CSRF
token). Each stored page tells a front cache (nginx, a CDN) how long it may keep it.
The JSON API (``PAGE_CACHE_EXCLUDED_PREFIXES``) is neither served nor stored: it answers
each request itself, with its own validators, rate limit and CORS headers.

A page is kept under its address with only the query parameters pages take
(``PAGE_CACHE_QUERY_PARAMETERS``: a list's page, search and filter fields, a sitemap's
page). A request with any other parameter (``?fbclid=…`` from a social network, or a
random one meant to fill the cache) is served the stored page of its address without
them, if there is one, and is otherwise drawn but never stored: nobody can fill the
cache, and evict what matters, with addresses no page links to.

Below the pages, a release's own part of its page (its article and head tags) is kept
per release (``cached_article()``), under a version of that release and a version of
everything releases share (photos, officials, tags, the interface's words). A change to
one release renews only its article; after a publish, every other release page is a
page-cache miss whose article is still valid, so it costs one query and the frame.
"""

import contextlib
import hashlib
import logging
import secrets
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import cc_delim_re, patch_cache_control
from django.utils.http import http_date, quote_etag, urlencode

GENERATION_KEY = "page-cache:generation"
# The version of what all articles share, and of each release's own content.
SHARED_ARTICLE_VERSION_KEY = "article-cache:shared"
logger = logging.getLogger(__name__)
try:
    from redis.exceptions import RedisError

    CACHE_ERRORS = (RedisError, OSError)
except ImportError:  # pragma: no cover - redis is a dependency
    CACHE_ERRORS = (OSError,)
# The response headers a stored page keeps; the rest are the outer middleware's.
STORED_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Robots-Tag",
    "Link",
    "ETag",
    "Last-Modified",
    "Vary",
)


def invalidate(releases=None):
    """Start a new generation: every cached page is read afresh from now on.

    ``releases`` (ids) says that the change concerns only those releases' own content:
    their articles are rendered anew, and other releases' are kept. Without it, every
    article is rendered anew as well.

    Called from inside the transaction that makes the change, and again once it commits,
    so that a page rendered meanwhile from the old data is not kept for the new one.
    """
    if releases is None:
        keys = [GENERATION_KEY, SHARED_ARTICLE_VERSION_KEY]
    else:
        keys = [GENERATION_KEY, *(article_version_key(pk) for pk in releases)]
    forget(keys)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: forget(keys))


def forget(keys):
    try:
        cache.delete_many(keys)
    except CACHE_ERRORS:
        # A change must never fail because the cache is down; pages cached before the
        # outage would outlive it, so say so loudly (flush the cache when it is back).
        logger.exception("Page cache unavailable: cached pages were not renewed")


def next_publication(now: datetime) -> datetime | None:
    """When the next scheduled release goes live, if one is waiting."""
    from .models import Release

    upcoming = Release.objects.filter(status__in=Release.LIVE_STATUSES, published_at__gt=now)
    return upcoming.order_by("published_at").values_list("published_at", flat=True).first()


def current_generation() -> dict:
    """The generation pages are cached under now: ``{"id", "since", "until"}``."""
    now = timezone.now()
    generation = cache.get(GENERATION_KEY)
    if generation is None or (generation["until"] and generation["until"] <= now):
        generation = {
            "id": secrets.token_hex(6),
            "since": now,
            "until": next_publication(now),
        }
        timeout = seconds_until(generation["until"], now)
        cache.set(GENERATION_KEY, generation, timeout)
    return generation


def remember(name: str, compute):
    """``compute()``, kept in the cache for as long as the current generation lasts.

    For what pages derive from all public releases (filter options, counts): computed
    once per change of content instead of once per request.
    """
    try:
        generation = current_generation()
        key = f"data:{generation['id']}:{hashlib.sha256(name.encode()).hexdigest()}"
        return cache.get_or_set(key, compute, cache_seconds(generation))
    except CACHE_ERRORS:
        return compute()


def article_version_key(release_id) -> str:
    return f"article-cache:release:{release_id}"


def cached_article(request, release_id: int, render):
    """``render()``, the article of a release's page, kept until what it shows changes."""
    return cached_parts(request, {(release_id, "article"): render})[release_id, "article"]


def cached_parts(request, renders: dict, prepare=None) -> dict:
    """``render()`` for each ``(release id, part): render`` of ``renders`` (a page's
    article, a list's cards), each kept until what it shows changes, in three cache
    round trips however many there are. ``prepare()``, if given, is called once before
    anything is rendered (to read in one query what the renders need).

    Keyed by the shared version, the release's version, the part, the language, scheme
    and host (an article holds absolute addresses). A version that is missing is made up
    anew, so forgetting a version (``invalidate()``) renews every part stored under it.
    """

    def render_all(wanted):
        if prepare and wanted:
            prepare()
        return {item: renders[item]() for item in wanted}

    if not settings.ARTICLE_CACHE_ENABLED:
        return render_all(list(renders))
    try:
        names = [SHARED_ARTICLE_VERSION_KEY, *{article_version_key(pk) for pk, _ in renders}]
        versions = cache.get_many(names)
        new = {name: secrets.token_hex(6) for name in names if name not in versions}
        if new:
            cache.set_many(new, None)
            versions.update(new)
        site = hashlib.sha256(f"{request.scheme}://{request.get_host()}".encode()).hexdigest()
        shared, language = versions[SHARED_ARTICLE_VERSION_KEY], translation.get_language()
        keys = {
            (pk, part): f"{part}:{shared}:{versions[article_version_key(pk)]}:{pk}:"
            f"{language}:{site[:16]}"
            for pk, part in renders
        }
        found = cache.get_many(keys.values())
    except CACHE_ERRORS:
        return render_all(list(renders))
    rendered = render_all([item for item in renders if keys[item] not in found])
    if rendered:
        with contextlib.suppress(*CACHE_ERRORS):
            stored = {keys[item]: html for item, html in rendered.items()}
            cache.set_many(stored, settings.ARTICLE_CACHE_SECONDS)
    return {item: rendered[item] if item in rendered else found[keys[item]] for item in renders}


def seconds_until(moment: datetime | None, now: datetime) -> int | None:
    if moment is None:
        return None
    return max(1, int((moment - now).total_seconds()) + 1)


def page_language(request) -> str:
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def page_address(request) -> tuple[str, bool]:
    """The address the page is kept under, without the query parameters no page takes,
    and whether the request carried any of those."""
    known = [
        (name, value)
        for name, values in request.GET.lists()
        if name in settings.PAGE_CACHE_QUERY_PARAMETERS
        for value in values
    ]
    extra = any(name not in settings.PAGE_CACHE_QUERY_PARAMETERS for name in request.GET)
    query = f"?{urlencode(known)}" if known else ""
    return f"{request.scheme}://{request.get_host()}{request.path}{query}", extra


def page_key(request, generation: dict) -> str:
    address, _extra = page_address(request)
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"page:{generation['id']}:{page_language(request)}:{digest}"


def is_cacheable_request(request) -> bool:
    return (
        settings.PAGE_CACHE_ENABLED
        and request.method == "GET"
        # The JSON API keeps its own validators, limits and CORS headers per request.
        and not request.path_info.startswith(settings.PAGE_CACHE_EXCLUDED_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def is_cacheable_response(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if "X-Accel-Redirect" in response:
        # A file handed to nginx: its body is not in the response, and its caching is
        # the view's own (a year for a public rendition).
        return False
    control = cc_delim_re.split(response.get("Cache-Control", ""))
    directives = {d.split("=", 1)[0].strip().lower() for d in control}
    return not directives & {"private", "no-store", "no-cache"}


class PageCacheMiddleware:
    """Serve anonymous readers from the shared cache; see the module's docstring.

    It sits before the session, locale and CSRF middleware, so a cached page costs two
    cache reads and no database query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        try:
            generation = current_generation()
            key = page_key(request, generation)
            stored = cache.get(key)
        except DisallowedHost:
            return self.get_response(request)  # answered with a 400 further in
        except CACHE_ERRORS:
            # The cache server is down: readers get the page itself, a bit slower.
            logger.exception("Page cache unavailable; serving %s uncached", request.path)
            return self.get_response(request)
        if stored is None and page_address(request)[1]:
            # Not a page's own address: drawn, never stored (see the module's docstring).
            return self.get_response(request)
        if stored is not None:
            response = HttpResponse(stored["content"], status=200)
            for name, value in stored["headers"].items():
                response[name] = value
            response["Content-Length"] = len(stored["content"])
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if not is_cacheable_response(response):
                return response
            response["ETag"] = quote_etag(
                hashlib.md5(response.content, usedforsecurity=False).hexdigest()
            )
            response["Last-Modified"] = http_date(generation["since"].timestamp())
            # The language is in the path: no page varies by Accept-Language.
            vary = [v for v in cc_delim_re.split(response.get("Vary", "")) if v]
            if "Accept-Language" in vary:
                vary.remove("Accept-Language")
                response["Vary"] = ", ".join(vary)
            headers = {name: response[name] for name in STORED_HEADERS if name in response}
            stored = {"content": response.content, "headers": headers}
            with contextlib.suppress(*CACHE_ERRORS):
                cache.set(key, stored, cache_seconds(generation))
            response["X-Page-Cache"] = "miss"
        share(response, generation)
        return response


def share(response, generation):
    """Tell browsers and front caches how long the page stays true: no longer than its
    generation, and at most PAGE_CACHE_EDGE_SECONDS, so a publication reaches readers
    behind nginx's micro-cache or a CDN within seconds."""
    edge = min(settings.PAGE_CACHE_EDGE_SECONDS, cache_seconds(generation))
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=edge,
        stale_while_revalidate=settings.PAGE_CACHE_STALE_SECONDS,
    )
    # nginx reads this one first; it takes precedence over Cache-Control there.
    response["X-Accel-Expires"] = str(edge)


def cache_seconds(generation) -> int:
    """How long a page of ``generation`` may be kept: PAGE_CACHE_SECONDS at most."""
    until = seconds_until(generation["until"], timezone.now())
    seconds = settings.PAGE_CACHE_SECONDS
    return min(seconds, until) if until is not None else seconds
