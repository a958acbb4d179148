"""The models registered with django-reversion: a release is kept with its body and tags.

``save_versions()`` writes such versions for many releases at once (the importer's
batches), in the form django-reversion itself writes and reads them.
"""

import json
from functools import cache
from typing import NamedTuple

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, router
from django.db.models import Field
from django.utils import timezone
from django.utils.encoding import force_str, is_protected_type
from reversion.models import Revision, Version

from .models import Block, Release, TaggedRelease

# A release's version holds its blocks and tags as they were: restoring brings them back.
FOLLOW = ("blocks", "taggedrelease_set")

reversion.register(Release, follow=list(FOLLOW))
reversion.register(Block)
reversion.register(TaggedRelease)


class Snapshot(NamedTuple):
    """A release as its version keeps it.

    ``followed`` are the records of ``FOLLOW`` (blocks, tag links), saved; ``links`` the
    primary keys of each many-to-many field (officials, countries).
    """

    release: Release
    followed: list
    links: dict


def snapshot(release) -> Snapshot:
    """The snapshot of a release read with ``FOLLOW`` and its many-to-many fields prefetched."""
    _fields, many = serialised_fields(Release)
    return Snapshot(
        release,
        [obj for name in FOLLOW for obj in getattr(release, name).all()],
        {name: [obj.pk for obj in getattr(release, name).all()] for name in many},
    )


def save_versions(snapshots, comment, user=None):
    """Give each release a version of its own, as ``reversion.create_revision()`` would.

    One revision per release (its history lists it; restoring it touches no other
    release) holding the release and the records it follows. Two INSERT statements for
    any number of releases, instead of a dozen statements per release.
    """
    snapshots = list(snapshots)
    if not snapshots:
        return
    now = timezone.now()
    revisions = [Revision(date_created=now, user=user, comment=comment) for _ in snapshots]
    if connection.features.can_return_rows_from_bulk_insert:
        Revision.objects.bulk_create(revisions)
    else:
        for revision in revisions:
            revision.save()
    Version.objects.bulk_create(
        version(obj, revision, links if obj is release else None)
        for (release, followed, links), revision in zip(snapshots, revisions, strict=True)
        for obj in (release, *followed)
    )


def version(obj, revision, links=None) -> Version:
    return Version(
        revision_id=revision.pk,
        content_type_id=ContentType.objects.get_for_model(obj).pk,
        object_id=force_str(obj.pk),
        db=router.db_for_write(type(obj), instance=obj),
        format="json",
        serialized_data=serialised(obj, links),
        object_repr=force_str(obj),
    )


@cache
def serialised_fields(model):
    """What Django's serialisers write for ``model``.

    The local fields, as (name, field, plain): ``plain`` when the field reads and
    writes its value the default way, so that its value is read once, not twice; and
    the names of the many-to-many fields.
    """
    meta = model._meta.concrete_model._meta
    fields = [
        (
            f.name,
            f,
            type(f).value_from_object is Field.value_from_object
            and type(f).value_to_string is Field.value_to_string,
        )
        for f in meta.local_fields
        if f.serialize
    ]
    many = [
        f.name
        for f in meta.local_many_to_many
        if f.serialize and f.remote_field.through._meta.auto_created
    ]
    return fields, many


def serialised(obj, links=None) -> str:
    """``serializers.serialize("json", [obj])``, what django-reversion stores, made faster.

    The same values by the same rules (primitives as they are, anything else through
    the field's ``value_to_string``), without the serialiser's cost per call; the
    many-to-many fields from ``links`` when given.
    """
    fields, many = serialised_fields(type(obj))
    data = {}
    for name, field, plain in fields:
        value = getattr(obj, field.attname) if plain else field.value_from_object(obj)
        if not is_protected_type(value):
            value = str(value) if plain else field.value_to_string(obj)
        data[name] = value
    for name in many:
        data[name] = (
            list(links[name]) if links else [related.pk for related in getattr(obj, name).all()]
        )
    dump = {"model": str(obj._meta), "pk": obj.pk, "fields": data}
    return json.dumps([dump], cls=DjangoJSONEncoder, ensure_ascii=False)
