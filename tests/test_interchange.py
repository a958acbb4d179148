"""Import and export in the mod-press/1 format."""

import copy
import json
import re
import tracemalloc
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from reversion.models import Version

from releases.interchange import Importer, ImportFailed
from releases.models import Block, Country, Official, Photo, Position, Release, Tag

from . import images
from .factories import jpeg_bytes

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parent / "data" / "sample-release.json"


@pytest.fixture
def document(tmp_path):
    """A copy of the sample document with its two photos, to change and import."""
    data = json.loads(SEED.read_text(encoding="utf-8"))
    (tmp_path / "photos").mkdir()
    for index, photo in enumerate(data["photos"]):
        (tmp_path / photo["file"]).write_bytes(
            jpeg_bytes(size=(80, 60), colour=f"#{index + 3}0{index}050")
        )
    return Document(tmp_path, data)


class Document:
    def __init__(self, folder, data):
        self.folder, self.data = folder, data

    def write(self, data=None) -> Path:
        path = self.folder / "releases.json"
        path.write_text(json.dumps(data or self.data, ensure_ascii=False), encoding="utf-8")
        return path

    def changed(self, change) -> Path:
        data = copy.deepcopy(self.data)
        change(data)
        return self.write(data)


def import_errors(path) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        Importer(path).run()
    return failure.value.errors


def database_is_empty():
    return not any(m.objects.exists() for m in (Release, Official, Photo, Tag, Country))


# The happy path and the rules ---------------------------------------------------------------


def test_sample_document_imports_everything_it_holds(document):
    summary = Importer(document.write()).run()
    assert summary.created == {
        "countries": 3,
        "officials": 2,
        "photos": 2,
        "tags": 1,
        "releases": 1,
    }
    release = Release.objects.get(key="boiev-fredriksen-critical-needs")
    assert [b.kind for b in release.blocks.all()] == [
        "paragraph",
        "quote",
        "photo",
        "paragraph",
        "paragraph",
        "paragraph",
        "photo",
        "quote",
    ]
    assert release.slug_uk.startswith("ppo-boieprypasy-y-oboronna")  # the 2010 rules
    assert release.slug_en.startswith("air-defense-munitions-and-industry")
    assert release.status == Release.Status.PUBLISHED
    assert release in Release.objects.public("uk") and release in Release.objects.public("en")
    assert release.tags.get().name_en == "International cooperation"
    official = Official.objects.get(key="serhii-boiev")
    assert official.positions.get().title_en == "Deputy Minister of Defence of Ukraine"
    assert Version.objects.get_for_object(release).count() == 1


def test_importing_the_same_document_again_changes_nothing(document, capsys):
    path = document.write()
    call_command("import_releases", path)
    release = Release.objects.get()
    before = (
        release.edit_version,
        release.updated_at,
        list(release.blocks.values_list("pk", flat=True)),
    )
    photo_files = list(Photo.objects.values_list("image", flat=True))
    capsys.readouterr()
    call_command("import_releases", path)
    out = capsys.readouterr().out
    assert "Nothing to change: already up to date." in out
    release.refresh_from_db()
    after = (
        release.edit_version,
        release.updated_at,
        list(release.blocks.values_list("pk", flat=True)),
    )
    assert after == before
    assert list(Photo.objects.values_list("image", flat=True)) == photo_files
    assert (
        Release.objects.count() == 1 and Official.objects.count() == 2 and Tag.objects.count() == 1
    )


def test_a_changed_document_updates_records_in_place(document):
    Importer(document.write()).run()
    release_pk = Release.objects.get().pk

    def change(data):
        data["releases"][0]["title"]["en"] = "A corrected English title"
        data["releases"][0]["body"].pop(0)
        data["officials"][1]["positions"][0]["end"] = "2025-12-31"

    summary = Importer(document.changed(change)).run()
    release = Release.objects.get()
    assert release.pk == release_pk
    assert release.title_en == "A corrected English title"
    assert release.blocks.count() == 7
    assert (
        Official.objects.get(key="jon-fredriksen").positions.get().end.isoformat() == "2025-12-31"
    )
    assert summary.updated == {"officials": 1, "releases": 1}
    assert Release.objects.count() == 1


def test_a_language_left_empty_is_not_translated_yet(document):
    def change(data):
        data["releases"][0]["body"][0]["text"]["en"] = ""

    Importer(document.changed(change)).run()
    release = Release.objects.get()
    assert release in Release.objects.public("uk")
    assert release not in Release.objects.public("en")


def test_paragraph_markup_is_cleaned_as_in_the_admin(document):
    def change(data):
        data["releases"][0]["body"][0]["text"]["en"] = (
            'Safe <strong>bold</strong> <a href="javascript:alert(1)">bad</a>'
            '<script>alert(1)</script><a href="https://www.mil.gov.ua/">ok</a>'
        )

    Importer(document.changed(change)).run()
    text = Block.objects.get(position=1).text_en
    assert "<script" not in text and "javascript:" not in text
    assert "<strong>bold</strong>" in text
    assert 'href="https://www.mil.gov.ua/"' in text


def test_images_go_through_the_photo_library_and_lose_their_metadata(document):
    (document.folder / "photos" / "jrs-5105.jpg").write_bytes(
        images.jpeg_with_gps_and_orientation()
    )
    Importer(document.write()).run()
    photo = Photo.objects.get(code="jrs-5105")
    content = photo.image.open("rb").read()
    assert b"SecretCam" not in content and b"Exif" not in content
    assert (photo.width, photo.height) == (40, 60)


def test_dry_run_reports_and_writes_nothing(document, capsys, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("import_releases", document.write(), dry_run=True)
    out = capsys.readouterr().out
    assert "created: countries 3, officials 2, photos 2, tags 1, releases 1" in out
    assert "Dry run: nothing was written." in out
    assert database_is_empty()
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.*"))


def test_export_then_import_into_an_empty_database_gives_the_same_public_pages(
    client, tmp_path, settings
):
    call_command("load_demo", no_user=True, verbosity=0)
    # What the demo lacks and a backup must keep: archives, notes, old addresses, originals.
    first, second, third = Release.objects.public("en").order_by("published_at")[:3]
    first.status, first.archive_mode = Release.Status.ARCHIVED, Release.ArchiveMode.NOTICE
    first.archive_reason_uk, first.archive_reason_en = "Дані застаріли.", "Out of date."
    first.save()
    second.status, second.archive_mode = Release.Status.ARCHIVED, Release.ArchiveMode.REDIRECT
    second.archive_target = third
    second.save()
    third.change_notes.create(note_uk="Уточнено цифри.", note_en="Figures corrected.")
    third.source_language = "en"
    old_slug = third.slug_en
    third.slug_en = "a-new-address"
    third.save()
    urls = [
        *public_urls(),
        f"/en/releases/{old_slug}/",
        f"/en/releases/{second.slug_en}/",
        f"/en/releases/{first.slug_en}/",
    ]
    before = {url: normalised(client.get(url)) for url in urls}

    call_command("export_releases", tmp_path / "export", verbosity=0)
    for model in (Release, Photo, Official, Tag, Country):
        model.objects.all().delete()
    assert database_is_empty()
    settings.MEDIA_ROOT = tmp_path / "media-after"
    call_command("import_releases", tmp_path / "export" / "releases.json", verbosity=0)

    after = {url: normalised(client.get(url)) for url in urls}
    assert len(urls) > 40
    for url in urls:
        assert after[url] == before[url], url


def public_urls():
    from django.utils import translation

    urls = []
    for lang in ("uk", "en"):
        with translation.override(lang):
            prefix = "" if lang == "uk" else "/en"
            urls += [f"{prefix}/", f"{prefix}/releases/"]
            for release in Release.objects.public(lang):
                urls += [release.get_absolute_url()]
                if release.is_complete_in("uk") and release.is_complete_in("en"):
                    urls.append(release.get_parallel_url())
            urls += [
                o.get_absolute_url() for o in Official.objects.exclude(**{f"slug_{lang}": None})
            ]
            urls += [p.get_absolute_url() for p in Photo.objects.on_record()]
            urls += [
                c.get_absolute_url()
                for c in Country.objects.filter(releases__isnull=False).distinct()
            ]
    return sorted(set(urls))


def normalised(response) -> str:
    if response.status_code in (301, 302):
        return f"{response.status_code} {response['Location']}"
    assert response.status_code in (200, 404), response.status_code
    page = response.content.decode()
    # Rendition addresses carry a version made from the stored file's (random) name, a
    # video's caption is told apart by its block's number in the database, and the time
    # of the last save is the import's own: none of them is part of the content.
    page = re.sub(r"\?v=[0-9a-f]{12}", "?v=", page)
    page = re.sub(r'"video-[0-9]+-', '"video-', page)
    page = re.sub(r'"article:modified_time" content="[^"]*"', "", page)
    return re.sub(r'"dateModified": "[^"]*"', "", page)


def test_export_holds_every_status_language_and_relation(tmp_path):
    call_command("load_demo", no_user=True, verbosity=0)
    draft = Release.objects.filter(status=Release.Status.DRAFT).first()
    draft.status = Release.Status.IN_REVIEW
    draft.save()
    call_command("export_releases", tmp_path / "out", verbosity=0)
    data = json.loads((tmp_path / "out" / "releases.json").read_text(encoding="utf-8"))
    assert data["format"] == "mod-press/1"
    assert len(data["releases"]) == Release.objects.count()
    assert {r["status"] for r in data["releases"]} >= {"published", "draft"}
    assert len(data["photos"]) == Photo.objects.count()
    for photo in data["photos"]:
        assert (tmp_path / "out" / photo["file"]).is_file()
    official = next(o for o in data["officials"] if len(o["positions"]) == 2)
    assert official["positions"][0]["end"] is not None
    quote = next(b for r in data["releases"] for b in r["body"] if b["type"] == "quote")
    assert set(quote["text"]) == {"uk", "en"} and quote["official"]
    ukrainian_only = [r for r in data["releases"] if "en" not in r["title"]]
    assert ukrainian_only


def test_export_refuses_to_overwrite_an_earlier_export(tmp_path):
    call_command("export_releases", tmp_path / "out", verbosity=0)
    with pytest.raises(CommandError):
        call_command("export_releases", tmp_path / "out", verbosity=0)


# Every error names its place, all are listed, and nothing is written ----------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["releases"][0]["body"][2].update(photo="jrs-9999"),
            'releases[0].body[2].photo: unknown photo code "jrs-9999"',
        ),
        (
            lambda d: d["releases"][0]["body"][1].update(official="nobody"),
            'releases[0].body[1].official: unknown official "nobody"',
        ),
        (
            lambda d: d["releases"][0]["officials"].append("ghost"),
            'releases[0].officials[2]: unknown official "ghost"',
        ),
        (
            lambda d: d["releases"][0]["countries"].append("XX"),
            'releases[0].countries[2]: unknown country code "XX"',
        ),
        (
            lambda d: d["releases"][0].update(published_at="20.02.2025"),
            'releases[0].published_at: not an ISO 8601 time: "20.02.2025"',
        ),
        (
            lambda d: d["releases"][0].update(published_at="2025-02-20T16:00:00"),
            "releases[0].published_at: the time needs a UTC offset",
        ),
        (
            lambda d: d["officials"][0]["positions"][0].update(start="2024-13-01"),
            'officials[0].positions[0].start: not a date (YYYY-MM-DD): "2024-13-01"',
        ),
        (
            lambda d: d["releases"][0].update(status="approved"),
            'releases[0].status: unknown status "approved"',
        ),
        (
            lambda d: d["releases"][0]["body"][0].update(type="audio"),
            'releases[0].body[0].type: unknown block type "audio"',
        ),
        (
            lambda d: d["releases"][0].update(title="Plain text"),
            "releases[0].title: expected an object keyed by language",
        ),
        (
            lambda d: d["photos"][0].update(file="photos/missing.jpg"),
            'photos[0].file: cannot read "photos/missing.jpg"',
        ),
        (
            lambda d: d["photos"][0].update(file="../../etc/passwd"),
            'photos[0].file: "../../etc/passwd" is outside the document\'s folder',
        ),
        (
            lambda d: d["officials"][1]["positions"][0].update(end="2022-01-01"),
            "officials[1].positions[0].end: A position cannot end before it starts.",
        ),
    ],
)
def test_each_error_names_its_place(document, change, expected):
    path = document.changed(change)
    errors = import_errors(path)
    assert any(e.startswith(expected) for e in errors), errors
    assert database_is_empty()


def test_malformed_json_is_reported_with_its_line(document):
    path = document.folder / "broken.json"
    path.write_text('{"format": "mod-press/1",\n "releases": [}', encoding="utf-8")
    errors = import_errors(path)
    assert errors[0].startswith("broken.json: not valid JSON (line 2, column")


def test_wrong_format_is_refused(document):
    errors = import_errors(document.changed(lambda d: d.update(format="mod-press/2")))
    assert errors == ['format: expected "mod-press/1", found "mod-press/2"']


def test_an_invalid_image_is_refused_with_the_photo_librarys_reason(document):
    (document.folder / "photos" / "jrs-5088.jpg").write_bytes(images.HTML_AS_JPEG)
    errors = import_errors(document.write())
    assert errors == [
        "photos[1].file: “jrs-5088.jpg” cannot be used: it is not a JPEG, PNG or WebP image."
    ]
    assert database_is_empty()


def test_a_duplicate_slug_is_refused_at_its_place(document):
    def change(data):
        second = copy.deepcopy(data["releases"][0])
        second["key"] = "another-release"
        second["slug"] = {"en": "same-address"}
        data["releases"][0]["slug"] = {"en": "same-address"}
        data["releases"].append(second)

    errors = import_errors(document.changed(change))
    assert any(e.startswith("releases[1].slug.en:") for e in errors), errors
    assert database_is_empty()


def test_every_error_is_listed_not_only_the_first(document):
    def change(data):
        data["releases"][0]["body"][2]["photo"] = "jrs-9999"
        data["releases"][0]["countries"].append("XX")
        data["releases"][0]["status"] = "approved"
        data["officials"][0]["positions"][0]["start"] = "yesterday"

    errors = import_errors(document.changed(change))
    assert len(errors) == 4, errors
    assert database_is_empty()


def test_an_error_leaves_earlier_imports_untouched(document):
    Importer(document.write()).run()
    title = Release.objects.get().title_en

    def change(data):
        data["releases"][0]["title"]["en"] = "Should not be saved"
        data["releases"][0]["body"][2]["photo"] = "jrs-9999"

    import_errors(document.changed(change))
    assert Release.objects.get().title_en == title


def test_command_prints_every_error_and_fails(document):
    path = document.changed(lambda d: d["releases"][0].update(status="approved"))
    with pytest.raises(CommandError) as failure:
        call_command("import_releases", path)
    assert "Nothing was imported: 1 problem(s)" in str(failure.value)
    assert 'releases[0].status: unknown status "approved"' in str(failure.value)


def test_scheduled_status_and_archived_status_travel(document):
    def change(data):
        data["releases"][0]["status"] = "scheduled"
        data["releases"][0]["published_at"] = "2099-01-01T10:00:00+02:00"

    Importer(document.changed(change)).run()
    release = Release.objects.get()
    assert release.status == Release.Status.SCHEDULED
    assert release not in Release.objects.public("uk")


def test_positions_keep_their_order_and_dates(document):
    Importer(document.write()).run()
    assert Position.objects.count() == 2


# Archive scale: streamed, written in batches, the same outcome ----------------------------------


def with_releases(data, count, **changes):
    """``data`` with ``count`` copies of its release, each with a key of its own."""
    data = copy.deepcopy(data)
    template = data["releases"][0]
    data["releases"] = []
    for i in range(count):
        release = copy.deepcopy(template)
        release["key"] = f"release-{i}"
        release.update(changes)
        data["releases"].append(release)
    return data


def test_releases_may_come_before_the_photos_and_officials_they_use(document):
    data = document.data
    reordered = {"format": data["format"], "releases": data["releases"]}
    reordered.update(photos=data["photos"], officials=data["officials"])
    reordered["countries"] = data["countries"]
    summary = Importer(document.write(reordered)).run()
    assert summary.created["releases"] == 1 and summary.created["photos"] == 2
    release = Release.objects.get()
    assert release.hero_photo.code == "jrs-5105"
    assert {o.key for o in release.officials.all()} == {"serhii-boiev", "jon-fredriksen"}


def test_a_document_larger_than_a_batch_imports_as_a_whole_and_again_changes_nothing(document):
    path = document.write(with_releases(document.data, 7))
    summary = Importer(path, batch_size=3).run()
    assert summary.created["releases"] == 7
    slugs = list(Release.objects.order_by("pk").values_list("slug_en", flat=True))
    base = slugs[0]
    # Made from the same title: unique across batches as within one.
    assert slugs == [base, *[f"{base}-{n}" for n in range(2, 8)]]
    assert Block.objects.count() == 7 * 8
    for release in Release.objects.all():
        assert Version.objects.get_for_object(release).count() == 1
    edits = list(Release.objects.order_by("pk").values_list("edit_version", "updated_at"))

    again = Importer(path, batch_size=3).run()
    assert not again.changed
    assert again.unchanged["releases"] == 7
    assert list(Release.objects.order_by("pk").values_list("edit_version", "updated_at")) == edits
    assert Version.objects.count() == 7 * (1 + 8 + 1)


def test_a_duplicate_slug_in_a_later_batch_is_refused_at_its_place(document):
    data = with_releases(document.data, 5)
    data["releases"][0]["slug"] = {"en": "same-address"}
    data["releases"][4]["slug"] = {"en": "same-address"}
    errors = import_errors_in_batches(document.write(data), batch_size=2)
    assert errors == ["releases[4].slug.en: Another release already uses this address."]
    assert database_is_empty()


def import_errors_in_batches(path, batch_size) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        Importer(path, batch_size=batch_size).run()
    return failure.value.errors


def test_the_same_key_twice_updates_what_the_first_wrote(document):
    def change(data):
        second = copy.deepcopy(data["releases"][0])
        second["title"]["en"] = "The second word"
        data["releases"].append(second)

    summary = Importer(document.changed(change)).run()
    assert Release.objects.get().title_en == "The second word"
    assert summary.created["releases"] == 1 and summary.updated["releases"] == 1


def test_memory_does_not_grow_with_the_number_of_releases(document):
    """The document is streamed and written in batches: a larger one needs no more memory.

    Releases with large bodies, a small batch: were the document read whole, the peak
    would grow with it (its parsed text alone is larger than the difference allowed).
    """

    def peak(count) -> tuple[int, int]:
        data = with_releases(document.data, count, status="draft", title={}, lead={})
        paragraph = {"type": "paragraph", "text": {"uk": "Слово " * 1500, "en": "Word " * 1500}}
        for i, release in enumerate(data["releases"]):
            release["key"] = f"large-{count}-{i}"
            release["body"] = [copy.deepcopy(paragraph) for _ in range(4)]
        path = document.write(data)
        tracemalloc.reset_peak()
        Importer(path, batch_size=5).run()
        return tracemalloc.get_traced_memory()[1], path.stat().st_size

    tracemalloc.start()
    try:
        small_peak, small_size = peak(10)
        large_peak, large_size = peak(50)
    finally:
        tracemalloc.stop()
    assert large_size - small_size > 2_000_000
    assert large_peak - small_peak < (large_size - small_size) / 4, (small_peak, large_peak)
    assert Release.objects.count() == 60


def test_a_syntax_error_past_the_first_kilobytes_is_reported_at_its_line(document):
    data = json.dumps(document.data, ensure_ascii=False, indent=1)
    # Far enough in that the parser has read several chunks; a missing comma.
    text = data.replace('"format"', '"_padding": "' + "ї" * 100_000 + '",\n"format"', 1)
    text = text.replace('"status": "published",', '"status": "published"', 1)
    path = document.folder / "broken.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    errors = import_errors(path)
    # The column is that of the character the parser stopped at: the last of the token
    # it could not take (the closing quote of "title").
    line = text.splitlines()[expected.value.lineno - 1]
    column = line.index('"title":') + len('"title"')
    assert errors == [
        f"broken.json: not valid JSON (line {expected.value.lineno}, column {column}: "
        "after key and value, inside map, I expect ',' or '}')"
    ]


def test_a_section_that_is_not_a_list_is_refused(document):
    errors = import_errors(document.changed(lambda d: d.update(photos={"item": {}})))
    assert "photos: expected a list" in errors


def test_an_error_leaves_no_file_behind(document, settings):
    path = document.changed(lambda d: d["releases"][0]["body"][2].update(photo="jrs-9999"))
    import_errors(path)
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_progress_counts_every_record_up_to_the_total(document):
    calls = []
    Importer(document.write(), progress=lambda done, total: calls.append((done, total))).run()
    assert calls[-1] == (8, 8)  # 3 countries, 2 officials, 2 photos, 1 release
    assert [done for done, _total in calls] == sorted(done for done, _total in calls)


def test_text_stamps_follow_each_language_and_are_not_an_edit(document):
    Importer(document.write()).run()
    release = Release.objects.get()
    for lang in ("uk", "en"):
        assert getattr(release, f"text_hash_{lang}") == release.text_fingerprint(lang)
    stamped_uk, version = release.text_changed_uk, release.edit_version

    def change(data):
        data["releases"][0]["body"][0]["text"]["en"] = "A corrected English paragraph."

    summary = Importer(document.changed(change)).run()
    release.refresh_from_db()
    assert summary.updated == {"releases": 1}
    assert release.text_hash_en == release.text_fingerprint("en")
    assert release.text_changed_en > release.text_changed_uk == stamped_uk
    assert release.edit_version == version


def test_imported_releases_are_found_by_search(document):
    from releases.search import search

    Importer(document.write()).run()
    release = Release.objects.get()
    assert list(search(Release.objects.all(), "munitions", "en")) == [release]
    assert list(search(Release.objects.all(), "боєприпаси", "uk")) == [release]


# Versions: one per imported release, as django-reversion keeps them ---------------------------


def test_each_release_gets_a_revision_of_its_own_and_restoring_one_leaves_the_others(
    document, django_user_model
):
    from releases.history import numbered_versions, restore

    data = with_releases(document.data, 2)
    Importer(document.write(data)).run()
    for release in data["releases"]:
        release["title"]["en"] = f"Changed {release['key']}"
    Importer(document.write(data)).run()
    first, second = Release.objects.order_by("pk")
    versions = numbered_versions(first)
    with translation.override("uk"):
        comment = translation.gettext("Imported from %(file)s") % {"file": "releases.json"}
    assert [v.revision.comment for v in versions] == [comment, comment]
    assert versions[0].revision_id != numbered_versions(second)[0].revision_id

    restore(first, versions[0], django_user_model.objects.create(username="editor"))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.title_en == document.data["releases"][0]["title"]["en"]
    assert second.title_en == "Changed release-1"
    assert first.blocks.count() == 8


def test_an_imported_version_holds_what_django_reversion_would_have_saved(document):
    from django.core import serializers

    from releases.history import blocks_of

    Importer(document.write()).run()
    release = Release.objects.get()
    with translation.override("en"):
        expected = {
            (type(obj).__name__, obj.pk): json.loads(serializers.serialize("json", [obj]))
            for obj in (release, *release.blocks.all(), *release.taggedrelease_set.all())
        }
    version = Version.objects.get_for_object(release).get()
    saved = {
        (v.content_type.model_class().__name__, int(v.object_id)): json.loads(v.serialized_data)
        for v in version.revision.version_set.all()
    }
    for data in (*expected.values(), *saved.values()):
        for name in ("officials", "countries"):
            if name in data[0]["fields"]:
                data[0]["fields"][name] = sorted(data[0]["fields"][name])
    assert saved == expected
    assert [b["kind"] for b in blocks_of(version)] == [b.kind for b in release.blocks.all()]


def test_old_addresses_are_kept_once_and_refused_to_another_release(document):
    from releases.models import SlugHistory

    def change(data):
        data["releases"][0]["old_slugs"] = {"en": ["an-old-address"], "uk": []}
        second = copy.deepcopy(data["releases"][0])
        second["key"] = "another-release"
        second["slug"] = {"en": "another-address", "uk": "insha-adresa"}
        second["old_slugs"] = {"en": []}
        data["releases"].append(second)

    path = document.changed(change)
    Importer(path).run()
    assert Importer(path).run().changed is False
    assert list(SlugHistory.objects.values_list("slug", "release__key")) == [
        ("an-old-address", "boiev-fredriksen-critical-needs")
    ]

    def claim(data):
        change(data)
        data["releases"][1]["old_slugs"] = {"en": ["an-old-address"]}

    errors = import_errors(document.changed(claim))
    assert errors == ['releases[1].old_slugs.en: "an-old-address" belongs to another release']


# Hostile documents: files, characters, nesting and sizes ---------------------------------


def no_file_under(media_root) -> bool:
    media = Path(media_root)
    return not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def small_renditions(settings):
    """Renditions small enough that the sample's photos are larger than a working copy."""
    settings.PHOTO_WIDTHS = [10]
    settings.PHOTO_CROPS = dict.fromkeys(settings.PHOTO_CROPS, (10, 10))


def test_an_error_in_the_last_release_leaves_no_photo_or_working_copy_behind(
    document, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    small_renditions(settings)
    (tmp_path / "portrait.jpg").write_bytes(jpeg_bytes(size=(90, 120), colour="#405060"))
    data = with_releases(document.data, 3)
    data["officials"][0]["portrait"] = "portrait.jpg"
    data["releases"][-1]["status"] = "no-such-status"
    errors = import_errors(document.write(data))
    assert any(e.startswith("releases[2].status:") for e in errors)
    assert database_is_empty()
    assert no_file_under(settings.MEDIA_ROOT)


def test_working_copies_are_counted_among_the_files_an_import_stores(document, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    small_renditions(settings)
    Importer(document.write()).run()
    photo = Photo.objects.get(code="jrs-5105")
    assert any(photo.image.storage.exists(n) for n in photo.working_copy_names())


def write_raw(document, text: str) -> Path:
    path = document.folder / "releases.json"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("escape", "code"),
    [
        ("\\u0000", "U+0000"),
        ("\\ud800", "U+D800"),
        ("\\udc00", "U+DC00"),
        ("\\u001b", "U+001B"),
        ("\\u007f", "U+007F"),
    ],
)
def test_a_character_that_is_not_allowed_is_refused_at_its_place(document, escape, code):
    raw = json.dumps(document.data, ensure_ascii=False)
    title = document.data["releases"][0]["title"]["uk"]
    raw = raw.replace(json.dumps(title, ensure_ascii=False), json.dumps(title)[:-1] + escape + '"')
    errors = import_errors(write_raw(document, raw))
    assert f"releases[0].title.uk: contains a character that is not allowed ({code})" in errors
    assert database_is_empty()


def test_bad_characters_in_keys_and_names_are_refused_everywhere_they_are(document):
    raw = json.dumps(document.data, ensure_ascii=False)
    raw = raw.replace('"key": "serhii-boiev"', '"key": "serhii\\u0000boiev"', 1)
    raw = raw.replace('"_note":', '"_n\\ud83dote":', 1)
    errors = import_errors(write_raw(document, raw))
    assert "officials[0].key: contains a character that is not allowed (U+0000)" in errors
    assert any(
        e == "document: the name of a member contains a character that is not allowed (U+D83D)"
        for e in errors
    )
    assert database_is_empty()


def test_a_valid_surrogate_pair_and_tabs_and_newlines_are_kept(document):
    raw = json.dumps(document.data, ensure_ascii=True)  # every letter as an escape
    raw = raw.replace("The participants", "\\ud83d\\udee1\\tThe\\nparticipants\\\\ud800")
    Importer(write_raw(document, raw)).run()
    caption = Photo.objects.get(code="jrs-5105").caption_en
    assert caption.startswith("\U0001f6e1\tThe\nparticipants\\ud800")


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_a_deeply_nested_value_is_refused_with_its_place_without_running_out(document, opening):
    closing = "]" if opening == "[" else "}"
    depth = 100_000
    raw = json.dumps(document.data, ensure_ascii=False)
    lead = json.dumps(document.data["releases"][0]["lead"], ensure_ascii=False)
    raw = raw.replace(lead, opening * depth + "1" + closing * depth, 1)
    tracemalloc.start()
    try:
        errors = import_errors(write_raw(document, raw))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(errors) == 1
    assert errors[0].startswith("releases[0].lead")
    assert "nested more than" in errors[0]
    assert peak < 20 * 1024 * 1024
    assert database_is_empty()


def test_a_nesting_deeper_than_anything_the_format_has_is_refused(document):
    nested = 1
    for _ in range(40):
        nested = [nested]
    errors = import_errors(document.changed(lambda d: d["releases"][0].update(_extra=nested)))
    assert len(errors) == 1
    assert errors[0].startswith("releases[0]._extra[0][0]")


def test_texts_longer_than_the_models_allow_are_refused_each_at_its_place(document):
    lead = "а" * 1_000_000

    def change(d):
        release = d["releases"][0]
        release["lead"]["en"] = lead
        release["title"]["uk"] = "т" * 301
        release["body"][0]["text"]["en"] = "p" * 10_001
        release["body"][1]["text"]["uk"] = "q" * 3_001
        release["tags"] = [{"uk": "м" * 101}]
        release["updates"] = [{"at": "2025-02-21T10:00:00+02:00", "note": {"en": "n" * 1001}}]
        release["archive"] = {"mode": "", "reason": {"uk": "r" * 1001}}
        release["slug"] = {"en": "s" * 400}
        d["photos"][0]["alt"]["en"] = "a" * 301
        d["photos"][1]["credit"]["uk"] = "c" * 201
        d["officials"][0]["name"]["en"] = "o" * 201
        d["officials"][0]["positions"][0]["title"]["en"] = "t" * 301
        d["officials"][0]["positions"][0]["organisation"]["uk"] = "g" * 301

    errors = import_errors(document.changed(change))
    for expected in (
        "releases[0].lead.en: 1000000 characters, at most 1000",
        "releases[0].title.uk: 301 characters, at most 300",
        "releases[0].body[0].text.en: 10001 characters, at most 10000",
        "releases[0].body[1].text.uk: 3001 characters, at most 3000",
        "releases[0].tags[0].uk: 101 characters, at most 100",
        "releases[0].updates[0].note.en: 1001 characters, at most 1000",
        "releases[0].archive.reason.uk: 1001 characters, at most 1000",
        "photos[0].alt.en: 301 characters, at most 300",
        "photos[1].credit.uk: 201 characters, at most 200",
        "officials[0].name.en: 201 characters, at most 200",
        "officials[0].positions[0].title.en: 301 characters, at most 300",
        "officials[0].positions[0].organisation.uk: 301 characters, at most 300",
    ):
        assert expected in errors
    assert any(e.startswith("releases[0].slug.en: 400 characters, at most") for e in errors)
    # Each once: the model's own check does not repeat it in other words.
    assert len(errors) == len({e.split(":")[0] for e in errors})
    assert database_is_empty()


def test_keys_and_codes_longer_than_the_models_allow_are_refused(document):
    def change(d):
        d["releases"][0]["key"] = "k" * 1000
        d["officials"][0]["key"] = "o" * 1000
        d["photos"][0]["code"] = "p" * 1000

    errors = import_errors(document.changed(change))
    for place in ("releases[0].key", "officials[0].key", "photos[0].code"):
        assert any(e.startswith(f"{place}: 1000 characters, at most") for e in errors), place
    assert database_is_empty()
