"""Reading the ``mod-press/1`` interchange format into the database.

One document carries releases with everything they refer to. Records are matched by
``key`` (releases, officials) and ``code`` (photos, countries), so importing the same
document twice changes nothing the second time. The import is all or nothing: every
problem found is reported with its place in the document, and nothing is written, in
the database or in file storage.

An archive can hold tens of thousands of releases, so the document is read as a stream
(see ``document``) and each record goes through two steps: *parsing* checks it and turns
it into plain values, collecting every error with its place; *syncing* compares a batch
of parsed records with the database and writes what differs in a few statements.
"""

import gc
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_countries import countries as country_list

from releases import limits, page_cache, search
from releases.languages import LANGUAGES, in_each_language, localized, localized_names
from releases.models import (
    Block,
    ChangeNote,
    Country,
    Official,
    Photo,
    Position,
    Release,
    SlugHistory,
    Tag,
    TaggedRelease,
)
from releases.models.release import completeness_field
from releases.photos.imaging import prepare_photo
from releases.revisions import FOLLOW, Snapshot, save_versions, snapshot
from releases.search import index_releases
from releases.text import make_slug, unique_slug
from releases.video import YOUTUBE_ID_RE

from . import document
from .format import FORMAT, STATUSES

KINDS = ("countries", "officials", "photos", "tags", "releases")
# Releases per batch: large enough that a batch costs a few dozen statements, small
# enough that its records, its blocks and their versions stay a few megabytes.
BATCH_SIZE = 500
# Officials and photos are few, and saved one by one (slugs, files, renditions,
# signals); they are looked up by batches of this size, their files read one at a time.
REFERENCE_BATCH_SIZE = 100

RELEASE_FIELDS = [
    "status",
    "kind",
    "featured",
    "published_at",
    "source_language",
    "archive_mode",
    "hero_photo",
    *localized_names("title", "lead", "slug", "archive_reason"),
]
# django-modeltranslation keeps the untranslated column as well (the active language's
# text): a save() writes it, so a bulk update does too.
UPDATED_FIELDS = [
    *RELEASE_FIELDS,
    "title",
    "lead",
    "slug",
    "archive_reason",
    "edit_version",
    "updated_at",
]
SLUG_LENGTH = Release._meta.get_field("slug").max_length
BLOCK_SIGNATURE = (
    "position",
    "kind",
    *localized_names("text"),
    "official_id",
    "photo_id",
    "video_id",
)
STAMP_FIELDS = localized_names("text_hash", "text_changed")
POSITION_FIELDS = [
    *localized_names("title", "organisation"),
    "country_id",
    "start",
    "end",
]


class ImportFailed(Exception):
    """The document cannot be imported; ``errors`` name each place and problem."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class Summary:
    """What an import did, or would do, per kind of record."""

    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    unchanged: dict = field(default_factory=dict)

    def count(self, outcome: str, kind: str, number: int = 1):
        if number:
            bucket = getattr(self, outcome)
            bucket[kind] = bucket.get(kind, 0) + number

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self):
        for outcome in ("created", "updated", "unchanged"):
            counts = getattr(self, outcome)
            if counts:
                yield f"{outcome}: " + ", ".join(
                    f"{kind} {counts[kind]}" for kind in KINDS if kind in counts
                )


# Parsed records: plain values, checked, with the place they come from -------------------


@dataclass
class OfficialRecord:
    where: str
    key: str
    fields: dict
    positions: list  # (place, values) with the country as a code
    portrait: str | None


@dataclass
class PhotoRecord:
    where: str
    code: str
    fields: dict
    file: object


@dataclass
class ReleaseRecord:
    where: str
    key: str
    fields: dict
    slugs: dict  # slugs the document gives, by language
    blocks: list  # unsaved Blocks, their texts as stored
    officials: list  # primary keys
    countries: list  # codes
    tags: list  # names by language
    notes: list | None  # None: the document says nothing of updates
    old_slugs: list  # (place, language, slug)
    # Filled in when the batch is synced:
    release: Release | None = None
    links: dict = field(default_factory=dict)  # officials, countries: primary keys
    tag_ids: list = field(default_factory=list)
    tagged: list = field(default_factory=list)  # tag links written
    changed: bool = False
    renamed: list = field(default_factory=list)  # (language, old slug)
    new_old_slugs: list = field(default_factory=list)  # (language, slug)


class Importer:
    """Imports one document. ``dry_run`` does all the work, then writes nothing."""

    def __init__(
        self,
        path,
        *,
        dry_run=False,
        progress: Callable[[int, int], None] | None = None,
        batch_size: int = BATCH_SIZE,
    ):
        self.path = Path(path)
        self.base = self.path.parent.resolve()
        self.dry_run = dry_run
        self.progress = progress
        self.batch_size = batch_size
        self.errors: list[str] = []
        self.summary = Summary()
        self.done = self.total = 0
        self.known_countries = {code for code, _name in country_list}
        self.countries: dict[str, int] = {}
        # Keys and codes the document or the database holds, with their primary key
        # (None for a record of the document that could not be saved).
        self.official_ids: dict[str, int | None] = {}
        self.photo_ids: dict[str, int | None] = {}
        self.tag_ids: dict[tuple, int | None] = {}
        self.archive_targets: list[tuple[str, str, str]] = []
        self.stored_files: list[tuple[object, str]] = []
        # Places already refused as too long, which the models' checks would repeat.
        self.oversized: set[str] = set()
        self.statistics_fresh = False
        with translation.override(settings.LANGUAGE_CODE):
            self.comment = gettext("Imported from %(file)s") % {"file": self.path.name}

    def error(self, where: str, message: str):
        self.errors.append(f"{where}: {message}")

    @property
    def writing(self) -> bool:
        """Whether to write: once an error is found, the rest is only checked."""
        return not self.errors

    # The document ----------------------------------------------------------------------

    def run(self) -> Summary:
        # Messages go to an operator's terminal and log: one language, English.
        with translation.override("en"):
            return self.run_in_english()

    def run_in_english(self) -> Summary:
        outline = self.read_outline()
        self.total = outline.total
        try:
            # A renamed official or tag reindexes the releases naming it: once, at the end.
            with transaction.atomic(), search.indexing_together():
                self.import_references(outline)
                if "releases" in outline.sizes:
                    self.import_releases()
                self.resolve_archive_targets()
                if self.errors or self.dry_run:
                    transaction.set_rollback(True)
                elif self.summary.changed:
                    # Batches are written without signals: renew the cached pages here.
                    page_cache.invalidate()
        except BaseException:
            self.discard_files()
            raise
        if self.errors:
            self.discard_files()
            raise ImportFailed(self.errors)
        return self.summary

    def read_outline(self) -> document.Outline:
        try:
            outline = document.outline(self.path)
        except OSError as exc:
            raise ImportFailed([f"{self.path}: cannot read the file ({exc.strerror})"]) from exc
        except document.Unreadable as exc:
            raise ImportFailed([exc.message]) from exc
        if not outline.is_object:
            raise ImportFailed(["document: expected a JSON object"])
        if outline.format != FORMAT:
            raise ImportFailed(
                [f'format: expected "{FORMAT}", found {json.dumps(outline.format)}']
            )
        self.errors.extend(outline.problems)
        if outline.refused:
            # Such a text cannot even be looked up in the database: stop here.
            more = outline.more_refused
            raise ImportFailed(
                [
                    *self.errors,
                    *outline.refused,
                    *([f"document: {more} more such characters"] if more else []),
                ]
            )
        return outline

    def advance(self, number=1):
        self.done += number
        if self.progress:
            self.progress(self.done, self.total)

    def import_references(self, outline):
        """Countries, officials and photos, in whatever order the document has them."""
        self.countries = dict(Country.objects.values_list("code", "pk"))
        sections = [name for name in outline.sizes if name in document.REFERENCE_SECTIONS]
        handlers = {
            "countries": (self.parse_country, self.sync_countries),
            "officials": (self.parse_official, self.sync_officials),
            "photos": (self.parse_photo, self.sync_photos),
        }
        for section, run in grouped(document.records(self.path, sections)):
            parse, sync = handlers[section]
            records = [self.parse(parse, f"{section}[{i}]", item) for i, item in run]
            sync([record for record in records if record is not None])
            self.advance(len(run))

    def import_releases(self):
        for batch in batched(enumerate(document.releases(self.path)), self.batch_size):
            self.prefetch_references([item for _i, item in batch])
            pending: dict[str, ReleaseRecord] = {}
            for i, item in batch:
                record = self.parse(self.parse_release, f"releases[{i}]", item)
                if record is None:
                    continue
                if record.key in pending:
                    # The same key twice: the second updates what the first wrote.
                    self.sync_releases(list(pending.values()))
                    pending = {}
                pending[record.key] = record
            self.sync_releases(list(pending.values()))
            self.advance(len(batch))
            # A batch leaves reference cycles behind (prefetched relations point back at
            # their release) that the collector would reclaim only much later, a little
            # more memory each batch: reclaimed now, the memory stays flat.
            gc.collect()

    def parse(self, parse, where, item):
        if not isinstance(item, dict):
            self.error(where, "expected an object")
            return None
        return parse(where, item)

    # Values ----------------------------------------------------------------------------

    def texts(self, where, item, name, required=False, most=None) -> dict[str, str]:
        """Text field ``name`` of ``item``, each language at most ``most`` characters."""
        return self.texts_of(f"{where}.{name}", item.get(name), required, most)

    def texts_of(self, where, value, required=False, most=None) -> dict[str, str]:
        """A text: an object keyed by language; a missing or empty one is "not translated"."""
        if value is None:
            value = {}
        if not isinstance(value, dict):
            self.error(where, 'expected an object keyed by language, e.g. {"uk": "…", "en": "…"}')
            value = {}
        unknown = set(value) - set(LANGUAGES)
        if unknown:
            self.error(where, f"unknown language {', '.join(sorted(unknown))}")
        result = {}
        for lang in LANGUAGES:
            text = value.get(lang) or ""
            if not isinstance(text, str):
                self.error(f"{where}.{lang}", "expected text")
                text = ""
            result[lang] = text.strip()
            self.check_length(f"{where}.{lang}", result[lang], most)
        if required and not any(result.values()):
            self.error(where, "needs a text in at least one language")
        return result

    def translated(self, where, item, model, names) -> dict[str, str]:
        """``{"title_uk": …, "title_en": …}`` for each of ``names``, fields of ``model``."""
        return {
            f"{name}_{lang}": text
            for name in names
            for lang, text in self.texts(where, item, name, most=limit(model, name)).items()
        }

    def given_slugs(self, where, item, model) -> dict[str, str]:
        texts = self.texts(where, item, "slug", most=limit(model, "slug"))
        return {lang: slug for lang, slug in texts.items() if slug}

    def check_length(self, where, text, most) -> bool:
        """Whether ``text`` fits in ``most`` characters; if not, the error at its place.

        The model's own check would say the same again in other words: its errors at
        this place are left out (see ``model_error``).
        """
        if most is None or not isinstance(text, str) or len(text) <= most:
            return True
        self.oversized.add(where)
        self.error(where, f"{len(text)} characters, at most {most}")
        return False

    def model_error(self, where, messages):
        if where not in self.oversized:
            self.error(where, " ".join(messages))

    def listed(self, where, value) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(where, "expected a list")
            return []
        return value

    def key(self, where, item, model, name="key") -> str | None:
        key = item.get(name)
        if not isinstance(key, str) or not key:
            self.error(f"{where}.{name}", "missing")
            return None
        if not self.check_length(f"{where}.{name}", key, limit(model, name)):
            return None
        return key

    def date(self, where, value, required=True):
        if value is None and not required:
            return None
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.error(where, f"not a date (YYYY-MM-DD): {json.dumps(value)}")
            return None

    def moment(self, where, value):
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            self.error(where, f"not an ISO 8601 time: {json.dumps(value)}")
            return None
        if moment.tzinfo is None:
            self.error(where, f"the time needs a UTC offset, e.g. +02:00: {json.dumps(value)}")
            return None
        # As the database gives it back: the same moment, in UTC.
        return moment.astimezone(UTC)

    def file(self, where, relative) -> bytes | None:
        if not isinstance(relative, str) or not relative:
            self.error(where, "missing")
            return None
        path = (self.base / relative).resolve()
        # Paths are relative to the document and stay inside its folder.
        if not path.is_relative_to(self.base):
            self.error(where, f"{json.dumps(relative)} is outside the document's folder")
            return None
        try:
            return path.read_bytes()
        except OSError:
            self.error(where, f"cannot read {json.dumps(relative)}")
            return None

    def prepare(self, where, name, data):
        try:
            return prepare_photo(Path(name).name, data)
        except ValidationError as exc:
            self.error(where, " ".join(exc.messages))
            return None

    def validate(self, where, obj, exclude=None, validate_unique=True) -> bool:
        """The model's own checks, each error at its place in the document."""
        try:
            obj.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.model_error(f"{where}.{document_name(name)}", messages)
            return False
        return True

    # Files -----------------------------------------------------------------------------

    def store_file(self, field_file, name, content):
        """Write a file to storage; a dry run names it without writing anything."""
        if self.dry_run:
            field_file.name = f"dry-run/{name}"
            return
        field_file.save(name, ContentFile(content), save=False)
        self.stored_files.append((field_file.storage, field_file.name))

    def discard_files(self):
        """Remove the files this import stored: the records naming them were rolled back."""
        for storage, name in self.stored_files:
            storage.delete(name)
        self.stored_files = []

    # References ------------------------------------------------------------------------

    def country_code(self, where, code) -> str | None:
        code = code.upper() if isinstance(code, str) else ""
        if code not in self.known_countries:
            self.error(where, f"unknown country code {json.dumps(code)}")
            return None
        return code

    def country_id(self, code) -> int | None:
        """The country's primary key, adding it to the database on first use."""
        if code is None:
            return None
        if code not in self.countries:
            country = Country(code=code)
            if self.writing:
                country.save()
            self.countries[code] = country.pk
            self.summary.count("created", "countries")
        return self.countries[code]

    def official_id(self, where, key):
        if isinstance(key, str) and key in self.official_ids:
            return self.official_ids[key]
        self.error(where, f"unknown official {json.dumps(key)}")
        return None

    def photo_id(self, where, code):
        if isinstance(code, str) and code in self.photo_ids:
            return self.photo_ids[code]
        self.error(where, f"unknown photo code {json.dumps(code)}")
        return None

    def prefetch_references(self, items):
        """Look up, in one query per kind, the officials and photos a batch names."""
        officials, photos = set(), set()
        for item in items:
            if not isinstance(item, dict):
                continue
            photos.add(item.get("hero_photo"))
            for block in item.get("body") if isinstance(item.get("body"), list) else []:
                if isinstance(block, dict):
                    photos.add(block.get("photo"))
                    officials.add(block.get("official"))
            if isinstance(item.get("officials"), list):
                officials.update(k for k in item["officials"] if isinstance(k, str))
        officials = {k for k in officials if isinstance(k, str)} - set(self.official_ids)
        photos = {c for c in photos if isinstance(c, str)} - set(self.photo_ids)
        if officials:
            self.official_ids.update(
                Official.objects.filter(key__in=officials).values_list("key", "pk")
            )
        if photos:
            self.photo_ids.update(Photo.objects.filter(code__in=photos).values_list("code", "pk"))

    def tag_id(self, names: dict[str, str]) -> int | None:
        """The tag with one of these names (in any case), added on first use."""
        marker = tuple(names[lang].casefold() for lang in LANGUAGES)
        if marker in self.tag_ids:
            return self.tag_ids[marker]
        tag = None
        for lang in LANGUAGES:
            if names[lang]:
                tag = Tag.objects.filter(**{f"name_{lang}__iexact": names[lang]}).first()
                if tag:
                    break
        if tag is None:
            tag = Tag(
                **in_each_language("name", {lang: names[lang] or None for lang in LANGUAGES})
            )
            if self.writing:
                tag.save()
            self.summary.count("created", "tags")
        self.tag_ids[marker] = tag.pk
        return tag.pk

    # Countries -------------------------------------------------------------------------

    def parse_country(self, where, item) -> str | None:
        return self.country_code(f"{where}.code", item.get("code"))

    def sync_countries(self, codes):
        for code in codes:
            self.country_id(code)

    # Officials -------------------------------------------------------------------------

    def parse_official(self, where, item) -> OfficialRecord | None:
        key = self.key(where, item, Official)
        if key is None:
            return None
        names = self.texts(where, item, "name", required=True, most=limit(Official, "name"))
        fields = in_each_language("name", names)
        fields.update(
            {
                f"slug_{lang}": slug
                for lang, slug in self.given_slugs(where, item, Official).items()
            }
        )
        positions = []
        for j, raw in enumerate(self.listed(f"{where}.positions", item.get("positions"))):
            at = f"{where}.positions[{j}]"
            if not isinstance(raw, dict):
                self.error(at, "expected an object")
                continue
            country = self.country_code(f"{at}.country", raw.get("country"))
            titles = self.texts(at, raw, "title", required=True, most=limit(Position, "title"))
            organisations = self.texts(
                at, raw, "organisation", most=limit(Position, "organisation")
            )
            values = {
                **in_each_language("title", titles),
                **in_each_language("organisation", organisations),
                "country_id": country,
                "start": self.date(f"{at}.start", raw.get("start")),
                "end": self.date(f"{at}.end", raw.get("end"), required=False),
            }
            positions.append((at, values))
        self.official_ids.setdefault(key, None)
        return OfficialRecord(where, key, fields, positions, item.get("portrait") or None)

    def sync_officials(self, records: list[OfficialRecord]):
        existing = Official.objects.prefetch_related("positions").in_bulk(
            [r.key for r in records], field_name="key"
        )
        for record in records:
            official = existing.get(record.key) or Official(key=record.key)
            new = official.pk is None
            changed = self.sync_official(record, official)
            self.summary.count(outcome(new, changed), "officials")
            self.official_ids[record.key] = official.pk

    def sync_official(self, record: OfficialRecord, official: Official) -> bool:
        """Bring one official in line with its record; True if anything changed."""
        changed = assign(official, record.fields)
        valid = self.validate(record.where, official, exclude=["portrait"])
        portrait = self.official_portrait(record, official)
        if not (valid and self.writing):
            return False
        positions = self.wanted_positions(record, official)
        if not self.writing:
            return False
        if changed or official.pk is None:
            official.save()
        if portrait:
            self.store_file(
                official.portrait, f"{record.key}{portrait.extension}", portrait.content
            )
            official.save()
        if positions is not None:
            official.positions.all().delete()
            Position.objects.bulk_create(Position(official=official, **v) for v in positions)
        return changed or bool(portrait) or positions is not None

    def official_portrait(self, record: OfficialRecord, official: Official):
        """The prepared portrait if it differs from the stored one, else None."""
        if not record.portrait:
            return None
        data = self.file(f"{record.where}.portrait", record.portrait)
        if data is None:
            return None
        portrait = self.prepare(f"{record.where}.portrait", record.portrait, data)
        if portrait and hashlib.sha256(portrait.content).hexdigest() != stored_hash(
            official.portrait
        ):
            return portrait
        return None

    def wanted_positions(self, record: OfficialRecord, official: Official) -> list | None:
        """The positions to store if they differ from the stored ones, checked; else None."""
        wanted = [
            (at, {**values, "country_id": self.country_id(values["country_id"])})
            for at, values in record.positions
        ]
        current = (
            [{f: getattr(p, f) for f in POSITION_FIELDS} for p in official.positions.all()]
            if official.pk
            else []
        )
        if sorted(current, key=repr) == sorted((v for _at, v in wanted), key=repr):
            return None
        for at, values in wanted:
            position = Position(official=official, **values)
            self.validate(at, position, exclude=["official"])
        return [values for _at, values in wanted]

    # Photos ----------------------------------------------------------------------------

    def parse_photo(self, where, item) -> PhotoRecord | None:
        code = self.key(where, item, Photo, "code")
        if code is None:
            return None
        fields = self.translated(where, item, Photo, ("caption", "alt", "credit"))
        if item.get("taken_at") is not None:
            fields["taken_at"] = self.date(f"{where}.taken_at", item["taken_at"])
        focal = item.get("focal_point")
        if focal is not None:
            # An addition of this exporter's: where crops centre. Optional.
            if (
                isinstance(focal, list)
                and len(focal) == 2
                and all(isinstance(v, int | float) and 0 <= v <= 1 for v in focal)
            ):
                fields["focal_x"], fields["focal_y"] = float(focal[0]), float(focal[1])
            else:
                self.error(f"{where}.focal_point", "expected [x, y] with numbers from 0 to 1")
        self.photo_ids.setdefault(code, None)
        return PhotoRecord(where, code, fields, item.get("file"))

    def sync_photos(self, records: list[PhotoRecord]):
        existing = Photo.objects.in_bulk([r.code for r in records], field_name="code")
        for record in records:
            photo = existing.get(record.code) or Photo(code=record.code)
            new = photo.pk is None
            changed = self.sync_photo(record, photo)
            self.summary.count(outcome(new, changed), "photos")
            self.photo_ids[record.code] = photo.pk

    def sync_photo(self, record: PhotoRecord, photo: Photo) -> bool:
        changed = assign(photo, record.fields)
        data = self.file(f"{record.where}.file", record.file)
        if data is None:
            return False
        # The same file as last time keeps its stored copy and its renditions.
        prepared = None
        if not photo.pk or photo.source_sha256 != hashlib.sha256(data).hexdigest():
            prepared = self.prepare(f"{record.where}.file", record.file, data)
            if prepared is None:
                return False
            photo.source_sha256 = prepared.source_sha256
            photo.width, photo.height = prepared.width, prepared.height
        if not (changed or prepared):
            return False
        if not self.validate(record.where, photo, exclude=["image"]) or not self.writing:
            return False
        if prepared:
            self.store_file(photo.image, f"{record.code}{prepared.extension}", prepared.content)
        storage = photo.image.storage
        before = {n for n in photo.working_copy_names() if storage.exists(n)}
        photo.save()
        # Saving makes the working copy: one more file to remove if the import fails.
        self.stored_files.extend(
            (storage, n)
            for n in photo.working_copy_names()
            if n not in before and storage.exists(n)
        )
        return True

    # Releases: parsing -----------------------------------------------------------------

    def parse_release(self, where, item) -> ReleaseRecord | None:
        key = self.key(where, item, Release)
        if key is None:
            return None
        status = item.get("status", "draft")
        if status not in STATUSES:
            self.error(
                f"{where}.status",
                f"unknown status {json.dumps(status)}; one of: {', '.join(STATUSES)}",
            )
        fields = {"status": status, "published_at": self.publication_time(where, item, status)}
        fields.update(self.release_extras(where, item, key))
        fields.update(self.translated(where, item, Release, ("title", "lead")))
        slugs = self.given_slugs(where, item, Release)
        hero = item.get("hero_photo")
        fields["hero_photo_id"] = self.photo_id(f"{where}.hero_photo", hero) if hero else None
        body = self.listed(f"{where}.body", item.get("body"))
        blocks = [
            block
            for j, raw in enumerate(body)
            if (block := self.block(f"{where}.body[{j}]", raw, position=j + 1))
        ]
        record = ReleaseRecord(
            where=where,
            key=key,
            fields=fields,
            slugs=slugs,
            blocks=blocks,
            officials=[
                self.official_id(f"{where}.officials[{j}]", k)
                for j, k in enumerate(self.listed(f"{where}.officials", item.get("officials")))
            ],
            countries=[
                self.country_code(f"{where}.countries[{j}]", c)
                for j, c in enumerate(self.listed(f"{where}.countries", item.get("countries")))
            ],
            tags=[
                self.texts_of(f"{where}.tags[{j}]", t, required=True, most=limit(Tag, "name"))
                for j, t in enumerate(self.listed(f"{where}.tags", item.get("tags")))
            ],
            notes=self.notes(where, item),
            old_slugs=self.old_slugs(where, item),
        )
        return record if status in STATUSES else None

    def publication_time(self, where, item, status):
        if item.get("published_at") is not None:
            return self.moment(f"{where}.published_at", item["published_at"])
        if status in ("scheduled", "published"):
            self.error(f"{where}.published_at", f"a {status} release needs a publication time")
        return None

    def block(self, where, raw, position) -> Block | None:
        """An unsaved block, checked as the admin checks it, its texts as it stores them."""
        if not isinstance(raw, dict):
            self.error(where, "expected an object")
            return None
        kind = raw.get("type")
        if kind not in Block.Kind.values:
            self.error(
                f"{where}.type",
                f"unknown block type {json.dumps(kind)}; one of: {', '.join(Block.Kind.values)}",
            )
            return None
        block = build(Block, kind=kind, position=position, **self.block_values(where, raw))
        try:
            block.clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                # References were checked above, against the document as well as the database.
                if name not in ("official", "photo", "video_id"):
                    self.model_error(f"{where}.{document_name(name)}", messages)
        for lang in LANGUAGES:
            text = localized(block, "text", lang)
            setattr(block, f"text_{lang}", Block.stored_text(kind, text))
        return block

    def block_values(self, where, raw) -> dict:
        """The texts and references a block of its kind has, as the document gives them."""
        kind = raw["type"]
        values = {}
        if kind in Block.TEXT_KINDS:
            # A quote has a limit of its own, within the column's (``Block.clean``).
            most = {Block.Kind.QUOTE: limits.QUOTE, Block.Kind.VIDEO: limits.VIDEO_TITLE}.get(
                kind, limit(Block, "text")
            )
            texts = self.texts(where, raw, "text", required=True, most=most)
            values.update(in_each_language("text", texts))
        if kind == Block.Kind.QUOTE and not raw.get("official"):
            self.error(f"{where}.official", "a quote needs the key of the official quoted")
        elif kind == Block.Kind.QUOTE:
            values["official_id"] = self.official_id(f"{where}.official", raw["official"])
        if kind == Block.Kind.PHOTO:
            values["photo_id"] = self.photo_id(f"{where}.photo", raw.get("photo"))
        if kind == Block.Kind.VIDEO:
            values.update(self.video_values(where, raw))
        return values

    def video_values(self, where, raw) -> dict:
        """A video's id on YouTube and its poster, optional (an addition of this
        exporter's): the id checked as the admin's form leaves it, never an address."""
        values = {}
        video_id = raw.get("youtube_id")
        if not isinstance(video_id, str) or not YOUTUBE_ID_RE.match(video_id):
            self.error(
                f"{where}.youtube_id",
                "a video needs the id of a YouTube video: 11 letters, digits, - or _",
            )
        else:
            values["video_id"] = video_id
        if raw.get("photo") is not None:
            values["photo_id"] = self.photo_id(f"{where}.photo", raw["photo"])
        return values

    # Additions of this exporter's (see docs/import-export.md), all optional ------------

    def release_extras(self, where, item, key) -> dict:
        """The kind, whether it leads the home page, the original language and the archive
        settings, where the document has them; a document without a kind gives news."""
        kind = item.get("kind", Release.Kind.NEWS)
        if kind not in Release.Kind.values:
            self.error(
                f"{where}.kind",
                f"unknown kind {json.dumps(kind)}; one of: {', '.join(Release.Kind.values)}",
            )
        featured = item.get("featured", False)
        if not isinstance(featured, bool):
            self.error(f"{where}.featured", "expected true or false")
        values = {
            "kind": kind if kind in Release.Kind.values else Release.Kind.NEWS,
            "featured": featured is True,
        }
        source = item.get("source_language")
        if source is not None:
            if source in LANGUAGES:
                values["source_language"] = source
            else:
                self.error(f"{where}.source_language", f"unknown language {json.dumps(source)}")
        archive = item.get("archive")
        if isinstance(archive, dict):
            mode = archive.get("mode")
            if mode not in Release.ArchiveMode.values:
                self.error(
                    f"{where}.archive.mode", f"one of: {', '.join(Release.ArchiveMode.values)}"
                )
            values["archive_mode"] = mode or ""
            reasons = self.texts(
                f"{where}.archive", archive, "reason", most=limit(Release, "archive_reason")
            )
            for lang, text in reasons.items():
                values[f"archive_reason_{lang}"] = text
            if archive.get("target"):
                # Resolved once every release of the document is in.
                self.archive_targets.append((f"{where}.archive.target", key, archive["target"]))
        return values

    def notes(self, where, item) -> list | None:
        """Public notes of updates, sorted, as (time, texts by language); None if absent."""
        if "updates" not in item:
            return None
        notes = []
        for j, raw in enumerate(self.listed(f"{where}.updates", item["updates"])):
            raw = raw if isinstance(raw, dict) else {}
            at = self.moment(f"{where}.updates[{j}].at", raw.get("at"))
            texts = self.texts(
                f"{where}.updates[{j}]", raw, "note", required=True, most=limit(ChangeNote, "note")
            )
            if at:
                notes.append((at, tuple(texts[lang] for lang in LANGUAGES)))
        return sorted(notes)

    def old_slugs(self, where, item) -> list:
        old = item.get("old_slugs") or {}
        if not isinstance(old, dict):
            self.error(f"{where}.old_slugs", "expected an object keyed by language")
            return []
        result = []
        for lang, slugs in old.items():
            if lang not in LANGUAGES:
                self.error(f"{where}.old_slugs", f"unknown language {lang}")
                continue
            for slug in self.listed(f"{where}.old_slugs.{lang}", slugs):
                if isinstance(slug, str) and slug:
                    result.append((f"{where}.old_slugs.{lang}", lang, slug))
        return result

    # Releases: syncing -----------------------------------------------------------------

    def sync_releases(self, records: list[ReleaseRecord]):
        """Check a batch against the database, then write what differs in bulk."""
        if not records:
            return
        existing = Release.objects.in_bulk([r.key for r in records], field_name="key")
        slugs = SlugBook(records, existing)
        for record in records:
            self.settle_release(record, existing.get(record.key), slugs)
        if self.writing:
            self.write_releases(records)

    def settle_release(self, record: ReleaseRecord, release: Release | None, slugs: "SlugBook"):
        """Set the record's values on its release, check them and give it its addresses."""
        record.release = release = release or build(Release, key=record.key)
        before = {lang: localized(release, "slug", lang) for lang in LANGUAGES}
        record.changed = assign(release, record.fields)
        record.changed |= assign(release, in_each_language("slug", record.slugs))
        self.validate(record.where, release, exclude=["hero_photo"], validate_unique=False)
        for lang in LANGUAGES:
            slugs.leave(lang, before[lang], record.key)
        for lang in LANGUAGES:
            self.settle_slug(record, lang, slugs)
            if release.pk and before[lang] and before[lang] != localized(release, "slug", lang):
                record.renamed.append((lang, before[lang]))
                slugs.history[(lang, before[lang])] = record.key
        for where, lang, slug in record.old_slugs:
            owner = slugs.history.get((lang, slug))
            if owner is None:
                slugs.history[(lang, slug)] = record.key
                record.new_old_slugs.append((lang, slug))
            elif owner != record.key:
                self.error(where, f"{json.dumps(slug)} belongs to another release")

    def settle_slug(self, record: ReleaseRecord, lang: str, slugs: "SlugBook"):
        """Check the address the release has in ``lang``, or make one, as its save() would."""
        release = record.release
        slug = localized(release, "slug", lang)
        if slug and not slugs.claim(lang, slug, record.key):
            message = Release._meta.get_field(f"slug_{lang}").error_messages["unique"]
            self.error(f"{record.where}.slug.{lang}", str(message))
        elif not slug and localized(release, "title", lang):
            setattr(release, f"slug_{lang}", slugs.make(lang, release, record.key))
            record.changed = True

    def write_releases(self, records: list[ReleaseRecord]):
        now = timezone.now()
        created = [r for r in records if r.release.pk is None]
        self.create_releases(created, now)
        existing = {r.release.pk for r in records} - {r.release.pk for r in created}
        related = self.write_relations(records, existing)
        updated = [
            r
            for r in records
            if r.release.pk in existing and (r.changed or r.release.pk in related)
        ]
        self.update_releases(updated, now)
        self.summary.count("created", "releases", len(created))
        self.summary.count("updated", "releases", len(updated))
        self.summary.count("unchanged", "releases", len(records) - len(created) - len(updated))
        self.after_writing(created, [r.release.pk for r in updated])

    def create_releases(self, records: list[ReleaseRecord], now):
        for record in records:
            record.release.edit_version = 1
            assign(record.release, record.release.text_stamp_changes(now, record.blocks))
        releases = [r.release for r in records]
        Release.objects.bulk_create(releases)
        fill_primary_keys(releases)

    def update_releases(self, records: list[ReleaseRecord], now):
        edited, restamped = [], []
        for record in records:
            release = record.release
            stamps = release.text_stamp_changes(now, record.blocks)
            assign(release, stamps)
            if record.changed:
                release.edit_version += 1
                release.updated_at = now
                edited.append(release)
            elif stamps:
                # Stamps are bookkeeping: they do not count as an edit of the release.
                restamped.append(release)
        Release.objects.bulk_update(edited, UPDATED_FIELDS + STAMP_FIELDS)
        Release.objects.bulk_update(restamped, STAMP_FIELDS)
        for record in records:
            for lang, slug in record.renamed:
                # The old address keeps working: it redirects to the new one.
                SlugHistory.objects.update_or_create(
                    language=lang, slug=slug, defaults={"release": record.release}
                )

    def write_relations(self, records, existing: set[int]) -> set[int]:
        """Body, officials, countries, tags, notes and old addresses; the releases changed."""
        by_pk = {r.release.pk: r for r in records}
        for record in records:
            record.links = {
                "officials": sorted({pk for pk in record.officials if pk}),
                "countries": sorted({self.country_id(code) for code in record.countries if code}),
            }
            record.tag_ids = sorted(
                {self.tag_id(names) for names in record.tags if any(names.values())}
            )
        changed = self.write_blocks(by_pk, existing)
        for name, through, target in (
            ("officials", Release.officials.through, "official_id"),
            ("countries", Release.countries.through, "country_id"),
        ):
            links = {pk: r.links[name] for pk, r in by_pk.items()}
            changed |= replace_links(through, "release_id", target, links, existing)[0]
        tags = {pk: r.tag_ids for pk, r in by_pk.items()}
        tagged, rows = replace_links(TaggedRelease, "content_object_id", "tag_id", tags, existing)
        for row in rows:
            by_pk[row.content_object_id].tagged.append(row)
        changed |= tagged | self.write_notes(by_pk, existing)
        SlugHistory.objects.bulk_create(
            SlugHistory(release_id=pk, language=lang, slug=slug)
            for pk, r in by_pk.items()
            for lang, slug in r.new_old_slugs
        )
        changed |= {pk for pk, r in by_pk.items() if r.new_old_slugs}
        return changed & existing

    def write_blocks(self, by_pk, existing) -> set[int]:
        current = defaultdict(list)
        rows = (
            Block.objects.filter(release_id__in=existing)
            .order_by("release_id", "position", "pk")
            .values_list("release_id", *BLOCK_SIGNATURE)
        )
        for release_id, *signature in rows:
            current[release_id].append(tuple(signature))
        changed = {
            pk
            for pk, record in by_pk.items()
            if current.get(pk, []) != [block_signature(b) for b in record.blocks]
        }
        Block.objects.filter(release_id__in=changed & existing).delete()
        blocks = []
        for pk in changed:
            for block in by_pk[pk].blocks:
                block.release_id = pk
                blocks.append(block)
        Block.objects.bulk_create(blocks)
        return changed

    def write_notes(self, by_pk, existing) -> set[int]:
        wanted = {pk: r.notes for pk, r in by_pk.items() if r.notes is not None}
        current = defaultdict(list)
        rows = ChangeNote.objects.filter(release_id__in=set(wanted) & existing).values_list(
            "release_id", "created_at", *localized_names("note")
        )
        for release_id, at, *texts in rows:
            current[release_id].append((at, tuple(texts)))
        changed = {pk for pk, notes in wanted.items() if sorted(current[pk]) != notes}
        ChangeNote.objects.filter(release_id__in=changed & existing).delete()
        ChangeNote.objects.bulk_create(
            ChangeNote(
                release_id=pk,
                created_at=at,
                **in_each_language("note", dict(zip(LANGUAGES, texts, strict=True))),
            )
            for pk in changed
            for at, texts in wanted[pk]
        )
        return changed

    def after_writing(self, created: list[ReleaseRecord], updated: list[int]):
        """What saving a release does besides its rows: history, search, language flags.

        A release created by this batch is taken as it was just written; one updated is
        read back, as the blocks and tags it kept were not.
        """
        if not connection.features.can_return_rows_from_bulk_insert:
            # The rows just written have no primary keys here: read them all back.
            created, updated = [], [*updated, *(r.release.pk for r in created)]
        snapshots = [Snapshot(r.release, [*r.blocks, *r.tagged], r.links) for r in created] + [
            snapshot(release)
            for release in Release.objects.filter(pk__in=updated).prefetch_related(
                *FOLLOW, "officials", "countries"
            )
        ]
        if not snapshots:
            return
        self.refresh_statistics()
        # Completeness first: the versions keep the release as it now stands.
        written = Release.objects.filter(pk__in=[s.release.pk for s in snapshots])
        written.refresh_completeness(only_stale=False)
        fields = [completeness_field(language) for language in LANGUAGES]
        stored = {row["pk"]: row for row in written.values("pk", *fields)}
        for s in snapshots:
            for name in fields:
                setattr(s.release, name, stored[s.release.pk][name])
        save_versions(snapshots, self.comment)
        index_releases([s.release for s in snapshots])

    def refresh_statistics(self):
        """Let PostgreSQL's planner see the first batch's rows, once (it counts this
        transaction's own rows): an import into new or small tables was otherwise planned
        for empty ones, and checking each batch's completeness read every block so far.
        """
        if self.statistics_fresh or connection.vendor != "postgresql":
            return
        tables = [model._meta.db_table for model in (Release, Block, Photo, Official)]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        self.statistics_fresh = True

    def resolve_archive_targets(self):
        """Point archived releases at the releases their addresses lead to."""
        for batch in batched(self.archive_targets, self.batch_size):
            keys = {target for _where, _key, target in batch if isinstance(target, str)}
            found = dict(Release.objects.filter(key__in=keys).values_list("key", "pk"))
            for where, key, target in batch:
                pk = found.get(target) if isinstance(target, str) else None
                if pk is None:
                    self.error(where, f"unknown release {json.dumps(target)}")
                elif self.writing:
                    Release.objects.filter(key=key).exclude(archive_target_id=pk).update(
                        archive_target_id=pk
                    )


class SlugBook:
    """Who holds which address, for one batch of releases, as the batch is written in order.

    Filled from the database with one query per language (more only where an address
    made from a title is taken already), then kept up to date record by record, so that
    a batch is checked exactly as if its releases were saved one after the other.
    """

    def __init__(self, records, existing):
        self.owners: dict[tuple[str, str], str] = {}
        self.bases: dict[tuple[str, str], str] = {}  # (language, key): slug from the title
        self.complete: set[tuple[str, str]] = set()  # (language, base) read with variants
        self.checked: set[tuple[str, str]] = set()  # looked up: free unless in owners
        self.history = self.read_history(records)
        for lang in LANGUAGES:
            self.read_language(lang, records, existing)

    def read_language(self, lang, records, existing):
        wanted = {r.slugs[lang] for r in records if lang in r.slugs}
        for record in records:
            title = record.fields.get(f"title_{lang}")
            current = getattr(existing.get(record.key), f"slug_{lang}", None)
            if title and lang not in record.slugs and not current:
                base = make_slug(title, lang, SLUG_LENGTH)
                self.bases[(lang, record.key)] = base
                wanted.add(base)
        self.read(lang, {f"slug_{lang}__in": wanted})
        self.checked.update((lang, slug) for slug in wanted)
        for base in {base for (language, _key), base in self.bases.items() if language == lang}:
            if base and (lang, base) in self.owners:
                self.read(lang, {f"slug_{lang}__startswith": base})
                self.complete.add((lang, base))

    def read(self, lang, lookup):
        rows = Release.objects.filter(**lookup).values_list(f"slug_{lang}", "key")
        self.owners.update(((lang, slug), key) for slug, key in rows)

    @staticmethod
    def read_history(records) -> dict:
        slugs = {slug for r in records for _where, _lang, slug in r.old_slugs}
        if not slugs:
            return {}
        rows = SlugHistory.objects.filter(slug__in=slugs).values_list(
            "language", "slug", "release__key"
        )
        return {(lang, slug): key for lang, slug, key in rows}

    def leave(self, lang, slug, key):
        if slug and self.owners.get((lang, slug)) == key:
            del self.owners[(lang, slug)]

    def claim(self, lang, slug, key) -> bool:
        owner = self.owners.setdefault((lang, slug), key)
        return owner == key

    def make(self, lang, release, key) -> str:
        base = self.bases.get((lang, key)) or make_slug(
            localized(release, "title", lang), lang, SLUG_LENGTH
        )

        def taken(candidate):
            if (lang, candidate) in self.owners:
                return self.owners[(lang, candidate)] != key
            if (lang, candidate) in self.checked:
                return False
            if (lang, base) in self.complete and candidate.startswith(base):
                return False
            return Release.objects.filter(**{f"slug_{lang}": candidate}).exclude(key=key).exists()

        slug = unique_slug(base, taken, SLUG_LENGTH)
        self.owners[(lang, slug)] = key
        return slug


def block_signature(block) -> tuple:
    return tuple(getattr(block, name) for name in BLOCK_SIGNATURE)


def replace_links(model, owner, target, wanted: dict[int, list], existing: set[int]):
    """Make the link rows (``owner`` to ``target``) of ``model`` what ``wanted`` says.

    Returns the owners whose links changed, and the rows written.
    """
    current = defaultdict(set)
    rows = model.objects.filter(**{f"{owner}__in": existing}).values_list(owner, target)
    for a, b in rows:
        current[a].add(b)
    changed = {pk for pk, ids in wanted.items() if set(ids) != current.get(pk, set())}
    model.objects.filter(**{f"{owner}__in": changed & existing}).delete()
    created = model.objects.bulk_create(
        model(**{owner: pk, target: t}) for pk in changed for t in wanted[pk]
    )
    return changed, created


_DEFAULTS: dict[type, dict] = {}


def build(model, **values):
    """An unsaved ``model`` with ``values`` (by attribute name), the rest at their defaults.

    Made from positional values, as Django makes the rows it reads: several times
    quicker than keyword arguments through django-modeltranslation's constructor, which
    counts for the hundreds of thousands of blocks of an archive.
    """
    if model not in _DEFAULTS:
        _DEFAULTS[model] = {
            f.attname: f.get_default
            if f.has_default() and callable(f.default)
            else f.get_default()
            for f in model._meta.concrete_fields
        }
    defaults = _DEFAULTS[model]
    unknown = set(values) - set(defaults)
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    return model(
        *[
            values[name] if name in values else default() if callable(default) else default
            for name, default in defaults.items()
        ]
    )


def outcome(new: bool, changed: bool) -> str:
    return "created" if new else "updated" if changed else "unchanged"


def assign(obj, values: dict) -> bool:
    """Set ``values`` on ``obj``; True if any differed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def fill_primary_keys(releases):
    """Primary keys of bulk-created releases, where the database does not return them."""
    if releases and releases[0].pk is None:
        pks = dict(
            Release.objects.filter(key__in=[r.key for r in releases]).values_list("key", "pk")
        )
        for release in releases:
            release.pk = pks[release.key]


def batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def grouped(records) -> Iterator[tuple[str, list]]:
    """``(section, [(index, record), …])`` runs of consecutive records of one section."""
    run, section = [], None
    for name, index, item in records:
        if name != section and run:
            yield section, run
            run = []
        section = name
        run.append((index, item))
        if len(run) >= REFERENCE_BATCH_SIZE:
            yield section, run
            run = []
    if run:
        yield section, run


def stored_hash(field_file) -> str:
    if not field_file:
        return ""
    try:
        with field_file.open("rb") as stored:
            return hashlib.sha256(stored.read()).hexdigest()
    except OSError:
        return ""


def limit(model, name: str) -> int | None:
    """The most characters field ``name`` of ``model`` holds, as the model says."""
    return model._meta.get_field(name).max_length


def document_name(field_name: str) -> str:
    """``title_uk`` as the document names it: ``title.uk``."""
    base, _, lang = field_name.rpartition("_")
    if base and lang in LANGUAGES:
        return f"{base}.{lang}"
    return field_name
