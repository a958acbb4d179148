from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from releases.models import Block, Release, Tag
from releases.text import clean_inline_html, make_slug

from .factories import (
    KYIV,
    add_paragraph,
    add_quote,
    make_official,
    make_photo,
    make_position,
    make_release,
    make_tag,
)

pytestmark = pytest.mark.django_db


# Completeness: public in a language only when every text exists in it -----------------


def test_release_written_in_both_languages_is_public_in_both():
    release = make_release()
    add_paragraph(release)
    assert release in Release.objects.public("uk")
    assert release in Release.objects.public("en")


def test_release_without_english_title_is_not_public_in_english():
    release = make_release(languages=("uk",))
    assert release in Release.objects.public("uk")
    assert release not in Release.objects.public("en")


def test_release_without_english_lead_is_not_public_in_english():
    release = make_release(lead_en="")
    assert release not in Release.objects.public("en")


def test_one_untranslated_paragraph_keeps_a_release_out_of_that_language():
    release = make_release()
    add_paragraph(release)
    add_paragraph(release, en="")
    assert release in Release.objects.public("uk")
    assert release not in Release.objects.public("en")


def test_one_untranslated_quote_keeps_a_release_out_of_that_language():
    release = make_release()
    add_quote(release, make_official(), uk="")
    assert release not in Release.objects.public("uk")
    assert release in Release.objects.public("en")


def test_photo_blocks_need_no_text_for_completeness():
    release = make_release()
    Block.objects.create(release=release, kind=Block.Kind.PHOTO, photo=make_photo(), position=1)
    assert release in Release.objects.public("en")


def test_draft_is_not_public():
    release = make_release(published=False)
    assert release not in Release.objects.public("uk")


def test_release_with_a_future_time_is_not_public_yet():
    release = make_release(published_at=timezone.now() + timedelta(hours=1))
    assert release not in Release.objects.public("uk")


# Slugs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Сергій Боєв", "serhii-boiev"),
        ("Йон Фредріксен", "yon-fredriksen"),
        ("Згурський", "zghurskyi"),
        ("Їжакевич і Юрій", "yizhakevych-i-yurii"),
        ("Щербухи", "shcherbukhy"),
        ("Розгон", "rozghon"),
    ],
)
def test_ukrainian_slugs_follow_the_national_transliteration_of_2010(text, slug):
    assert make_slug(text, "uk") == slug


def test_release_gets_a_slug_per_language_from_its_titles():
    release = make_release(
        title_uk="Сергій Боєв зустрівся з партнерами", title_en="Boiev meets partners"
    )
    assert release.slug_uk == "serhii-boiev-zustrivsia-z-partneramy"
    assert release.slug_en == "boiev-meets-partners"


def test_release_without_english_title_has_no_english_slug():
    release = make_release(languages=("uk",))
    assert release.slug_en is None


def test_two_releases_with_the_same_title_get_distinct_slugs():
    first = make_release(title_uk="Однакова назва", title_en="Same title")
    second = make_release(title_uk="Однакова назва", title_en="Same title")
    assert first.slug_uk != second.slug_uk
    assert second.slug_en == "same-title-2"


def test_official_and_tag_slugs_are_made_per_language():
    official = make_official(name_uk="Сергій Боєв", name_en="Sergiy Boyev")
    tag = make_tag(name_uk="Міжнародне співробітництво", name_en="International cooperation")
    assert (official.slug_uk, official.slug_en) == ("serhii-boiev", "sergiy-boyev")
    assert (tag.slug_uk, tag.slug_en) == (
        "mizhnarodne-spivrobitnytstvo",
        "international-cooperation",
    )


def test_tag_reads_in_the_active_language():
    from django.utils import translation

    tag = make_tag(name_uk="Протиповітряна оборона", name_en="Air defence")
    tag = Tag.objects.get(pk=tag.pk)
    with translation.override("en"):
        assert str(tag) == "Air defence"
    with translation.override("uk"):
        assert str(tag) == "Протиповітряна оборона"


# Positions held over time ---------------------------------------------------------------


def test_official_shows_the_position_held_on_a_given_date():
    official = make_official()
    earlier = make_position(official, start=date(2022, 3, 1), end=date(2024, 5, 31))
    later = make_position(official, start=date(2024, 6, 1))
    assert official.position_on(date(2023, 7, 1)) == earlier
    assert official.position_on(date(2024, 5, 31)) == earlier
    assert official.position_on(date(2024, 6, 1)) == later
    assert official.position_on(date(2021, 1, 1)) is None


def test_release_date_is_the_day_in_kyiv():
    # 23:30 UTC on 19 February is already 20 February in Kyiv.
    release = make_release(published_at=datetime(2025, 2, 19, 23, 30, tzinfo=UTC))
    assert release.date == date(2025, 2, 20)


def test_position_ending_before_it_starts_is_refused_on_the_end_field():
    official = make_official()
    position = make_position(official, start=date(2024, 1, 1))
    position.end = date(2023, 1, 1)
    with pytest.raises(ValidationError) as error:
        position.full_clean()
    assert "end" in error.value.message_dict


# Body blocks ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("Hello <script>alert(1)</script>world", "Hello world"),
        ('<img src="x" onerror="alert(1)">Text', "Text"),
        ('<a href="javascript:alert(1)">link</a>', '<a rel="noopener noreferrer">link</a>'),
        ('<span onclick="x()">plain</span>', "plain"),
        ("<strong>bold</strong> and <em>italic</em>", "<strong>bold</strong> and <em>italic</em>"),
        (
            '<a href="https://www.mil.gov.ua/">site</a>',
            '<a href="https://www.mil.gov.ua/" rel="noopener noreferrer">site</a>',
        ),
        ("line<br>break", "line<br>break"),
        ("<h1>Heading</h1><p>para</p>", "Headingpara"),
    ],
)
def test_paragraph_markup_is_cleaned_to_the_inline_safelist(dirty, clean):
    assert clean_inline_html(dirty) == clean


def test_paragraph_is_stored_sanitised():
    release = make_release()
    block = add_paragraph(release, uk='<b onmouseover="x()">Так</b><script>1</script>')
    block.refresh_from_db()
    assert block.text_uk == "<strong>Так</strong>"


def test_quote_is_stored_without_its_quotation_marks():
    release = make_release()
    block = add_quote(
        release, make_official(), uk="«Ми вдячні партнерам»", en="“We are grateful.”"
    )
    block.refresh_from_db()
    assert block.text_uk == "Ми вдячні партнерам"
    assert block.text_en == "We are grateful."


def test_quote_with_unpaired_inner_quotation_marks_is_refused_at_its_field():
    release = make_release()
    block = Block(
        release=release,
        kind=Block.Kind.QUOTE,
        official=make_official(),
        text_uk="Норвегія готова допомагати",
        text_en="Norway is ready. “Europe needs Ukraine,”",
    )
    block.text_en = "“Norway is ready. “Europe needs Ukraine,”"
    with pytest.raises(ValidationError) as error:
        block.full_clean()
    assert list(error.value.message_dict) == ["text_en"]


def test_quote_without_official_is_refused_at_the_official_field():
    block = Block(release=make_release(), kind=Block.Kind.QUOTE, text_uk="Слова")
    with pytest.raises(ValidationError) as error:
        block.full_clean()
    assert "official" in error.value.message_dict


def test_a_bare_photo_code_as_paragraph_text_is_refused():
    block = Block(release=make_release(), kind=Block.Kind.PARAGRAPH, text_uk="jrs-5105")
    with pytest.raises(ValidationError) as error:
        block.full_clean()
    assert "text_uk" in error.value.message_dict


def test_published_release_without_lead_is_refused_at_the_lead_field():
    release = Release(
        status=Release.Status.PUBLISHED, title_uk="Назва", title_en="Title", lead_uk="Лід"
    )
    with pytest.raises(ValidationError) as error:
        release.full_clean()
    assert list(error.value.message_dict) == ["lead_en"]


def test_published_release_without_time_gets_the_current_time():
    release = Release(status=Release.Status.PUBLISHED, title_uk="Назва", lead_uk="Лід")
    release.full_clean()
    assert release.published_at is not None


def test_every_model_reads_well_as_text():
    release = make_release(title_uk="Назва", published_at=datetime(2025, 1, 1, tzinfo=KYIV))
    assert str(release) == "Назва"
    assert str(make_photo(code="jrs-5105")) == "jrs-5105"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("«Ми вдячні партнерам»", "Ми вдячні партнерам"),
        ("Ми підтримуємо «Рамштайн»", "Ми підтримуємо «Рамштайн»"),
        ("«Ми підтримуємо „Рамштайн“»", "Ми підтримуємо „Рамштайн“"),
        ('"We thank our allies"', "We thank our allies"),
        ("We thank our allies'", "We thank our allies'"),
        ("“Europe needs Ukraine.”", "Europe needs Ukraine."),
        ("<b>Bold</b> words", "Bold words"),
    ],
)
def test_only_one_outer_pair_of_quotation_marks_is_removed(typed, stored):
    from releases.text import strip_quote_marks

    assert strip_quote_marks(typed) == stored


def test_quote_with_a_closing_inner_quotation_is_accepted():
    block = Block(
        release=make_release(),
        kind=Block.Kind.QUOTE,
        official=make_official(),
        text_uk="Ми підтримуємо «Рамштайн»",
        text_en="We support “Ramstein”",
    )
    block.full_clean()


def test_slugs_never_outgrow_their_column():
    title = "Дуже " * 60
    first = make_release(title_uk=title, title_en="Same " * 60)
    second = make_release(title_uk=title, title_en="Same " * 60)
    assert len(first.slug_uk) <= 120
    assert len(second.slug_uk) <= 120
    assert second.slug_uk.endswith("-2")
    assert len(second.slug_en) <= 120


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("<b>bold</b> and <i>italic</i>", "<strong>bold</strong> and <em>italic</em>"),
        ('<B class="x">loud</B>', "<strong>loud</strong>"),
        ("<br> stays, <blockquote>goes</blockquote>", "<br> stays, goes"),
    ],
)
def test_bold_and_italic_tags_from_word_processors_keep_their_meaning(typed, stored):
    assert clean_inline_html(typed) == stored


def test_line_breaks_typed_in_a_paragraph_show_on_the_page(client):
    release = make_release()
    add_paragraph(release, uk="Перший рядок.\nДругий рядок.")
    page = client.get(release.get_absolute_url()).content.decode()
    assert "Перший рядок.<br>Другий рядок." in page


def test_language_helpers_name_and_read_the_column_of_each_language():
    from releases.languages import LANGUAGES, in_each_language, localized, localized_names

    release = make_release(title_uk="Назва", title_en="Title")
    assert LANGUAGES == ("uk", "en")
    assert [localized(release, "title", lang) for lang in LANGUAGES] == ["Назва", "Title"]
    assert in_each_language("title", {"uk": "А", "en": "B"}) == {"title_uk": "А", "title_en": "B"}
    assert in_each_language("note", "") == {"note_uk": "", "note_en": ""}
    assert localized_names("title", "lead") == ["title_uk", "title_en", "lead_uk", "lead_en"]
    with pytest.raises(AttributeError):
        localized(release, "no_such_field", "uk")
