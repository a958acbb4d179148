"""Files follow their records; search documents follow the names they contain."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Official, Photo, Release, Rendition, Tag


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


@receiver(post_save, sender=Official)
@receiver(post_save, sender=Tag)
def reindex_releases_naming(sender, instance, raw=False, **kwargs):
    """A renamed official or tag is found under the new name."""
    from .search import index_releases

    if raw:
        return
    if sender is Official:
        releases = Release.objects.filter(officials=instance) | Release.objects.filter(
            blocks__official=instance
        )
    else:
        releases = Release.objects.filter(tags=instance)
    index_releases(releases)
