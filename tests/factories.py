"""Small factories: each makes one valid object, with keyword arguments to vary it."""

import io
import itertools
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from releases.documents.gate import prepare_document
from releases.models import Block, Country, Document, Official, Photo, Position, Release, Tag
from releases.photos.imaging import prepare_photo

_numbers = itertools.count(1)
KYIV = timezone.get_fixed_timezone(120)


def jpeg_bytes(size=(64, 48), colour="#35577d") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def make_user(name, role=None):
    """A staff account with password "pw", in ``role``'s group (migrate creates the groups)."""
    user = get_user_model().objects.create_user(name, f"{name}@example.org", "pw", is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_superuser(name="chief"):
    return get_user_model().objects.create_superuser(name, f"{name}@example.org", "pw")


def make_country(code="NO") -> Country:
    return Country.objects.get_or_create(code=code)[0]


def make_official(name_uk=None, name_en=None, **fields) -> Official:
    n = next(_numbers)
    official = Official.objects.create(
        name_uk=name_uk or f"Посадовець {n}",
        name_en=name_en if name_en is not None else f"Official {n}",
        **fields,
    )
    return official


def make_position(official, *, start=date(2024, 1, 1), end=None, country="UA", **fields):
    n = next(_numbers)
    values = {
        "title_uk": f"Посада {n}",
        "title_en": f"Position {n}",
        "organisation_uk": "Міністерство оборони України",
        "organisation_en": "Ministry of Defence of Ukraine",
    }
    values.update(fields)
    return Position.objects.create(
        official=official, start=start, end=end, country=make_country(country), **values
    )


def make_photo(code=None, **fields) -> Photo:
    n = next(_numbers)
    code = code or f"tst-{n:04d}"
    values = {
        "caption_uk": f"Підпис до фото {n}",
        "caption_en": f"Caption of photo {n}",
        "alt_uk": f"Опис фото {n}",
        "alt_en": f"Description of photo {n}",
        "credit_uk": "Міністерство оборони України",
        "credit_en": "Ministry of Defence of Ukraine",
    }
    values.update(fields)
    photo = Photo(code=code, **values)
    photo.image.save(f"{code}.jpg", ContentFile(jpeg_bytes()), save=False)
    photo.save()
    return photo


def make_stored_photo(
    code, *, size=(2000, 1000), colour="#445566", fmt="JPEG", mode="RGB"
) -> Photo:
    """A photo stored as the admin stores an upload: through the photo gate, with its
    working copy, so that its renditions are drawn as in production."""
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, fmt)
    photo = Photo(code=code, alt_uk="Опис", alt_en="Description")
    photo.store(prepare_photo(f"{code}.{fmt.lower()}", buffer.getvalue()))
    photo.save()
    return photo


def make_public_photo(code, **options) -> Photo:
    """A stored photo (see ``make_stored_photo``) that a published release shows."""
    photo = make_stored_photo(code, **options)
    make_release(hero_photo=photo)
    return photo


def make_tag(name_uk=None, name_en=None) -> Tag:
    n = next(_numbers)
    return Tag.objects.create(
        name_uk=name_uk or f"Тема {n}",
        name_en=name_en if name_en is not None else f"Topic {n}",
    )


def make_release(*, languages=("uk", "en"), published=True, **fields) -> Release:
    """A release written in ``languages``; published a day ago unless told otherwise."""
    n = next(_numbers)
    values = {}
    for lang in languages:
        values[f"title_{lang}"] = {"uk": f"Реліз номер {n}", "en": f"Release number {n}"}[lang]
        values[f"lead_{lang}"] = {"uk": f"Короткий зміст {n}.", "en": f"Summary {n}."}[lang]
    if published:
        values["status"] = Release.Status.PUBLISHED
        values["published_at"] = datetime(2025, 2, 20, 16, 0, tzinfo=KYIV)
    values.update(fields)
    return Release.objects.create(**values)


def written_by(user, **fields):
    """A draft by ``user`` with one paragraph in both languages."""
    release = make_release(published=False, created_by=user, **fields)
    add_paragraph(release, uk="Перший абзац.", en="First paragraph.")
    return release


def add_paragraph(release, *, uk="Абзац.", en="A paragraph.", position=None):
    return Block.objects.create(
        release=release,
        kind=Block.Kind.PARAGRAPH,
        text_uk=uk,
        text_en=en,
        position=position if position is not None else release.blocks.count() + 1,
    )


def add_quote(release, official, *, uk="Слова посадовця.", en="The official's words."):
    return Block.objects.create(
        release=release,
        kind=Block.Kind.QUOTE,
        official=official,
        text_uk=uk,
        text_en=en,
        position=release.blocks.count() + 1,
    )


def add_video(release, *, uk="Відео зустрічі", en="Video of the meeting", poster=None):
    """A video block: the YouTube video dQw4w9WgXcQ, titled, with ``poster`` if given."""
    return Block.objects.create(
        release=release,
        kind=Block.Kind.VIDEO,
        video_id="dQw4w9WgXcQ",
        text_uk=uk,
        text_en=en,
        photo=poster,
        position=release.blocks.count() + 1,
    )


def add_photo_block(release, photo):
    return Block.objects.create(
        release=release, kind=Block.Kind.PHOTO, photo=photo, position=release.blocks.count() + 1
    )


def make_document(release, data, *, title_uk="Комюніке", title_en="Communiqué", position=0):
    """A document of ``release`` stored as the admin stores an upload: through the gate."""
    prepared = prepare_document("document", data)
    document = Document(
        release=release,
        position=position,
        title_uk=title_uk,
        title_en=title_en,
        kind=prepared.kind,
        size=len(prepared.content),
    )
    document.file.save(f"document{prepared.extension}", ContentFile(prepared.content), save=False)
    document.save()
    return document


def make_rich_release(size: int) -> Release:
    """A release with ``size`` of everything: blocks of each kind, officials, countries, tags."""
    hero = make_photo()
    release = make_release(hero_photo=hero)
    codes = [
        "NO",
        "PL",
        "LT",
        "EE",
        "DK",
        "FI",
        "SE",
        "DE",
        "FR",
        "GB",
        "US",
        "CA",
        "NL",
        "BE",
        "CZ",
        "SK",
        "RO",
        "BG",
        "HR",
        "SI",
        "AT",
        "IT",
        "ES",
        "PT",
        "IE",
        "IS",
        "LV",
        "JP",
        "KR",
        "AU",
    ]
    for i in range(size):
        official = make_official()
        make_position(official, start=date(2020, 1, 1), end=date(2023, 12, 31))
        make_position(official, start=date(2024, 1, 1))
        release.officials.add(official)
        release.countries.add(make_country(codes[i]))
        release.tags.add(make_tag())
        add_paragraph(release)
        add_quote(release, official)
        add_photo_block(release, make_photo())
    return release
