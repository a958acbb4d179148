"""Helpers shared by the admin modules."""

from django.conf import settings
from django.utils.html import format_html

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def side_by_side(*fields):
    """Rows of ``field_uk, field_en`` pairs, so both languages sit next to each other."""
    return tuple(tuple(f"{field}_{lang}" for lang in LANGUAGES) for field in fields)


def thumbnail(photo, size=80):
    if not photo or not photo.image:
        return "—"
    return format_html(
        '<img class="press-thumbnail" src="{}" alt="" width="{}">',
        photo.rendition_url(f"w{photo.widths()[0]}", "jpg"),
        size,
    )
