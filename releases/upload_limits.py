"""Uploads: a photo far over the size limit costs neither memory nor disk.

Django reads an upload in chunks and keeps it in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE,
in a temporary file beyond. Without a limit there, a 400 MB file posted to a photo form
would fill that much disk before the form could refuse it; nginx's client_max_body_size
caps the request in production, this caps what the app keeps whatever is in front of it.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler

# The admin views that take photos: the photo form and the batch upload.
PHOTO_UPLOAD_VIEWS = {
    "admin:releases_photo_add",
    "admin:releases_photo_change",
    "admin:releases_photo_upload",
}


class PhotoSizeLimitUploadHandler(FileUploadHandler):
    """Keeps no more of each photo than one byte past ``PHOTO_MAX_UPLOAD_BYTES``.

    It comes first among the upload handlers and passes the chunks of a file on to the
    next ones until the file is past the limit, then drops the rest. The file the form
    receives is then one byte too large: it is refused by its size, with the usual
    message at its field, before anything reads it (``releases.imaging.check_size``).
    """

    def __init__(self, request=None):
        super().__init__(request)
        match = getattr(request, "resolver_match", None)
        limited = match is not None and match.view_name in PHOTO_UPLOAD_VIEWS
        self.keep = settings.PHOTO_MAX_UPLOAD_BYTES + 1 if limited else None

    def receive_data_chunk(self, raw_data, start):
        if self.keep is None or start + len(raw_data) <= self.keep:
            return raw_data
        if start >= self.keep:
            return None  # nothing of this chunk reaches the handlers that store it
        return raw_data[: self.keep - start]

    def file_complete(self, file_size):
        return None  # the next handler returns the file it stored
