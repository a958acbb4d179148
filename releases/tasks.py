"""Background tasks, run by ``manage.py db_worker`` (django-tasks' database backend)."""

from django_tasks import task

from releases.photos import uploads


@task()
def process_photo_upload(upload_id: int) -> str:
    """Take one file of a batch upload through the photo gate (``releases.photos.uploads``)."""
    return uploads.process(upload_id)
