"""Writing the whole press office out as one ``mod-press/1`` document, photos beside it."""

import json
from pathlib import Path, PurePosixPath

from django.db.models import Prefetch
from django.utils import timezone

from releases.languages import LANGUAGES, localized
from releases.models import Block, Country, Official, Photo, Position, Release

from .format import FORMAT


def texts(obj, name) -> dict[str, str]:
    """Field ``name`` as the format writes it: only the languages it is written in."""
    return {lang: value for lang in LANGUAGES if (value := localized(obj, name, lang))}


def copy_file(field_file, target: Path, relative: str) -> str:
    destination = target / relative
    destination.parent.mkdir(parents=True, exist_ok=True)
    with field_file.open("rb") as source:
        destination.write_bytes(source.read())
    return relative


def export_document(target: Path, *, progress=None) -> dict:
    """Write ``releases.json`` and the photo files into ``target``; return counts per kind."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    document = {
        "format": FORMAT,
        "countries": [
            {"code": c.code.code, "name": {lang: c.name_in(lang) for lang in LANGUAGES}}
            for c in Country.objects.all()
        ],
        "officials": [official_entry(o, target) for o in officials()],
        "photos": [photo_entry(p, target) for p in Photo.objects.order_by("code")],
        "releases": [],
    }
    releases = release_queryset()
    total = releases.count()
    for done, release in enumerate(releases.iterator(chunk_size=500), start=1):
        document["releases"].append(release_entry(release))
        if progress:
            progress(done, total)
    with (target / "releases.json").open("w", encoding="utf-8") as out:
        json.dump(document, out, ensure_ascii=False, indent=2)
        out.write("\n")
    return {name: len(document[name]) for name in ("countries", "officials", "photos", "releases")}


def officials():
    positions = Prefetch("positions", queryset=Position.objects.select_related("country"))
    return Official.objects.prefetch_related(positions).order_by("key")


def official_entry(official, target):
    entry = {
        "key": official.key,
        "name": texts(official, "name"),
        "slug": texts(official, "slug"),
        "positions": [
            {
                "title": texts(p, "title"),
                "organisation": texts(p, "organisation"),
                "country": p.country.code.code,
                "start": p.start.isoformat(),
                "end": p.end.isoformat() if p.end else None,
            }
            for p in sorted(official.positions.all(), key=lambda p: p.start)
        ],
    }
    if official.portrait:
        suffix = PurePosixPath(official.portrait.name).suffix.lower()
        entry["portrait"] = copy_file(
            official.portrait, target, f"officials/{official.key}{suffix}"
        )
    return entry


def photo_entry(photo, target):
    return {
        "code": photo.code,
        "file": copy_file(photo.image, target, f"photos/{photo.download_name}"),
        "caption": texts(photo, "caption"),
        "alt": texts(photo, "alt"),
        "credit": texts(photo, "credit"),
        "taken_at": photo.taken_at.isoformat() if photo.taken_at else None,
        "focal_point": [photo.focal_x, photo.focal_y],
    }


def release_queryset():
    return (
        Release.objects.select_related("hero_photo")
        .prefetch_related(
            Prefetch("blocks", queryset=Block.objects.select_related("official", "photo")),
            "officials",
            "countries",
            "tags",
            "change_notes",
            "old_slugs",
        )
        .select_related("archive_target")
        .order_by("published_at", "pk")
    )


def release_entry(release):
    status = release.status if release.status != Release.Status.IN_REVIEW else "draft"
    return {
        "key": release.key,
        "published_at": timezone.localtime(release.published_at).isoformat()
        if release.published_at
        else None,
        "status": status,
        "title": texts(release, "title"),
        "lead": texts(release, "lead"),
        "slug": texts(release, "slug"),
        "hero_photo": release.hero_photo.code if release.hero_photo else None,
        "body": [block_entry(b) for b in release.blocks.all()],
        "officials": [o.key for o in release.officials.all()],
        "countries": [c.code.code for c in release.countries.all()],
        "tags": [texts(t, "name") for t in release.tags.all()],
        # Additions of this exporter's, so that a backup loses nothing (all optional):
        "kind": release.kind,
        "featured": release.featured,
        "source_language": release.source_language,
        "updates": [
            {"at": timezone.localtime(n.created_at).isoformat(), "note": texts(n, "note")}
            for n in sorted(release.change_notes.all(), key=lambda n: n.created_at)
        ],
        "old_slugs": {
            lang: sorted(o.slug for o in release.old_slugs.all() if o.language == lang)
            for lang in LANGUAGES
        },
        **(
            {
                "archive": {
                    "mode": release.archive_mode,
                    "reason": texts(release, "archive_reason"),
                    "target": release.archive_target.key if release.archive_target else None,
                }
            }
            if release.status == Release.Status.ARCHIVED
            else {}
        ),
    }


def block_entry(block):
    if block.kind == Block.Kind.PHOTO:
        return {"type": "photo", "photo": block.photo.code}
    entry = {"type": block.kind, "text": texts(block, "text")}
    if block.kind == Block.Kind.QUOTE:
        entry["official"] = block.official.key
    if block.kind == Block.Kind.VIDEO:
        # An addition of this exporter's (docs/import-export.md): the video and its poster.
        entry["youtube_id"] = block.video_id
        entry["photo"] = block.photo.code if block.photo else None
    return entry
