"""Fields kept in both languages (django-modeltranslation adds ``<field>_uk`` and ``_en``)."""

from modeltranslation.translator import TranslationOptions, register

from .models import (
    Block,
    ChangeNote,
    Document,
    Official,
    Photo,
    Position,
    PressContacts,
    Release,
    Tag,
)


@register(Release)
class ReleaseTranslationOptions(TranslationOptions):
    fields = ("title", "lead", "slug", "archive_reason", "text_changed", "text_hash")
    # An empty slug is stored as NULL so that unique slugs allow "not translated yet".
    empty_values = {"slug": None}


@register(Block)
class BlockTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(Official)
class OfficialTranslationOptions(TranslationOptions):
    fields = ("name", "slug")
    empty_values = {"slug": None}


@register(Position)
class PositionTranslationOptions(TranslationOptions):
    fields = ("title", "organisation")


@register(Photo)
class PhotoTranslationOptions(TranslationOptions):
    fields = ("caption", "alt", "credit")


@register(Tag)
class TagTranslationOptions(TranslationOptions):
    fields = ("name", "slug")
    empty_values = {"name": None, "slug": None}


@register(ChangeNote)
class ChangeNoteTranslationOptions(TranslationOptions):
    fields = ("note",)


@register(PressContacts)
class PressContactsTranslationOptions(TranslationOptions):
    fields = ("address", "office_hours", "accreditation")


@register(Document)
class DocumentTranslationOptions(TranslationOptions):
    fields = ("title",)
