"""What the API's objects look like: every text in both languages side by side.

A text is a map of the site's languages to the text in each, or ``null`` where there is
none: a release's own texts are given only in the languages it is public in (its stored
completeness flags), so that the API never shows a version the site does not.
"""

import html
import re

from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from releases import video
from releases.languages import LANGUAGES, localized
from releases.models import (
    Block,
    ChangeNote,
    Country,
    Document,
    Official,
    Photo,
    Position,
    Release,
    Tag,
)
from releases.photos.models import FORMATS

LocalizedText = type(
    "LocalizedText",
    (serializers.Serializer,),
    {
        "__doc__": "A text in each language of the site; null where it has none.",
        **{lang: serializers.CharField(allow_null=True) for lang in LANGUAGES},
    },
)


def absolute(request, path: str | None) -> str | None:
    return request.build_absolute_uri(path) if path else None


@extend_schema_field(LocalizedText)
class LocalizedField(serializers.Field):
    """``field`` of the object in each language; an empty text is ``null``.

    With ``public_only``, a language the release is not public in is ``null`` too.
    """

    def __init__(self, field, *, public_only=False, **kwargs):
        self.field, self.public_only = field, public_only
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return {
            lang: (localized(obj, self.field, lang) or None) if self.shown(obj, lang) else None
            for lang in LANGUAGES
        }

    def shown(self, obj, language) -> bool:
        return not self.public_only or obj.is_complete_in(language)


@extend_schema_field(LocalizedText)
class PageUrlField(serializers.Field):
    """The absolute address of the object's page on the site in each language it exists
    in there (``exists(obj, language)``), else ``null``."""

    def __init__(self, exists, **kwargs):
        self.exists = exists
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        request, urls = self.context["request"], {}
        for lang in LANGUAGES:
            urls[lang] = None
            if self.exists(obj, lang):
                with translation.override(lang):
                    urls[lang] = absolute(request, obj.get_absolute_url())
        return urls


def named_in(obj, language) -> bool:
    """Officials and tags have a page in a language once named in it (as on the site)."""
    return bool(localized(obj, "name", language) and localized(obj, "slug", language))


class ConstantField(serializers.ReadOnlyField):
    """A discriminator: always ``value``, and an enum of that one value in the schema."""

    def __init__(self, value, **kwargs):
        self.value = value
        super().__init__(source="*", **kwargs)
        self._spectacular_annotation = {"field": {"type": "string", "enum": [value]}}

    def to_representation(self, obj):
        return self.value


@extend_schema_field(OpenApiTypes.URI)
class ApiUrlField(serializers.Field):
    """The object's own address in the API; ``null`` for an object without a key or slug
    to be addressed by (``allow_null``: a name of punctuation alone makes no slug)."""

    def __init__(self, viewname, lookup, **kwargs):
        self.viewname, self.lookup = viewname, lookup
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        value = self.lookup(obj)
        if not value:
            return None
        return absolute(self.context["request"], reverse(self.viewname, args=[value]))


class ReadOnlySerializer(serializers.ModelSerializer):
    """A model's fields, every one read-only (and so required in the answer's schema)."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


# Photos ------------------------------------------------------------------------------------


class RenditionSerializer(serializers.Serializer):
    spec = serializers.CharField(help_text="A width (w800) or a crop (card, social…).")
    format = serializers.ChoiceField(choices=list(FORMATS))
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    url = serializers.URLField()


class PhotoSerializer(ReadOnlySerializer):
    api_url = ApiUrlField("api:photo-detail", lambda photo: photo.code)
    page_url = PageUrlField(lambda photo, language: True)
    download_url = serializers.SerializerMethodField()
    alt = LocalizedField("alt")
    caption = LocalizedField("caption")
    credit = LocalizedField("credit")
    renditions = serializers.SerializerMethodField()

    class Meta:
        model = Photo
        fields = [
            "code",
            "api_url",
            "page_url",
            "download_url",
            "width",
            "height",
            "taken_at",
            "alt",
            "caption",
            "credit",
            "renditions",
        ]

    def get_download_url(self, photo) -> str:
        with translation.override(LANGUAGES[0]):
            path = reverse("releases:photo_download", kwargs={"code": photo.code})
        return absolute(self.context["request"], path)

    @extend_schema_field(RenditionSerializer(many=True))
    def get_renditions(self, photo):
        """Every size the site serves of the photo, drawn when first asked for."""
        request, result = self.context["request"], []
        for spec in photo.all_rendition_specs() if photo.width and photo.height else []:
            width, height = photo.rendition_size(spec)
            for extension in FORMATS:
                url = absolute(request, photo.rendition_url(spec, extension))
                result.append(
                    {
                        "spec": spec,
                        "format": extension,
                        "width": width,
                        "height": height,
                        "url": url,
                    }
                )
        return result


# People, places, tags --------------------------------------------------------------------


class CountrySerializer(ReadOnlySerializer):
    code = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    api_url = ApiUrlField("api:country-detail", lambda country: country.code.code)
    page_url = PageUrlField(lambda country, language: True)

    class Meta:
        model = Country
        fields = ["code", "name", "api_url", "page_url"]

    def get_code(self, country) -> str:
        """ISO 3166-1 alpha-2, upper case."""
        return country.code.code

    @extend_schema_field(LocalizedText)
    def get_name(self, country):
        return {lang: country.name_in(lang) for lang in LANGUAGES}


class PositionSerializer(ReadOnlySerializer):
    title = LocalizedField("title")
    organisation = LocalizedField("organisation")
    country = serializers.SerializerMethodField()

    class Meta:
        model = Position
        fields = ["title", "organisation", "country", "start", "end"]

    def get_country(self, position) -> str:
        """ISO 3166-1 alpha-2 code of the country the position serves."""
        return position.country.code.code


class OfficialRefSerializer(ReadOnlySerializer):
    """An official as a release names them."""

    key = serializers.CharField(read_only=True, help_text="Stable: it never changes.")
    api_url = ApiUrlField("api:official-detail", lambda official: official.key, allow_null=True)
    name = LocalizedField("name")
    slug = LocalizedField("slug")
    page_url = PageUrlField(named_in)

    class Meta:
        model = Official
        fields = ["key", "api_url", "name", "slug", "page_url"]


class OfficialInReleaseSerializer(OfficialRefSerializer):
    """An official with the position they held on the release's date."""

    position = serializers.SerializerMethodField()

    class Meta(OfficialRefSerializer.Meta):
        fields = [*OfficialRefSerializer.Meta.fields, "position"]

    @extend_schema_field(PositionSerializer(allow_null=True))
    def get_position(self, official):
        position = official.position_on(self.context["release"].date)
        return PositionSerializer(position, context=self.context).data if position else None


class OfficialSerializer(OfficialRefSerializer):
    """An official with every position they held."""

    portrait_url = serializers.SerializerMethodField()
    positions = PositionSerializer(many=True, read_only=True)

    class Meta(OfficialRefSerializer.Meta):
        fields = [*OfficialRefSerializer.Meta.fields, "portrait_url", "positions"]

    def get_portrait_url(self, official) -> str | None:
        if not official.portrait:
            return None
        return absolute(self.context["request"], official.portrait_url)


class TagSerializer(ReadOnlySerializer):
    api_url = ApiUrlField("api:tag-detail", lambda tag: first_slug(tag), allow_null=True)
    name = LocalizedField("name")
    slug = LocalizedField("slug")
    page_url = PageUrlField(named_in)

    class Meta:
        model = Tag
        fields = ["api_url", "name", "slug", "page_url"]


def first_slug(obj) -> str | None:
    return next(filter(None, (localized(obj, "slug", code) for code in LANGUAGES)), None)


# Releases --------------------------------------------------------------------------------


class LanguageVersionSerializer(serializers.Serializer):
    complete = serializers.BooleanField(
        help_text="Whether the release is written in full in this language: public in it."
    )
    translation_status = serializers.ChoiceField(choices=Release.TranslationStatus.choices)


LanguageVersions = type(
    "LanguageVersions",
    (serializers.Serializer,),
    {
        "__doc__": "The release in each language of the site.",
        **{lang: LanguageVersionSerializer() for lang in LANGUAGES},
    },
)


class ReleaseSerializer(ReadOnlySerializer):
    """A release as lists show it: its texts, people, places, tags and main photo."""

    key = serializers.CharField(read_only=True, help_text="Stable: it never changes.")
    api_url = ApiUrlField("api:release-detail", lambda release: release.key)
    title = LocalizedField("title", public_only=True)
    lead = LocalizedField("lead", public_only=True)
    slug = LocalizedField("slug", public_only=True)
    page_url = PageUrlField(lambda release, language: release.is_complete_in(language))
    languages = serializers.SerializerMethodField()
    archived = serializers.SerializerMethodField()
    hero_photo = PhotoSerializer(read_only=True, allow_null=True)
    officials = serializers.SerializerMethodField()
    countries = CountrySerializer(many=True, read_only=True)
    tags = TagSerializer(many=True, read_only=True)

    class Meta:
        model = Release
        fields = [
            "key",
            "api_url",
            "source_language",
            "kind",
            "published_at",
            "updated_at",
            "archived",
            "languages",
            "title",
            "lead",
            "slug",
            "page_url",
            "hero_photo",
            "officials",
            "countries",
            "tags",
        ]

    @extend_schema_field(LanguageVersions)
    def get_languages(self, release):
        return {
            lang: {
                "complete": release.is_complete_in(lang),
                "translation_status": release.translation_status(lang),
            }
            for lang in LANGUAGES
        }

    def get_archived(self, release) -> bool:
        """Archived with a notice: no longer listed, its page still answers."""
        return release.status == Release.Status.ARCHIVED

    @extend_schema_field(OfficialInReleaseSerializer(many=True))
    def get_officials(self, release):
        context = {**self.context, "release": release}
        officials = release.officials.all()
        return OfficialInReleaseSerializer(officials, many=True, context=context).data


# The body: blocks of four kinds, the same in both languages.


def plain_text(stored_html: str) -> str:
    """A paragraph's text without its inline markup; a line break is a new line."""
    return html.unescape(strip_tags(re.sub(r"<br\s*/?>", "\n", stored_html)))


@extend_schema_field(LocalizedText)
class BlockTextField(serializers.Field):
    """The block's text in each language its release is public in."""

    def __init__(self, plain=False, **kwargs):
        self.plain = plain
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, block):
        release = self.context["release"]
        texts = {}
        for lang in LANGUAGES:
            text = localized(block, "text", lang) if release.is_complete_in(lang) else None
            texts[lang] = (plain_text(text) if self.plain else text) if text else None
        return texts


class ParagraphBlockSerializer(serializers.Serializer):
    type = ConstantField(Block.Kind.PARAGRAPH.value)
    html = BlockTextField(
        help_text="Inline HTML as stored (links, <strong>, <em>, <br>), already sanitised."
    )
    text = BlockTextField(plain=True, help_text="The same text without markup.")


class QuoteBlockSerializer(serializers.Serializer):
    type = ConstantField(Block.Kind.QUOTE.value)
    text = BlockTextField(help_text="Plain text, without quotation marks.")
    official = serializers.SerializerMethodField()

    @extend_schema_field(OfficialInReleaseSerializer)
    def get_official(self, block):
        return OfficialInReleaseSerializer(block.official, context=self.context).data


class PhotoBlockSerializer(serializers.Serializer):
    type = ConstantField(Block.Kind.PHOTO.value)
    photo = PhotoSerializer(read_only=True)


class VideoBlockSerializer(serializers.Serializer):
    type = ConstantField(Block.Kind.VIDEO.value)
    title = BlockTextField(plain=True, help_text="The video's title, plain text.")
    youtube_id = serializers.CharField(source="video_id", read_only=True)
    url = serializers.SerializerMethodField(help_text="The video on YouTube.")
    embed_url = serializers.SerializerMethodField(
        help_text="Its player on YouTube's privacy-enhanced domain."
    )
    poster = PhotoSerializer(source="photo", read_only=True, allow_null=True)

    def get_url(self, block) -> str:
        return video.watch_url(block.video_id)

    def get_embed_url(self, block) -> str:
        return video.embed_url(block.video_id)


BLOCK_SERIALIZERS = {
    Block.Kind.PARAGRAPH.value: ParagraphBlockSerializer,
    Block.Kind.QUOTE.value: QuoteBlockSerializer,
    Block.Kind.PHOTO.value: PhotoBlockSerializer,
    Block.Kind.VIDEO.value: VideoBlockSerializer,
}


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="Block",
        serializers=BLOCK_SERIALIZERS,
        resource_type_field_name="type",
        many=True,
    )
)
class BodyField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, release):
        context = {**self.context, "release": release}
        return [
            BLOCK_SERIALIZERS[block.kind](block, context=context).data
            for block in release.blocks.all()
        ]


class ChangeNoteSerializer(ReadOnlySerializer):
    note = serializers.SerializerMethodField()

    class Meta:
        model = ChangeNote
        fields = ["created_at", "note"]

    @extend_schema_field(LocalizedText)
    def get_note(self, note):
        """The note in each language its release is public in, as the release's texts."""
        release = self.context["release"]
        return {
            lang: (localized(note, "note", lang) or None) if release.is_complete_in(lang) else None
            for lang in LANGUAGES
        }


class DocumentSerializer(ReadOnlySerializer):
    """A document the release carries: its title and download in each language the
    release is public in (the download answers there, as on the release page)."""

    title = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["title", "kind", "size", "download_url"]

    @extend_schema_field(LocalizedText(allow_null=True))
    def get_title(self, document):
        release = document.release
        return {
            lang: localized(document, "title", lang) if release.is_complete_in(lang) else None
            for lang in LANGUAGES
        }

    @extend_schema_field(LocalizedText(allow_null=True))
    def get_download_url(self, document):
        request, release = self.context["request"], document.release
        urls = {}
        for lang in LANGUAGES:
            urls[lang] = None
            if release.is_complete_in(lang):
                with translation.override(lang):
                    urls[lang] = absolute(request, document.get_absolute_url())
        return urls


class ReleaseDetailSerializer(ReleaseSerializer):
    """A release with its body and what its page says besides."""

    archive_reason = serializers.SerializerMethodField()
    body = BodyField()
    change_notes = serializers.SerializerMethodField()
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta(ReleaseSerializer.Meta):
        fields = [
            *ReleaseSerializer.Meta.fields,
            "archive_reason",
            "body",
            "documents",
            "change_notes",
        ]

    @extend_schema_field(ChangeNoteSerializer(many=True))
    def get_change_notes(self, release):
        context = {**self.context, "release": release}
        return ChangeNoteSerializer(release.change_notes.all(), many=True, context=context).data

    @extend_schema_field(LocalizedText(allow_null=True))
    def get_archive_reason(self, release):
        """Why it was archived, in the languages it is public in; null unless archived."""
        if release.status != Release.Status.ARCHIVED:
            return None
        return LocalizedField("archive_reason", public_only=True).to_representation(release)
