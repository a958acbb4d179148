"""The photo library's files: renditions, drawn when first asked for, and the cleaned
originals, each for whoever may see its photo (``visible_photo``)."""

from pathlib import PurePosixPath

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from releases import media
from releases.models.embargo import release_shown_by

from .models import CONTENT_TYPES, FORMATS, Photo, is_rendition_spec


def previewed_photo(request, code):
    """A photo of the release a valid preview link or embargo access shows, for the holder
    of that link."""
    release_id = release_shown_by(request.GET.get("preview", ""))
    if release_id is None:
        raise Http404
    return get_object_or_404(
        Photo.objects.filter(Q(hero_of=release_id) | Q(blocks__release=release_id)).distinct(),
        code=code,
    )


def visible_photo(request, code, *, preview=False) -> tuple[Photo, bool]:
    """Photo ``code`` if this request may see it, and whether the public may.

    A photo a public release shows is for everyone; any other one for staff allowed to see
    photos and, where ``preview`` allows it, for the holder of a preview link of a release
    that shows it. Otherwise a 404, the same as for a code that does not exist.
    """
    photo = Photo.objects.on_record().filter(code=code).first()
    if photo is not None:
        return photo, True
    if request.user.has_perm("releases.view_photo"):
        return get_object_or_404(Photo, code=code), False
    if preview:
        return previewed_photo(request, code), False
    raise Http404


def photo_rendition(request, code, spec, ext):
    """A rendition of a photo, drawn the first time it is asked for.

    Only the sizes the settings define exist: any other name is a 404 before anything is
    looked up or opened. A public rendition asked for by its current version may be kept
    for a year; an unpublished one is for the person who asked only.
    """
    if ext not in FORMATS or not is_rendition_spec(spec):
        raise Http404
    photo, is_public = visible_photo(request, code, preview=True)
    if photo.rendition_size(spec) is None:
        raise Http404
    try:
        rendition = photo.make_rendition(spec, ext)
    except FileNotFoundError:
        raise Http404 from None  # the photo's own file is missing
    return media.stored_file_response(
        rendition.file.storage,
        rendition.file.name,
        content_type=FORMATS[ext][1],
        cache_control=media.cache_control_for(
            request, is_public=is_public, version=photo.rendition_version
        ),
    )


def content_type_of(name: str) -> str:
    """The media type of a stored image, by the suffix the photo gate gave it."""
    return CONTENT_TYPES.get(PurePosixPath(name).suffix.lower(), "application/octet-stream")


def photo_download(request, code):
    """The cleaned original, named by its code."""
    photo, is_public = visible_photo(request, code)
    return media.stored_file_response(
        photo.image.storage,
        photo.image.name,
        content_type=content_type_of(photo.image.name),
        cache_control=media.PUBLIC_REVALIDATED if is_public else media.PRIVATE,
        download_name=photo.download_name,
    )
