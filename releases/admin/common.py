"""Helpers shared by the admin modules."""

from django import forms
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


class StoredFile:
    """A stored file as its field shows it: a name, and the address that serves it."""

    def __init__(self, url, name):
        self.url, self.name = url, name

    def __str__(self):
        return str(self.name)


class CheckedFileInput(forms.ClearableFileInput):
    """Links the stored file to the view that checks who asks, never to the media folder
    (which is served to no one): ``link(instance)`` gives that address and a name."""

    def __init__(self, link, attrs=None):
        super().__init__(attrs)
        self.link = link

    def format_value(self, value):
        instance = getattr(value, "instance", None)
        if self.is_initial(value) and instance is not None and instance.pk:
            return StoredFile(*self.link(instance))
        return super().format_value(value)
