"""A release's documents, downloaded: for whoever may read the release in that language.

The address is in a language (``/documents/5/``, ``/en/documents/5/``): a document is
public when its release is on record and complete in that language, as its page is, and
its archived page is kept with a notice rather than redirected. Staff who may see
releases have it whatever the release's state, and so has the holder of a valid preview
link of its release or of a journalist's embargo access to it. Anyone else gets a 404,
the same as for a document that does not exist.

It always goes out as an attachment named after its title, with its own type, never
sniffed, and under a policy that lets nothing in it run should a browser display it.
"""

import re
import unicodedata
from urllib.parse import quote

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation

from releases import media
from releases.models import Document, Release
from releases.models.embargo import release_shown_by

from .gate import CONTENT_TYPES

SANDBOX = "default-src 'none'; sandbox"
# Characters a file name may not hold on some system, or that would end a header.
UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|;,]+')
NAME_LENGTH = 120


def download_name(document, language) -> str:
    """``<title in language>.<kind>``: one line, no path, no quotes, 120 characters at most."""
    title, _other = document.shown_title(language)
    title = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in title)
    title = " ".join(UNSAFE_IN_NAME.sub(" ", title).split()).strip(". ")[:NAME_LENGTH].strip()
    return f"{title or 'document'}.{document.kind}"


def readable_release(release, language) -> bool:
    """Whether the public may read ``release`` in ``language``: its page answers there."""
    on_record = Release.objects.on_record().complete_in(language).filter(pk=release.pk)
    redirected = release.status == Release.Status.ARCHIVED and (
        release.archive_mode == Release.ArchiveMode.REDIRECT
    )
    return not redirected and on_record.exists()


def may_preview(request, release) -> bool:
    """Whether the request holds a valid preview link or embargo access of ``release``."""
    return release_shown_by(request.GET.get("preview", "")) == release.pk


def document_download(request, pk):
    document = get_object_or_404(Document.objects.select_related("release"), pk=pk)
    language = translation.get_language()
    is_public = readable_release(document.release, language)
    if not (
        is_public
        or request.user.has_perm("releases.view_release")
        or may_preview(request, document.release)
    ):
        raise Http404
    response = media.stored_file_response(
        document.file.storage,
        document.file.name,
        content_type=CONTENT_TYPES[document.kind],
        cache_control=media.PUBLIC_REVALIDATED if is_public else media.PRIVATE,
        download_name=f"document.{document.kind}",
    )
    name = download_name(document, language)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name, safe='')}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    return response
