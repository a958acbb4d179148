"""Files follow their records; search documents and completeness follow what they read;
journalists' embargo access follows the release's schedule."""

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from . import page_cache, search
from .models import (
    Block,
    ChangeNote,
    Country,
    Document,
    EmbargoAccess,
    Official,
    Photo,
    Position,
    PressContacts,
    Release,
    Rendition,
    SlugHistory,
    Tag,
    TaggedRelease,
)
from .photos.models import delete_after_commit


def _delete_file_after_commit(field_file):
    if field_file and field_file.name:
        storage, name = field_file.storage, field_file.name
        # Only once the deletion is committed: a rolled-back delete keeps its file.
        transaction.on_commit(lambda: storage.delete(name))


@receiver(post_delete, sender=Photo)
def delete_photo_file(sender, instance, **kwargs):
    """The original and its working copy (renditions are deleted each with its own row)."""
    if instance.image:
        delete_after_commit(instance.image.storage, instance.stored_files())


@receiver(post_delete, sender=Official)
def delete_portrait_file(sender, instance, **kwargs):
    if instance.portrait:
        delete_after_commit(instance.portrait.storage, [instance.portrait.name])


@receiver(post_delete, sender=Rendition)
def delete_rendition_file(sender, instance, **kwargs):
    _delete_file_after_commit(instance.file)


@receiver(post_delete, sender=Document)
def delete_document_file(sender, instance, **kwargs):
    _delete_file_after_commit(instance.file)


@receiver(pre_save, sender=Document)
def delete_replaced_document_file(sender, instance, raw=False, **kwargs):
    """A document given a new file loses the old one once the change is committed."""
    if raw or not instance.pk:
        return
    old = Document.objects.filter(pk=instance.pk).values_list("file", flat=True).first()
    if old and old != instance.file.name:
        storage = instance.file.storage
        transaction.on_commit(lambda: storage.delete(old))


# Search: a release's documents hold its texts, its blocks' texts and the names of its
# officials, tags and countries; every save that changes one of them reindexes it
# (bulk writers, which send no signals, index what they wrote themselves).


@receiver(post_save, sender=Release)
def reindex_release(sender, instance, raw=False, **kwargs):
    if not raw:
        search.follow([instance.pk])


# A release taken off the schedule (sent back, withdrawn to a draft, archived) is no
# longer the text the journalists were given: their links end, and scheduling it again
# gives them nothing back without an editor's new decision. Publishing keeps them: from
# its time each leads to the public page.
ENDS_EMBARGO = (Release.Status.DRAFT, Release.Status.IN_REVIEW, Release.Status.ARCHIVED)


@receiver(post_save, sender=Release)
def end_embargo_off_schedule(sender, instance, raw=False, **kwargs):
    if not raw and instance.status in ENDS_EMBARGO:
        EmbargoAccess.objects.filter(release=instance, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )


def deleted_with_its_release(origin) -> bool:
    """Whether a row goes because its release is deleted (then there is nothing to index,
    and indexing would write a document for a release about to go)."""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model is Release


@receiver(post_save, sender=Block)
@receiver(post_delete, sender=Block)
def reindex_release_of_block(sender, instance, raw=False, origin=None, **kwargs):
    if not (raw or deleted_with_its_release(origin)):
        search.follow([instance.release_id])


@receiver(post_save, sender=TaggedRelease)
@receiver(post_delete, sender=TaggedRelease)
def reindex_tagged_release(sender, instance, raw=False, origin=None, **kwargs):
    if not (raw or deleted_with_its_release(origin)):
        search.follow([instance.content_object_id])


@receiver(post_save, sender=Official)
@receiver(post_save, sender=Tag)
def reindex_releases_naming(sender, instance, raw=False, created=False, **kwargs):
    """A renamed official or tag is found under the new name."""
    if raw or created:
        return
    if sender is Official:
        releases = Release.objects.naming(instance)
    else:
        releases = Release.objects.filter(tags=instance)
    search.follow(list(releases.values_list("pk", flat=True)))


def releases_of_m2m_change(instance, action, reverse, pk_set) -> list | None:
    """The releases an officials or countries change concerns, once it is done; else None.

    ``official.releases.clear()`` names no releases afterwards: they are noted before.
    """
    if reverse and action == "pre_clear":
        instance._releases_left = list(instance.releases.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return None
    if not reverse:
        return [instance.pk]
    # Not popped: the search and the completeness receivers both read it.
    return list(pk_set) if action != "post_clear" else instance.__dict__.get("_releases_left", [])


@receiver(m2m_changed, sender=Release.officials.through)
@receiver(m2m_changed, sender=Release.countries.through)
def reindex_releases_of_m2m(sender, instance, action, reverse, pk_set, **kwargs):
    releases = releases_of_m2m_change(instance, action, reverse, pk_set)
    if releases:
        search.follow(releases)


# Completeness: each release stores complete_in() per language (Release.complete_uk, …).
# A release refreshes its own flags when saved; these follow what else the definition
# reads: its blocks and documents, the alt text of its photos and the names of its officials.


def refresh_completeness_after_migrate(sender, **kwargs):
    """Releases from before the flags existed (and any a bulk write left stale) get them."""
    Release.objects.all().refresh_completeness()


@receiver(post_save, sender=Block)
@receiver(post_delete, sender=Block)
@receiver(post_save, sender=Document)
@receiver(post_delete, sender=Document)
def refresh_completeness_of_block_release(sender, instance, raw=False, **kwargs):
    if not raw:
        Release.objects.filter(pk=instance.release_id).refresh_completeness()


@receiver(post_save, sender=Photo)
def refresh_completeness_of_photo_releases(sender, instance, raw=False, created=False, **kwargs):
    if not (raw or created):
        showing = Release.objects.filter(Q(hero_photo=instance) | Q(blocks__photo=instance))
        Release.objects.filter(pk__in=showing.values("pk")).refresh_completeness()


@receiver(post_save, sender=Official)
def refresh_completeness_of_official_releases(
    sender, instance, raw=False, created=False, **kwargs
):
    if not (raw or created):
        Release.objects.naming(instance).refresh_completeness()


@receiver(m2m_changed, sender=Release.officials.through)
def refresh_completeness_of_officials_change(sender, instance, action, reverse, pk_set, **kwargs):
    releases = releases_of_m2m_change(instance, action, reverse, pk_set)
    if releases:
        Release.objects.filter(pk__in=releases).refresh_completeness()


# The page cache: whatever a public page can show starts a new generation of pages.
SHOWN_ON_PAGES = (
    Release,
    Block,
    Document,
    Photo,
    Official,
    Position,
    Country,
    Tag,
    TaggedRelease,
    ChangeNote,
    SlugHistory,
    PressContacts,
)


# What belongs to one release (its articles are renewed alone); the rest of what pages
# show (photos, officials, positions, countries, tags) is shared by many.
RELEASE_OF = {
    Release: "pk",
    Block: "release_id",
    Document: "release_id",
    TaggedRelease: "content_object_id",
    ChangeNote: "release_id",
    SlugHistory: "release_id",
}


def renew_pages(sender, instance, raw=False, **kwargs):
    if not raw:
        field = RELEASE_OF.get(sender)
        page_cache.invalidate([getattr(instance, field)] if field else None)


def renew_pages_of_m2m(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse:
        # official.releases.add(…): the releases are pk_set (unknown on a clear).
        page_cache.invalidate(list(pk_set) if pk_set is not None else None)
    else:
        page_cache.invalidate([instance.pk])


for model in SHOWN_ON_PAGES:
    post_save.connect(renew_pages, sender=model, dispatch_uid=f"renew-pages-save-{model}")
    post_delete.connect(renew_pages, sender=model, dispatch_uid=f"renew-pages-delete-{model}")
for through in (Release.officials.through, Release.countries.through):
    m2m_changed.connect(renew_pages_of_m2m, sender=through, dispatch_uid=f"renew-pages-{through}")
