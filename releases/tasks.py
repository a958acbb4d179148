"""Background tasks, run by ``manage.py db_worker`` (django-tasks' database backend).

Each task lives with the work it does; this module names them all in one place, and
keeps the path under which tasks queued by earlier versions were stored.
"""

from releases.alerts.delivery import announce_release, send_alert, send_confirmation
from releases.photos.uploads import process_photo_upload

__all__ = ["announce_release", "process_photo_upload", "send_alert", "send_confirmation"]
