"""Reading the ``mod-press/1`` interchange format into the database.

One document carries releases with everything they refer to. Records are matched by
``key`` (releases, officials) and ``code`` (photos, countries), so importing the same
document twice changes nothing the second time. The import is all or nothing: every
problem found is reported with its place in the document, and nothing is written.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django_countries import countries as country_list

from releases.imaging import prepare_photo
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
)

from .format import FORMAT, LANGUAGES, STATUSES

KINDS = ("countries", "officials", "photos", "tags", "releases")


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

    def count(self, outcome: str, kind: str):
        bucket = getattr(self, outcome)
        bucket[kind] = bucket.get(kind, 0) + 1

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


class Importer:
    """Imports one document. ``dry_run`` does all the work, then writes nothing."""

    def __init__(self, path, *, dry_run=False, progress: Callable[[int, int], None] | None = None):
        self.path = Path(path)
        self.base = self.path.parent.resolve()
        self.dry_run = dry_run
        self.progress = progress
        self.errors: list[str] = []
        self.summary = Summary()
        self.countries: dict[str, Country | None] = {}
        self.officials: dict[str, Official | None] = {}
        self.photos: dict[str, Photo | None] = {}
        self.tags: dict[tuple, Tag] = {}
        self.archive_targets: list[tuple[str, str, str]] = []

    def error(self, where: str, message: str):
        self.errors.append(f"{where}: {message}")

    # The document ----------------------------------------------------------------------

    def read(self) -> dict:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ImportFailed([f"{self.path}: cannot read the file ({exc.strerror})"]) from exc
        except UnicodeDecodeError as exc:
            raise ImportFailed([f"{self.path.name}: not UTF-8 text"]) from exc
        except json.JSONDecodeError as exc:
            place = f"line {exc.lineno}, column {exc.colno}"
            raise ImportFailed([f"{self.path.name}: not valid JSON ({place}: {exc.msg})"]) from exc
        if not isinstance(document, dict):
            raise ImportFailed(["document: expected a JSON object"])
        if document.get("format") != FORMAT:
            raise ImportFailed(
                [f'format: expected "{FORMAT}", found {json.dumps(document.get("format"))}']
            )
        return document

    def run(self) -> Summary:
        # Messages go to an operator's terminal and log: one language, English.
        with translation.override("en"):
            return self.run_in_english()

    def run_in_english(self) -> Summary:
        document = self.read()
        sections = {
            name: self.section(document, name)
            for name in ("countries", "officials", "photos", "releases")
        }
        total = sum(len(items) for items in sections.values())
        done = 0
        with transaction.atomic():
            for name, handler in (
                ("countries", self.import_country),
                ("officials", self.import_official),
                ("photos", self.import_photo),
                ("releases", self.import_release),
            ):
                for i, item in enumerate(sections[name]):
                    where = f"{name}[{i}]"
                    if isinstance(item, dict):
                        handler(where, item)
                    else:
                        self.error(where, "expected an object")
                    done += 1
                    if self.progress:
                        self.progress(done, total)
            self.resolve_archive_targets()
            if self.errors or self.dry_run:
                transaction.set_rollback(True)
        if self.errors:
            raise ImportFailed(self.errors)
        return self.summary

    def section(self, document, name):
        items = document.get(name, [])
        if not isinstance(items, list):
            self.error(name, "expected a list")
            return []
        return items

    # Values ----------------------------------------------------------------------------

    def texts(self, where, item, name, required=False) -> dict[str, str]:
        """Text field ``name`` of ``item``."""
        return self.texts_of(f"{where}.{name}", item.get(name), required)

    def texts_of(self, where, value, required=False) -> dict[str, str]:
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
        if required and not any(result.values()):
            self.error(where, "needs a text in at least one language")
        return result

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
        return moment

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

    # Saving ----------------------------------------------------------------------------

    def save(self, kind, obj, values: dict, where: str, changed=False, exclude=None) -> bool:
        """Set ``values`` on ``obj`` and save it if anything differs; count the outcome."""
        created = obj.pk is None
        changed = changed or created or any(getattr(obj, k) != v for k, v in values.items())
        for k, v in values.items():
            setattr(obj, k, v)
        if not changed:
            self.summary.count("unchanged", kind)
            return False
        try:
            obj.full_clean(exclude=exclude)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.error(f"{where}.{document_name(name)}", " ".join(messages))
            return False
        if self.errors:
            return False  # keep checking the rest, but write nothing more
        obj.save()
        self.summary.count("created" if created else "updated", kind)
        return True

    # Records ---------------------------------------------------------------------------

    def country(self, where, code):
        code = code.upper() if isinstance(code, str) else ""
        if code in self.countries:
            return self.countries[code]
        if code not in dict(country_list):
            self.error(where, f"unknown country code {json.dumps(code)}")
            self.countries[code] = None
            return None
        country = Country.objects.filter(code=code).first()
        if country is None:
            country = Country(code=code)
            if not self.errors:
                country.save()
            self.summary.count("created", "countries")
        self.countries[code] = country
        return country

    def import_country(self, where, item):
        self.country(f"{where}.code", item.get("code"))

    def import_official(self, where, item):
        key = item.get("key")
        if not isinstance(key, str) or not key:
            self.error(f"{where}.key", "missing")
            return
        official = Official.objects.filter(key=key).first() or Official(key=key)
        names = self.texts(where, item, "name", required=True)
        values = {f"name_{lang}": names[lang] for lang in LANGUAGES}
        for lang, slug in self.texts(where, item, "slug").items():
            if slug:
                values[f"slug_{lang}"] = slug
        positions = []
        for j, raw in enumerate(item.get("positions") or []):
            at = f"{where}.positions[{j}]"
            if not isinstance(raw, dict):
                self.error(at, "expected an object")
                continue
            country = self.country(f"{at}.country", raw.get("country"))
            titles = self.texts(at, raw, "title", required=True)
            organisations = self.texts(at, raw, "organisation")
            positions.append(
                {
                    **{f"title_{lang}": titles[lang] for lang in LANGUAGES},
                    **{f"organisation_{lang}": organisations[lang] for lang in LANGUAGES},
                    "country_id": country.pk if country else None,
                    "start": self.date(f"{at}.start", raw.get("start")),
                    "end": self.date(f"{at}.end", raw.get("end"), required=False),
                }
            )
        portrait = None
        if item.get("portrait"):
            data = self.file(f"{where}.portrait", item["portrait"])
            if data is not None:
                portrait = self.prepare(f"{where}.portrait", item["portrait"], data)
        self.officials[key] = official
        changed = self.save("officials", official, values, where, exclude=["portrait"])
        if official.pk is None or self.errors:
            return
        if portrait and hashlib.sha256(portrait.content).hexdigest() != stored_hash(
            official.portrait
        ):
            self.store_file(official.portrait, f"{key}{portrait.extension}", portrait.content)
            official.save()
            changed = True
        if self.sync_positions(where, official, positions) and not changed:
            self.summary.unchanged["officials"] -= 1
            self.summary.count("updated", "officials")

    def sync_positions(self, where, official, wanted) -> bool:
        fields = [
            *[f"title_{lang}" for lang in LANGUAGES],
            *[f"organisation_{lang}" for lang in LANGUAGES],
            "country_id",
            "start",
            "end",
        ]
        existing = [
            {f: getattr(p, f) for f in fields} for p in official.positions.order_by("start", "pk")
        ]
        if sorted(existing, key=repr) == sorted(wanted, key=repr):
            return False
        official.positions.all().delete()
        for j, values in enumerate(wanted):
            position = Position(official=official, **values)
            try:
                position.full_clean(exclude=["official"])
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    self.error(f"{where}.positions[{j}].{document_name(name)}", " ".join(messages))
                continue
            position.save()
        return True

    def prepare(self, where, name, data):
        try:
            return prepare_photo(Path(name).name, data)
        except ValidationError as exc:
            self.error(where, " ".join(exc.messages))
            return None

    def store_file(self, field_file, name, content):
        """Write a file to storage; a dry run names it without writing anything."""
        from django.core.files.base import ContentFile

        if self.dry_run:
            field_file.name = f"dry-run/{name}"
        else:
            field_file.save(name, ContentFile(content), save=False)

    def import_photo(self, where, item):
        code = item.get("code")
        if not isinstance(code, str) or not code:
            self.error(f"{where}.code", "missing")
            return
        photo = Photo.objects.filter(code=code).first() or Photo(code=code)
        self.photos[code] = photo
        values = {}
        for name in ("caption", "alt", "credit"):
            for lang, text in self.texts(where, item, name).items():
                values[f"{name}_{lang}"] = text
        if item.get("taken_at") is not None:
            values["taken_at"] = self.date(f"{where}.taken_at", item["taken_at"])
        focal = item.get("focal_point")
        if focal is not None:
            # An addition of this exporter's: where crops centre. Optional.
            if (
                isinstance(focal, list)
                and len(focal) == 2
                and all(isinstance(v, int | float) and 0 <= v <= 1 for v in focal)
            ):
                values["focal_x"], values["focal_y"] = float(focal[0]), float(focal[1])
            else:
                self.error(f"{where}.focal_point", "expected [x, y] with numbers from 0 to 1")
        data = self.file(f"{where}.file", item.get("file"))
        if data is None:
            return
        # The same file as last time keeps its stored copy and its renditions.
        prepared = None
        if not photo.pk or photo.source_sha256 != hashlib.sha256(data).hexdigest():
            prepared = self.prepare(f"{where}.file", item.get("file"), data)
            if prepared is None:
                return
            photo.source_sha256 = prepared.source_sha256
            photo.width, photo.height = prepared.width, prepared.height
            if not self.errors:
                self.store_file(photo.image, f"{code}{prepared.extension}", prepared.content)
        self.save("photos", photo, values, where, changed=prepared is not None, exclude=["image"])

    def photo(self, where, code):
        if code not in self.photos:
            self.photos[code] = Photo.objects.filter(code=code).first()
        if self.photos[code] is None:
            self.error(where, f"unknown photo code {json.dumps(code)}")
        return self.photos[code]

    def official(self, where, key):
        if key not in self.officials:
            self.officials[key] = Official.objects.filter(key=key).first()
        if self.officials[key] is None:
            self.error(where, f"unknown official {json.dumps(key)}")
        return self.officials[key]

    def tag(self, where, raw):
        names = self.texts_of(where, raw, required=True)
        if not any(names.values()):
            return None
        marker = tuple(names[lang].casefold() for lang in LANGUAGES)
        if marker in self.tags:
            return self.tags[marker]
        tag = None
        for lang in LANGUAGES:
            if names[lang]:
                tag = Tag.objects.filter(**{f"name_{lang}__iexact": names[lang]}).first()
                if tag:
                    break
        if tag is None:
            tag = Tag(**{f"name_{lang}": names[lang] or None for lang in LANGUAGES})
            if not self.errors:
                tag.save()
            self.summary.count("created", "tags")
        self.tags[marker] = tag
        return tag

    def import_release(self, where, item):
        key = item.get("key")
        if not isinstance(key, str) or not key:
            self.error(f"{where}.key", "missing")
            return
        status = item.get("status", "draft")
        if status not in STATUSES:
            self.error(
                f"{where}.status",
                f"unknown status {json.dumps(status)}; one of: {', '.join(STATUSES)}",
            )
        published_at = None
        if item.get("published_at") is not None:
            published_at = self.moment(f"{where}.published_at", item["published_at"])
        elif status in ("scheduled", "published"):
            self.error(f"{where}.published_at", f"a {status} release needs a publication time")
        release = Release.objects.filter(key=key).first() or Release(key=key)
        values = {"status": status, "published_at": published_at}
        values.update(self.release_extras(where, item))
        for name in ("title", "lead"):
            for lang, text in self.texts(where, item, name).items():
                values[f"{name}_{lang}"] = text
        for lang, slug in self.texts(where, item, "slug").items():
            if slug:
                values[f"slug_{lang}"] = slug
        values["hero_photo"] = (
            self.photo(f"{where}.hero_photo", item["hero_photo"])
            if item.get("hero_photo")
            else None
        )
        blocks = [
            block
            for j, raw in enumerate(item.get("body") or [])
            if (block := self.block(f"{where}.body[{j}]", raw, position=j + 1))
        ]
        officials = [
            self.official(f"{where}.officials[{j}]", k)
            for j, k in enumerate(item.get("officials") or [])
        ]
        countries = [
            self.country(f"{where}.countries[{j}]", c)
            for j, c in enumerate(item.get("countries") or [])
        ]
        tags = [self.tag(f"{where}.tags[{j}]", t) for j, t in enumerate(item.get("tags") or [])]
        if status not in STATUSES:
            return
        with reversion.create_revision():
            with translation.override(settings.LANGUAGE_CODE):
                reversion.set_comment(gettext("Imported from %(file)s") % {"file": self.path.name})
            changed = self.save("releases", release, values, where)
            if release.pk is None or self.errors:
                return
            related = self.sync_relations(release, blocks, officials, countries, tags)
            related |= self.sync_history(where, release, item)
            if changed or related:
                release.refresh_text_stamps()
            if related and not changed:
                self.summary.unchanged["releases"] -= 1
                self.summary.count("updated", "releases")

    # Additions of this exporter's (see docs/import-export.md), all optional ------------

    def release_extras(self, where, item) -> dict:
        """The original language and the archive settings, where the document has them."""
        values = {}
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
            for lang, text in self.texts(f"{where}.archive", archive, "reason").items():
                values[f"archive_reason_{lang}"] = text
            if archive.get("target"):
                # Resolved once every release of the document is in.
                self.archive_targets.append(
                    (f"{where}.archive.target", item["key"], archive["target"])
                )
        return values

    def sync_history(self, where, release, item) -> bool:
        """Change notes and old addresses, as the document lists them."""
        changed = False
        notes = []
        for j, raw in enumerate(item.get("updates") or []):
            at = self.moment(f"{where}.updates[{j}].at", (raw or {}).get("at"))
            texts = self.texts(f"{where}.updates[{j}]", raw or {}, "note", required=True)
            if at:
                notes.append((at, tuple(texts[lang] for lang in LANGUAGES)))
        existing = [
            (n.created_at, tuple(getattr(n, f"note_{lang}") for lang in LANGUAGES))
            for n in release.change_notes.order_by("created_at")
        ]
        if "updates" in item and sorted(notes) != existing:
            release.change_notes.all().delete()
            for at, texts in sorted(notes):
                ChangeNote.objects.create(
                    release=release,
                    created_at=at,
                    **{f"note_{lang}": text for lang, text in zip(LANGUAGES, texts, strict=True)},
                )
            changed = True
        for lang, slugs in (item.get("old_slugs") or {}).items():
            for slug in slugs if isinstance(slugs, list) else []:
                old, created = SlugHistory.objects.get_or_create(
                    language=lang, slug=slug, defaults={"release": release}
                )
                if old.release_id != release.pk:
                    self.error(
                        f"{where}.old_slugs.{lang}",
                        f"{json.dumps(slug)} belongs to another release",
                    )
                changed |= created
        return changed

    def resolve_archive_targets(self):
        for where, key, target in self.archive_targets:
            found = Release.objects.filter(key=target).first()
            if found is None:
                self.error(where, f"unknown release {json.dumps(target)}")
            elif not self.errors:
                Release.objects.filter(key=key).update(archive_target=found)

    def block(self, where, raw, position):
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
        block = Block(kind=kind, position=position)
        if kind in Block.TEXT_KINDS:
            for lang, text in self.texts(where, raw, "text", required=True).items():
                setattr(block, f"text_{lang}", text)
        if kind == Block.Kind.QUOTE:
            if not raw.get("official"):
                self.error(f"{where}.official", "a quote needs the key of the official quoted")
            else:
                block.official = self.official(f"{where}.official", raw["official"])
        if kind == Block.Kind.PHOTO:
            block.photo = self.photo(f"{where}.photo", raw.get("photo"))
        try:
            block.clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                # References were checked above, against the document as well as the database.
                if name not in ("official", "photo"):
                    self.error(f"{where}.{document_name(name)}", " ".join(messages))
        return block

    def sync_relations(self, release, blocks, officials, countries, tags) -> bool:
        """Bring the release's body and relations in line; True if anything changed."""
        changed = False

        def signature(block):
            texts = tuple(
                Block.stored_text(block.kind, getattr(block, f"text_{lang}")) for lang in LANGUAGES
            )
            return (block.position, block.kind, texts, block.official_id, block.photo_id)

        if [signature(b) for b in release.blocks.all()] != [signature(b) for b in blocks]:
            release.blocks.all().delete()
            for block in blocks:
                block.release = release
                block.save()
            changed = True
        for manager, wanted in (
            (release.officials, officials),
            (release.countries, countries),
            (release.tags, tags),
        ):
            wanted = [w for w in wanted if w is not None]
            if {o.pk for o in manager.all()} != {o.pk for o in wanted}:
                manager.set(wanted)
                changed = True
        return changed


def stored_hash(field_file) -> str:
    if not field_file:
        return ""
    try:
        with field_file.open("rb") as stored:
            return hashlib.sha256(stored.read()).hexdigest()
    except OSError:
        return ""


def document_name(field_name: str) -> str:
    """``title_uk`` as the document names it: ``title.uk``."""
    base, _, lang = field_name.rpartition("_")
    if base and lang in LANGUAGES:
        return f"{base}.{lang}"
    return field_name
