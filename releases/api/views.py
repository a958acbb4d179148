"""The API's views: what the public may read, a page at a time, with validators.

What is public is the site's own definition, never a copy of it:

- releases listed: ``Release.objects.published()`` complete in at least one language,
  as the site's lists in either language show them; their texts only in the languages
  they are complete in;
- a release's own address: ``Release.objects.on_record()`` as the release page has it,
  so that one archived with a notice still answers (``"archived": true`` and the
  reason); one archived with a redirect answers 301 to the release it leads to, or 404;
- officials, tags and countries that a published release shows; photos on record
  (``Photo.objects.on_record()``), as their pages and files are.

Every answer costs a fixed number of queries, however long a page or a release is; a
conditional GET that matches costs none (lists) or one (an object). The validators come
from the page cache's generation (``releases.page_cache``), which every change a page can
show renews, and which ends when a scheduled release goes live.
"""

import hashlib
from datetime import UTC, datetime
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Case, Prefetch, Q, Value, When, prefetch_related_objects
from django.http import Http404, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from releases import page_cache
from releases.languages import LANGUAGES, in_each_language
from releases.models import Country, Official, Photo, Release, SlugHistory, Tag
from releases.models.release import completeness_field
from releases.views import positions_prefetch, release_page_prefetches

from . import serializers as api
from .filters import ReleaseFilter

# The language of error messages when Accept-Language names none of the site's.
DEFAULT_LANGUAGE = "en"
LARGEST_ID = 2**63 - 1


def api_language(request) -> str:
    """English, unless Accept-Language prefers Ukrainian: the API's data holds both
    languages whatever is asked; only its messages are in one."""
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        base = code.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return DEFAULT_LANGUAGE


def public_in_any_language(releases):
    """``releases`` that are public in at least one language (``public()`` of either)."""
    condition = Q()
    for language in LANGUAGES:
        condition |= Q(**{completeness_field(language): True})
    return releases.filter(condition)


def first_or_404(queryset):
    found = queryset.first()
    if found is None:
        raise Http404
    return found


def by_key_or_slug(queryset, value, *, key="key"):
    """The object whose key or slug (in any language) is ``value``; a key match first.
    Without ``key``, by slug alone."""
    condition = Q()
    for lookup in in_each_language("slug", value).items():
        condition |= Q(lookup)
    if key:
        queryset = queryset.filter(Q(**{key: value}) | condition).order_by(
            Case(When(**{key: value}, then=Value(0)), default=Value(1))
        )
    else:
        queryset = queryset.filter(condition)
    return first_or_404(queryset)


class AcceptHeaderNegotiation(DefaultContentNegotiation):
    """The format is JSON, asked by Accept alone: ``?format`` is no parameter of the API."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)


class CursorPages(CursorPagination):
    """Pages walked by an opaque cursor: a deep page costs what the first one does.

    A cursor or page size that cannot be read is a 400 naming the parameter, checked
    before any query (``check()``).
    """

    page_size_query_param = "page_size"
    invalid_page_size_message = _("Enter a whole number from 1 to %(largest)s.")

    def get_page_size(self, request):
        # From the settings on each request, not when the class is defined.
        value = request.query_params.get(self.page_size_query_param)
        largest = settings.API_MAX_PAGE_SIZE
        if value is None:
            return settings.API_PAGE_SIZE
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= largest:
            message = self.invalid_page_size_message % {"largest": largest}
            raise ValidationError({self.page_size_query_param: [message]})
        return int(value)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except Exception as error:  # DRF's NotFound for any cursor it cannot read
            raise self.invalid_cursor() from error
        if cursor is None or cursor.position is None:
            return cursor
        return cursor._replace(position=self.position_value(cursor.position))

    def position_value(self, position):
        """The cursor's position read as the ordering field reads it, or a 400."""
        field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
        try:
            value = field.to_python(position)
            if isinstance(value, datetime):
                # Written as the cursor was made (in UTC), checked to stay within reach.
                aware = value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
                value = aware.astimezone(UTC)
        except (DjangoValidationError, ValueError, TypeError, OverflowError):
            raise self.invalid_cursor() from None
        if isinstance(value, int) and abs(value) > LARGEST_ID:
            raise self.invalid_cursor()
        return value

    def invalid_cursor(self):
        return ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})

    def check(self, request, model):
        """Read the page size and the cursor, so that a bad one is a 400 before anything."""
        self.model = model
        self.get_page_size(request)
        self.decode_cursor(request)

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(
                    minimum=1, maximum=settings.API_MAX_PAGE_SIZE, default=settings.API_PAGE_SIZE
                )
        return parameters


def cursor_pages(*ordering):
    return type("Pages", (CursorPages,), {"ordering": ordering})


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


BAD_REQUEST = OpenApiResponse(
    response={
        "type": "object",
        "description": "Each parameter that could not be read, with what was wrong; or "
        "`detail` when the request as a whole was refused.",
        "additionalProperties": {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
        },
    },
    description="A parameter could not be read, or is unknown.",
)
COMMON_RESPONSES = {
    304: OpenApiResponse(description="Not modified since the validators given."),
    400: BAD_REQUEST,
    429: OpenApiResponse(ErrorSerializer, description="Too many requests: see Retry-After."),
}
DETAIL_RESPONSES = {
    **COMMON_RESPONSES,
    404: OpenApiResponse(ErrorSerializer, description="No such public object."),
}


def documented(serializer, *, listed, one, detail=None, moved=False, **descriptions):
    """The schema of a list and its objects: ``listed`` and ``one`` summarise them."""
    responses = {200: detail or serializer, **DETAIL_RESPONSES}
    if moved:
        responses[301] = OpenApiResponse(description="Moved: see Location.")
    return extend_schema_view(
        list=extend_schema(
            summary=listed,
            description=descriptions.get("list_description"),
            responses={200: serializer(many=True), **COMMON_RESPONSES},
        ),
        retrieve=extend_schema(
            summary=one, description=descriptions.get("detail_description"), responses=responses
        ),
    )


class PublicApiMixin:
    """What every view of the API shares: messages in the language asked for, unknown
    parameters refused, conditional GETs, and how long an answer may be kept."""

    content_negotiation_class = AcceptHeaderNegotiation
    filter_backends = [DjangoFilterBackend]
    # Anything up to the next slash: a lookup that cannot match is the view's JSON 404.
    lookup_value_regex = "[^/]+"

    def initial(self, request, *args, **kwargs):
        translation.activate(api_language(request))
        super().initial(request, *args, **kwargs)
        self.refuse_unknown_parameters(request)

    def allowed_parameters(self) -> set[str]:
        if self.action != "list":
            return set()
        names = {self.paginator.cursor_query_param, self.paginator.page_size_query_param}
        if getattr(self, "filterset_class", None):
            names |= set(self.filterset_class.base_filters)
        return names

    def refuse_unknown_parameters(self, request):
        unknown = sorted(set(request.query_params) - self.allowed_parameters())
        if unknown:
            raise ValidationError({name: [_("Unknown parameter.")] for name in unknown})

    def validators(self, request):
        """``(ETag, Last-Modified)`` of this answer: the same while the generation of
        content lasts; None when the cache cannot say."""
        try:
            generation = page_cache.current_generation()
        except page_cache.CACHE_ERRORS:
            return None
        basis = f"{generation['id']}|{translation.get_language()}|{request.get_full_path()}"
        etag = quote_etag(hashlib.sha256(basis.encode()).hexdigest()[:32])
        return etag, generation["since"]

    def not_modified(self, request):
        """A 304 when the client's copy is current, else None (and the validators are
        kept for the answer)."""
        self.answer_validators = self.validators(request)
        if self.answer_validators is None:
            return None
        etag, since = self.answer_validators
        return get_conditional_response(request, etag=etag, last_modified=int(since.timestamp()))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        validators = getattr(self, "answer_validators", None)
        if response.status_code in (200, 304) and validators:
            response["ETag"] = validators[0]
            response["Last-Modified"] = http_date(validators[1].timestamp())
        if response.status_code < 400:
            # Kept by browsers and clients, asked again each time: a 304 is cheap.
            patch_cache_control(response, public=True, no_cache=True)
        else:
            patch_cache_control(response, no_store=True)
        return response

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        self.paginator.check(request, queryset.model)
        not_modified = self.not_modified(request)
        if not_modified is not None:
            return not_modified
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        if not isinstance(instance, self.get_queryset().model):
            return instance  # a redirect
        not_modified = self.not_modified(request)
        if not_modified is not None:
            return not_modified
        return Response(self.get_serializer(self.prepare(instance)).data)

    def prepare(self, instance):
        """Read what the detail shows besides the object itself."""
        return instance

    def filter_queryset(self, queryset):
        # The filters are the list's: an object is found by its address alone.
        return super().filter_queryset(queryset) if self.action == "list" else queryset


class PublicViewSet(PublicApiMixin, viewsets.ReadOnlyModelViewSet):
    """A list and its objects, read-only: any other method is a 405."""


@documented(
    api.ReleaseSerializer,
    detail=api.ReleaseDetailSerializer,
    moved=True,
    listed="Public releases, newest first",
    list_description="Releases public in at least one language, 20 a page (page_size up to "
    "100), newest first; `next` and `previous` are the addresses of the pages around.",
    one="A release with its body",
    detail_description="By key (stable) or by slug in either language. An older slug and "
    "a release archived with a redirect answer 301 to the current address.",
)
class ReleaseViewSet(PublicViewSet):
    """Press releases: listed while public in a language, found while on record."""

    filterset_class = ReleaseFilter
    pagination_class = cursor_pages("-published_at", "-id")
    lookup_field = "key"

    def get_queryset(self):
        if self.action == "retrieve":
            return public_in_any_language(Release.objects.on_record()).select_related(
                "hero_photo", "archive_target"
            )
        return (
            public_in_any_language(Release.objects.published())
            .select_related("hero_photo")
            .prefetch_related(
                Prefetch(
                    "officials", queryset=Official.objects.prefetch_related(positions_prefetch())
                ),
                "countries",
                "tags",
            )
        )

    def get_serializer_class(self):
        if self.action == "retrieve":
            return api.ReleaseDetailSerializer
        return api.ReleaseSerializer

    def get_object(self):
        value = self.kwargs["key"]
        try:
            release = by_key_or_slug(self.get_queryset(), value)
        except Http404:
            return self.moved(value)
        if (
            release.status == Release.Status.ARCHIVED
            and release.archive_mode == Release.ArchiveMode.REDIRECT
        ):
            target = release.archive_target
            published = public_in_any_language(Release.objects.published())
            if target is None or not published.filter(pk=target.pk).exists():
                raise Http404
            return self.redirect_to(target)
        return release

    def moved(self, value):
        """A release by an address it had before its slug changed: 301 to its key."""
        old = SlugHistory.objects.filter(slug=value, release__in=self.get_queryset()).first()
        if old is None:
            raise Http404
        return self.redirect_to(old.release)

    def redirect_to(self, release):
        url = reverse("api:release-detail", args=[release.key])
        return HttpResponsePermanentRedirect(self.request.build_absolute_uri(url))

    def prepare(self, release):
        prefetch_related_objects([release], *release_page_prefetches())
        return release


@documented(
    api.OfficialSerializer,
    listed="Officials that public releases name",
    one="An official, by key or slug",
)
class OfficialViewSet(PublicViewSet):
    """Officials a published release lists or quotes, with every position they held."""

    serializer_class = api.OfficialSerializer
    pagination_class = cursor_pages("id")
    lookup_field = "key"

    def get_queryset(self):
        return Official.objects.named_in(Release.objects.published()).prefetch_related(
            positions_prefetch()
        )

    def get_object(self):
        return by_key_or_slug(self.get_queryset(), self.kwargs["key"])


@documented(
    api.TagSerializer,
    listed="Tags that published releases carry",
    one="A tag, by its slug in either language",
)
class TagViewSet(PublicViewSet):
    """Tags, named and addressed in each language they are written in."""

    serializer_class = api.TagSerializer
    pagination_class = cursor_pages("id")
    lookup_field = "slug"

    def get_queryset(self):
        return Tag.objects.used_in(Release.objects.published())

    def get_object(self):
        return by_key_or_slug(self.get_queryset(), self.kwargs["slug"], key=None)


@documented(
    api.CountrySerializer,
    listed="Partner countries of published releases",
    one="A country, by its ISO 3166-1 alpha-2 code",
)
class CountryViewSet(PublicViewSet):
    """Partner countries, by ISO 3166-1 code, named in both languages."""

    serializer_class = api.CountrySerializer
    pagination_class = cursor_pages("code")
    lookup_field = "code"

    def get_queryset(self):
        return Country.objects.filter(pk__in=Release.objects.published().values("countries"))

    def get_object(self):
        code = self.kwargs["code"]
        if not (len(code) == 2 and code.isascii() and code.isalpha()):
            raise Http404
        return first_or_404(self.get_queryset().filter(code=code.upper()))


@documented(
    api.PhotoSerializer, listed="Photos that releases on record show", one="A photo, by its code"
)
class PhotoViewSet(PublicViewSet):
    """Photos with their descriptions and the addresses of every size the site serves."""

    serializer_class = api.PhotoSerializer
    pagination_class = cursor_pages("code")
    lookup_field = "code"

    def get_queryset(self):
        # The photo pages' own definition, as ids: no DISTINCT over whole rows.
        return Photo.objects.filter(pk__in=Photo.objects.on_record().values("pk"))

    def get_object(self):
        return first_or_404(self.get_queryset().filter(code=self.kwargs["code"]))


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema: YAML, or JSON with ``?format=json`` (or by Accept).

    In English, as its descriptions are, whatever the address's language would be.
    """

    def initial(self, request, *args, **kwargs):
        translation.activate(DEFAULT_LANGUAGE)
        super().initial(request, *args, **kwargs)


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI over the schema, from the site's own static files (the sidecar).

    Its script is a file of its own (this address with ``?script``), so the site's
    Content-Security-Policy holds as it is. Swagger UI speaks English only. A script of
    the site's names the lists of allowed values Swagger UI leaves unnamed.
    """

    template_name = "api/docs.html"

    def initial(self, request, *args, **kwargs):
        translation.activate(DEFAULT_LANGUAGE)
        super().initial(request, *args, **kwargs)

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if isinstance(response.data, dict) and "script_url" in response.data:
            response.data.update(
                language=DEFAULT_LANGUAGE,
                description=spectacular_settings.DESCRIPTION,
                schema_url=self._get_schema_url(request),
                stylesheet=static("css/api-docs.css"),
                labels=static("js/api-docs.js"),
            )
        return response
