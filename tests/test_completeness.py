"""The stored completeness flags always equal the one definition, ``complete_in()``.

Each test makes one kind of change that can alter whether a release exists in a
language, then compares the flags every public page reads with the definition itself.
"""

import pytest

from releases.languages import LANGUAGES
from releases.models import Block, Release
from releases.models.release import complete_in, completeness_field

from .factories import (
    add_paragraph,
    add_photo_block,
    add_quote,
    make_official,
    make_photo,
    make_release,
)

pytestmark = pytest.mark.django_db


def flags(release) -> tuple[bool, ...]:
    """The stored flags of ``release``, read from the database, one per language."""
    stored = Release.objects.filter(pk=release.pk).values(*map(completeness_field, LANGUAGES))
    return tuple(stored.get().values())


def assert_flags_match_definition():
    for lang in LANGUAGES:
        by_definition = set(Release.objects.filter(complete_in(lang)).values_list("pk", flat=True))
        stored = set(Release.objects.complete_in(lang).values_list("pk", flat=True))
        assert stored == by_definition, lang


def test_every_language_has_a_stored_flag():
    fields = {field.name for field in Release._meta.get_fields()}
    assert {completeness_field(lang) for lang in LANGUAGES} <= fields


def test_a_new_release_stores_what_it_is_written_in():
    both, ukrainian = make_release(), make_release(languages=("uk",))
    assert flags(both) == (True, True)
    assert flags(ukrainian) == (True, False)
    assert (ukrainian.complete_uk, ukrainian.complete_en) == (True, False)
    assert_flags_match_definition()


def test_editing_the_release_itself_updates_its_flags():
    release = make_release()
    release.title_en = ""
    release.save()
    assert flags(release) == (True, False)
    assert release.is_complete_in("en") is False
    release.title_en = "Back in English"
    release.save()
    assert flags(release) == (True, True)
    assert_flags_match_definition()


def test_adding_changing_and_deleting_a_block_updates_the_flags():
    release = make_release()
    block = add_paragraph(release, en="")
    assert flags(release) == (True, False)
    block.text_en = "Now in English."
    block.save()
    assert flags(release) == (True, True)
    add_paragraph(release, uk="")
    assert flags(release) == (False, True)
    Block.objects.filter(release=release, text_uk="").get().delete()
    assert flags(release) == (True, True)
    assert_flags_match_definition()


def test_a_photo_losing_its_alt_text_takes_its_releases_out_of_that_language():
    photo = make_photo()
    in_body, as_hero = make_release(), make_release(hero_photo=photo)
    add_photo_block(in_body, photo)
    untouched = make_release()
    photo.alt_en = ""
    photo.save()
    assert flags(in_body) == flags(as_hero) == (True, False)
    assert flags(untouched) == (True, True)
    photo.alt_en = "Described again"
    photo.save()
    assert flags(in_body) == flags(as_hero) == (True, True)
    assert_flags_match_definition()


def test_an_official_losing_a_name_takes_the_releases_naming_them_out_of_that_language():
    listed, quoted = make_official(), make_official()
    listing, quoting = make_release(), make_release()
    listing.officials.add(listed)
    add_quote(quoting, quoted)
    for official in (listed, quoted):
        official.name_en = ""
        official.save()
    assert flags(listing) == flags(quoting) == (True, False)
    assert_flags_match_definition()


def test_listing_and_unlisting_an_unnamed_official_from_either_side():
    unnamed = make_official(name_en="")
    release = make_release()
    release.officials.add(unnamed)
    assert flags(release) == (True, False)
    release.officials.remove(unnamed)
    assert flags(release) == (True, True)
    unnamed.releases.add(release)
    assert flags(release) == (True, False)
    unnamed.releases.clear()
    assert flags(release) == (True, True)
    assert_flags_match_definition()


def test_a_bulk_write_is_repaired_by_refresh_completeness():
    release = make_release()
    # A queryset update sends no signal: the flag is stale until refreshed.
    Release.objects.filter(pk=release.pk).update(lead_en="")
    assert flags(release) == (True, True)
    assert Release.objects.filter(pk=release.pk).refresh_completeness() == 1
    assert flags(release) == (True, False)
    assert_flags_match_definition()


def test_refresh_completeness_rewrites_only_stale_rows():
    make_release()
    stale = make_release()
    Release.objects.filter(pk=stale.pk).update(complete_uk=False)
    # The repair after every migrate must not rewrite an archive that is right.
    assert Release.objects.all().refresh_completeness() == 1
    assert Release.objects.all().refresh_completeness() == 0
    # A bulk write that has just written its rows rewrites them all, in one UPDATE.
    Release.objects.filter(pk=stale.pk).update(complete_en=False)
    assert Release.objects.all().refresh_completeness(only_stale=False) == 2
    assert_flags_match_definition()


def test_refresh_completeness_works_on_a_queryset_with_joins():
    photo = make_photo()
    release = make_release()
    add_photo_block(release, photo)
    Release.objects.filter(pk=release.pk).update(complete_uk=False, complete_en=False)
    Release.objects.filter(blocks__photo=photo).refresh_completeness()
    assert flags(release) == (True, True)


def test_migrate_repairs_flags_left_stale():
    from releases.signals import refresh_completeness_after_migrate

    release = make_release()
    Release.objects.filter(pk=release.pk).update(complete_uk=False)
    refresh_completeness_after_migrate(sender=None)
    assert flags(release) == (True, True)
