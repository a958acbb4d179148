"""Finding one's way on the public site: breadcrumbs, related releases, numbered pages."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Release, TaggedRelease

# How many related releases a release page shows.
RELATED_COUNT = 4
# Related releases are chosen among this many of the newest releases that share anything
# with the release: a tag on half the archive costs no more than a rare one.
RELATED_CANDIDATES = 200


def crumb(name, url=None) -> dict:
    return {"name": name, "url": url}


def site_crumbs() -> list[dict]:
    """Where every trail starts: the home page."""
    return [crumb(_("Home"), reverse("releases:home"))]


def list_crumbs() -> list[dict]:
    """The trail of a page that belongs to the press releases."""
    return [*site_crumbs(), crumb(_("Press releases"), reverse("releases:list"))]


class BreadcrumbsMixin:
    """Gives the template ``breadcrumbs``: the trail from the home page to this page,
    whose last step is the page itself (``includes/_breadcrumbs.html``)."""

    def get_breadcrumbs(self) -> list[dict]:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = self.get_breadcrumbs()
        return context


def breadcrumb_structured_data(request, crumbs) -> dict:
    """The trail as a schema.org BreadcrumbList (JSON-LD), with absolute addresses."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": number,
                "name": str(step["name"]),
                **({"item": request.build_absolute_uri(step["url"])} if step["url"] else {}),
            }
            for number, step in enumerate(crumbs, 1)
        ],
    }


def release_crumbs(release) -> list[dict]:
    """Home › Press releases › the release (the last step is the page: no address)."""
    return [*list_crumbs(), crumb(release.title)]


def related_releases(release, limit: int = RELATED_COUNT) -> list:
    """``related_query()``, read."""
    return list(related_query(release, limit))


def related_query(release, limit: int = RELATED_COUNT):
    """Up to ``limit`` other releases public in the active language that share the most
    tags, listed officials and partner countries with ``release``, newest first among equals.

    One query, whatever the release carries and however large the archive: the release's
    tags, officials and countries are read inside it, not before. It first takes the
    ``RELATED_CANDIDATES`` newest public releases sharing anything (the public index
    walked newest first, each row checked through the link tables' indexes, so a tag on
    half the archive stops the walk early), and scores only those.
    """
    officials = Release.officials.through.objects
    countries = Release.countries.through.objects
    links = [
        (TaggedRelease.objects, "content_object_id", "tag_id"),
        (officials, "release_id", "official_id"),
        (countries, "release_id", "country_id"),
    ]

    def shared(model, owner, other, outer):
        """The links of ``outer`` (a release) to what ``release`` is linked to."""
        mine = model.filter(**{owner: release.pk}).values(other)
        return model.filter(**{owner: outer, f"{other}__in": mine})

    shares_anything = Q()
    score = Value(0, output_field=IntegerField())
    for model, owner, other in links:
        shares_anything |= Exists(shared(model, owner, other, OuterRef("pk")))
        count = (
            shared(model, owner, other, OuterRef("pk"))
            .order_by()
            .values(owner)
            .annotate(n=Count("*"))
            .values("n")
        )
        score += Coalesce(Subquery(count, output_field=IntegerField()), 0)
    candidates = (
        Release.objects.public()
        .exclude(pk=release.pk)
        .filter(shares_anything)
        .order_by("-published_at", "-pk")
        .values("pk")[:RELATED_CANDIDATES]
    )
    return (
        Release.objects.filter(pk__in=candidates)
        .select_related("hero_photo")
        .annotate(shared=score)
        .order_by("-shared", "-published_at", "-pk")[:limit]
    )


def page_url(number: int, path: str, query: str = "") -> str:
    """The address of page ``number`` of a list at ``path`` with its own ``query``
    (``?tag=…``): the first page has no number, so it has one address only."""
    if number == 1:
        return query or path
    return f"?{query[1:]}&page={number}" if query else f"?page={number}"


def page_numbers(page, path: str, query: str = "") -> dict:
    """The links of a list's ``page``: ``previous`` and ``next`` (addresses or None), and
    ``numbers``: the first and last pages and two either side of the current one, each
    ``{"number", "url", "current"}``, with ``None`` for each gap (an ellipsis).

    Every list that paginates already knows how many pages it has (a count kept per
    change of content, or search's bounded results), and a page past the first reads
    its keys from the index alone (``views.RememberedCountPaginator``): numbering every
    page, the last one included, costs no query that the "next page" link did not cost.
    """
    numbers = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if not isinstance(number, int):
            numbers.append(None)
            continue
        url = page_url(number, path, query)
        numbers.append({"number": number, "url": url, "current": number == page.number})
    return {
        "previous": page_url(page.number - 1, path, query) if page.has_previous() else None,
        "next": page_url(page.number + 1, path, query) if page.has_next() else None,
        "numbers": numbers,
    }
