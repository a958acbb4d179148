"""Reading the ``mod-press/1`` interchange format into the database.

One document carries releases with everything they refer to. Records are matched by
``key`` (releases, officials) and ``code`` (photos, countries), so importing the same
document twice changes nothing the second time. The import is all or nothing.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django_countries import countries as country_list

from .imaging import prepare_photo
from .models import Block, Country, Official, Photo, Position, Release, Tag

FORMAT = "mod-press/1"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


class ImportFailed(Exception):
    """The document cannot be imported; ``errors`` name each place and problem."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class Summary:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    unchanged: dict = field(default_factory=dict)

    def count(self, outcome: str, kind: str):
        bucket = getattr(self, outcome)
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _text(value, lang):
    if isinstance(value, dict):
        return (value.get(lang) or "").strip()
    return ""


class Importer:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.base = self.path.parent
        self.errors: list[str] = []
        self.summary = Summary()
        self.countries: dict[str, Country] = {}
        self.officials: dict[str, Official] = {}
        self.photos: dict[str, Photo] = {}

    def error(self, where: str, message: str):
        self.errors.append(f"{where}: {message}")

    def run(self) -> Summary:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ImportFailed([f"{self.path.name}: {exc}"]) from exc
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ImportFailed([f'format: expected "{FORMAT}"'])
        with transaction.atomic(), reversion.create_revision():
            reversion.set_comment(f"Imported from {self.path.name}")
            for i, item in enumerate(document.get("countries", [])):
                self.import_country(f"countries[{i}]", item)
            for i, item in enumerate(document.get("officials", [])):
                self.import_official(f"officials[{i}]", item)
            for i, item in enumerate(document.get("photos", [])):
                self.import_photo(f"photos[{i}]", item)
            for i, item in enumerate(document.get("releases", [])):
                self.import_release(f"releases[{i}]", item)
            if self.errors:
                transaction.set_rollback(True)
        if self.errors:
            raise ImportFailed(self.errors)
        return self.summary

    # Records -----------------------------------------------------------------

    def country(self, where, code):
        code = (code or "").upper()
        if code in self.countries:
            return self.countries[code]
        if code not in dict(country_list):
            self.error(where, f'unknown country code "{code}"')
            return None
        country, created = Country.objects.get_or_create(code=code)
        if created:
            self.summary.count("created", "countries")
        self.countries[code] = country
        return country

    def import_country(self, where, item):
        self.country(f"{where}.code", item.get("code"))

    def save(self, kind, obj, values: dict, where: str, changed=False):
        """Set ``values`` on ``obj`` and save it only when something differs (or ``changed``)."""
        created = obj.pk is None
        changed = changed or created or any(getattr(obj, k) != v for k, v in values.items())
        for k, v in values.items():
            setattr(obj, k, v)
        if changed:
            try:
                obj.full_clean(exclude=["image"] if isinstance(obj, Photo) else None)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    self.error(f"{where}.{name}", " ".join(messages))
                return False
            obj.save()
        self.summary.count("created" if created else "updated" if changed else "unchanged", kind)
        return changed

    def import_official(self, where, item):
        key = item.get("key")
        if not key:
            self.error(f"{where}.key", "missing")
            return
        official = Official.objects.filter(key=key).first() or Official(key=key)
        values = {f"name_{lang}": _text(item.get("name"), lang) for lang in LANGUAGES}
        for lang in LANGUAGES:
            if _text(item.get("slug"), lang):
                values[f"slug_{lang}"] = _text(item.get("slug"), lang)
        changed = self.save("officials", official, values, where)
        if official.pk is None:
            return
        wanted = []
        for j, pos in enumerate(item.get("positions", [])):
            country = self.country(f"{where}.positions[{j}].country", pos.get("country"))
            wanted.append(
                {
                    **{f"title_{lang}": _text(pos.get("title"), lang) for lang in LANGUAGES},
                    **{
                        f"organisation_{lang}": _text(pos.get("organisation"), lang)
                        for lang in LANGUAGES
                    },
                    "country_id": country.pk if country else None,
                    "start": self.date(f"{where}.positions[{j}].start", pos.get("start")),
                    "end": self.date(f"{where}.positions[{j}].end", pos.get("end"))
                    if pos.get("end")
                    else None,
                }
            )
        existing = [
            {k: getattr(p, k) for k in (wanted[0] if wanted else {})}
            for p in official.positions.order_by("start")
        ]
        if sorted(existing, key=str) != sorted(wanted, key=str):
            official.positions.all().delete()
            for j, values in enumerate(wanted):
                position = Position(official=official, **values)
                try:
                    position.full_clean()
                except ValidationError as exc:
                    for name, messages in exc.message_dict.items():
                        self.error(f"{where}.positions[{j}].{name}", " ".join(messages))
                    continue
                position.save()
            if not changed:
                self.summary.unchanged["officials"] -= 1
                self.summary.count("updated", "officials")
        self.officials[key] = official

    def date(self, where, value):
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.error(where, f'not a date (YYYY-MM-DD): "{value}"')
            return None

    def import_photo(self, where, item):
        code = item.get("code")
        if not code:
            self.error(f"{where}.code", "missing")
            return
        photo = Photo.objects.filter(code=code).first() or Photo(code=code)
        values = {
            f"{name}_{lang}": _text(item.get(name), lang)
            for name in ("caption", "alt", "credit")
            for lang in LANGUAGES
        }
        if item.get("taken_at"):
            values["taken_at"] = self.date(f"{where}.taken_at", item["taken_at"])
        file_path = (self.base / (item.get("file") or "")).resolve()
        # Paths are relative to the document and stay inside its folder.
        if not file_path.is_relative_to(self.base.resolve()):
            self.error(f"{where}.file", f'"{item.get("file")}" is outside the document\'s folder')
            return
        try:
            data = file_path.read_bytes()
        except OSError:
            self.error(f"{where}.file", f'cannot read "{item.get("file")}"')
            return
        # The same file as last time keeps its stored copy and renditions.
        prepared = None
        if not photo.pk or photo.source_sha256 != hashlib.sha256(data).hexdigest():
            try:
                prepared = prepare_photo(file_path.name, data)
            except ValidationError as exc:
                self.error(f"{where}.file", " ".join(exc.messages))
                return
        if prepared:
            photo.store(prepared)
        self.save("photos", photo, values, where, changed=prepared is not None)
        self.photos[code] = photo

    def photo(self, where, code):
        if code in self.photos:
            return self.photos[code]
        photo = Photo.objects.filter(code=code).first()
        if photo is None:
            self.error(where, f'unknown photo code "{code}"')
        self.photos[code] = photo
        return photo

    def official(self, where, key):
        if key in self.officials:
            return self.officials[key]
        official = Official.objects.filter(key=key).first()
        if official is None:
            self.error(where, f'unknown official "{key}"')
        self.officials[key] = official
        return official

    def tag(self, where, names):
        names = {lang: _text(names, lang) for lang in LANGUAGES}
        if not names["uk"] and not names["en"]:
            self.error(where, "a tag needs a name")
            return None
        for lang in LANGUAGES:
            if names[lang]:
                tag = Tag.objects.filter(**{f"name_{lang}__iexact": names[lang]}).first()
                if tag:
                    return tag
        tag = Tag(**{f"name_{lang}": names[lang] or None for lang in LANGUAGES})
        tag.name = names["uk"] or names["en"]
        tag.save()
        self.summary.count("created", "tags")
        return tag

    def import_release(self, where, item):
        key = item.get("key")
        if not key:
            self.error(f"{where}.key", "missing")
            return
        status = item.get("status", Release.Status.DRAFT)
        if status not in Release.Status.values:
            self.error(f"{where}.status", f'unknown status "{status}"')
            return
        published_at = None
        if item.get("published_at"):
            try:
                published_at = datetime.fromisoformat(item["published_at"])
            except ValueError:
                self.error(
                    f"{where}.published_at", f'not an ISO 8601 time: "{item["published_at"]}"'
                )
                return
            if published_at.tzinfo is None:
                self.error(f"{where}.published_at", "the time needs a UTC offset")
                return
        release = Release.objects.filter(key=key).first() or Release(key=key)
        values = {"status": status, "published_at": published_at}
        for lang in LANGUAGES:
            values[f"title_{lang}"] = _text(item.get("title"), lang)
            values[f"lead_{lang}"] = _text(item.get("lead"), lang)
            if _text(item.get("slug"), lang):
                values[f"slug_{lang}"] = _text(item.get("slug"), lang)
        hero = None
        if item.get("hero_photo"):
            hero = self.photo(f"{where}.hero_photo", item["hero_photo"])
        values["hero_photo"] = hero
        blocks = []
        for j, raw in enumerate(item.get("body", [])):
            block = self.block(f"{where}.body[{j}]", raw, position=j + 1)
            if block is not None:
                blocks.append(block)
        officials = [
            self.official(f"{where}.officials[{j}]", k)
            for j, k in enumerate(item.get("officials", []))
        ]
        countries = [
            self.country(f"{where}.countries[{j}]", c)
            for j, c in enumerate(item.get("countries", []))
        ]
        tags = [self.tag(f"{where}.tags[{j}]", t) for j, t in enumerate(item.get("tags", []))]
        if self.errors:
            return
        changed = self.save("releases", release, values, where)
        if release.pk is None:
            return
        related_changed = self.sync_relations(release, blocks, officials, countries, tags)
        if changed or related_changed:
            release.refresh_text_stamps()
        if related_changed and not changed:
            self.summary.unchanged["releases"] -= 1
            self.summary.count("updated", "releases")

    def block(self, where, raw, position):
        kind = raw.get("type")
        if kind not in Block.Kind.values:
            self.error(f"{where}.type", f'unknown block type "{kind}"')
            return None
        block = Block(kind=kind, position=position)
        if kind in Block.TEXT_KINDS:
            for lang in LANGUAGES:
                setattr(block, f"text_{lang}", _text(raw.get("text"), lang))
        if kind == Block.Kind.QUOTE:
            block.official = self.official(f"{where}.official", raw.get("official"))
        if kind == Block.Kind.PHOTO:
            block.photo = self.photo(f"{where}.photo", raw.get("photo"))
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
            if {o.pk for o in manager.all()} != {o.pk for o in wanted}:
                manager.set(wanted)
                changed = True
        return changed
