"""Files follow their records: deleting a photo or rendition deletes its file too."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Photo, Rendition


def _delete_file_after_commit(field_file):
    if field_file and field_file.name:
        storage, name = field_file.storage, field_file.name
        # Only once the deletion is committed: a rolled-back delete keeps its file.
        transaction.on_commit(lambda: storage.delete(name))


@receiver(post_delete, sender=Photo)
def delete_photo_file(sender, instance, **kwargs):
    _delete_file_after_commit(instance.image)


@receiver(post_delete, sender=Rendition)
def delete_rendition_file(sender, instance, **kwargs):
    _delete_file_after_commit(instance.file)
