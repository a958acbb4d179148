"""Answers that carry a stored file, once a view has decided who may have it.

No upload is served from the media folder by its address: originals, working copies and
the renditions of photos that no public release shows yet must not reach someone who
only learnt an address (from a preview, a forwarded link, a log). The views check who
asks, then hand the file over with this module. Behind nginx (``MEDIA_ACCEL_REDIRECT``)
the answer is an ``X-Accel-Redirect`` to nginx's internal location for the media folder
(``MEDIA_ACCEL_PREFIX``), and nginx sends the bytes with the headers chosen here;
without nginx (development, tests) the app streams the file itself.
"""

import re

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

# A year: for a public rendition, whose name changes whenever its bytes would.
PUBLIC_IMMUTABLE = "public, max-age=31536000, immutable"
# Public, but the same address may show other bytes later: asked again each time (a
# conditional request, answered with 304 while the file is the same).
PUBLIC_REVALIDATED = "public, no-cache"
# Not public yet: for the person who asked only, and kept by no browser or cache.
PRIVATE = "private, no-store"

# A part of the names this project stores (photos/…, renditions/…): nothing nginx could
# read as a query string, an escape, a hidden file or a way out of the media folder.
SAFE_PART = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*")


def cache_control_for(request, *, is_public: bool, version: str) -> str:
    """How long a file may be kept: for the person who asked only unless it is public; a
    year when asked for by its current version (``?v=``), which a change would alter."""
    if not is_public:
        return PRIVATE
    return PUBLIC_IMMUTABLE if request.GET.get("v") == version else PUBLIC_REVALIDATED


def stored_file_response(storage, name, *, content_type, cache_control, download_name=None):
    """The file ``name`` from ``storage``, as an attachment called ``download_name`` if given."""
    if settings.MEDIA_ACCEL_REDIRECT:
        if not all(SAFE_PART.fullmatch(part) for part in name.split("/")):
            raise Http404
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{settings.MEDIA_ACCEL_PREFIX}{name}"
        if download_name:
            response["Content-Disposition"] = content_disposition_header(True, download_name)
    else:
        try:
            stored = storage.open(name, "rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            stored,
            as_attachment=bool(download_name),
            filename=download_name or "",
            content_type=content_type,
        )
    response["Cache-Control"] = cache_control
    return response
