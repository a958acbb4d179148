"""The whole library's working copies and renditions, made again
(``manage.py regenerate_renditions``): after a change of ``PHOTO_WIDTHS`` or
``PHOTO_CROPS``, or for photos stored before working copies existed."""

from django.db import transaction

from .models import FORMATS, Photo, Rendition


def photos_with_files() -> list[Photo]:
    return list(Photo.objects.exclude(image=""))


def renditions_to_draw(photos) -> int:
    """How many renditions ``redraw_renditions`` draws for ``photos``."""
    return sum(len(photo.all_rendition_specs()) * len(FORMATS) for photo in photos)


def make_working_copies(photos, progress=None) -> int:
    """Make the working copies that are missing; return how many were made.

    ``progress`` is called with (done, total, code) after each photo.
    """
    made = 0
    for done, photo in enumerate(photos, start=1):
        made += photo.make_working_copy()
        if progress:
            progress(done, len(photos), photo.code)
    return made


def redraw_renditions(photos, progress=None):
    """Delete every rendition, then draw each one of ``photos`` that the settings define.

    ``progress`` is called with (done, total, code) after each photo.
    """
    with transaction.atomic():
        Rendition.objects.all().delete()
    for done, photo in enumerate(photos, start=1):
        for spec in photo.all_rendition_specs():
            for extension in FORMATS:
                photo.make_rendition(spec, extension)
        if progress:
            progress(done, len(photos), photo.code)
