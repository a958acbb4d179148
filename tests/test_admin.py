from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from releases.models import Official, Photo, Release, SearchDocument, Tag
from releases.search import search

from .factories import (
    add_paragraph,
    jpeg_bytes,
    make_country,
    make_official,
    make_photo,
    make_position,
    make_release,
    make_tag,
)
from .helpers import field_errors, management, release_form, soup_of, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/releases/release/",
        "/admin/releases/release/add/",
        "/admin/releases/official/",
        "/admin/releases/official/add/",
        "/admin/releases/photo/",
        "/admin/releases/photo/add/",
        "/admin/releases/tag/",
        "/admin/releases/country/",
        "/en/admin/releases/release/",
    ],
)
def test_admin_pages_open_for_staff(staff, url):
    make_release()
    assert staff.get(url).status_code == 200


def test_admin_speaks_ukrainian_by_default_and_english_under_en(staff):
    soup = soup_of(staff.get("/admin/releases/release/"))
    assert soup.html["lang"] == "uk"
    assert "Пресрелізи" in soup.get_text()
    english = soup.find("nav", class_="admin-languages").find("a", hreflang="en")
    assert english["href"] == "/en/admin/releases/release/"
    soup = soup_of(staff.get(english["href"]))
    assert soup.html["lang"] == "en"
    assert "Press releases" in soup.get_text()


def test_release_change_page_shows_both_languages_side_by_side_with_its_blocks(staff):
    release = make_release()
    add_paragraph(release, uk="Український абзац", en="English paragraph")
    soup = soup_of(staff.get(f"/admin/releases/release/{release.pk}/change/"))
    title_row = soup.find("textarea", attrs={"name": "title_uk"}).find_parent(class_="form-row")
    assert title_row.find(attrs={"name": "title_en"}) is not None
    block = soup.find("textarea", attrs={"name": "blocks-0-text_uk"})
    assert block.get_text().strip() == "Український абзац"
    row = block.find_parent(class_="form-row")
    assert row.find("textarea", attrs={"name": "blocks-0-text_en"}) is not None


def test_press_officer_creates_a_release_with_blocks_in_order(staff):
    official = make_official()
    photo = make_photo()
    tag = make_tag()
    data = release_form(
        transition="publish",
        published_at_0="2025-02-20",
        published_at_1="16:00:00",
        officials=[official.pk],
        tags=[tag.pk],
        **management("blocks", total=3),
        **{
            "blocks-0-position": "1",
            "blocks-0-kind": "paragraph",
            "blocks-0-text_uk": "Перший <script>x</script>абзац",
            "blocks-0-text_en": "First paragraph",
            "blocks-1-position": "2",
            "blocks-1-kind": "quote",
            "blocks-1-text_uk": "«Цитата»",
            "blocks-1-text_en": "A quote",
            "blocks-1-official": str(official.pk),
            "blocks-2-position": "3",
            "blocks-2-kind": "photo",
            "blocks-2-photo": str(photo.pk),
        },
    )
    response = staff.post("/admin/releases/release/add/", data)
    assert response.status_code == 302, soup_of(response).find_all(class_="errorlist")
    release = Release.objects.get()
    assert [b.kind for b in release.blocks.all()] == ["paragraph", "quote", "photo"]
    assert release.blocks.first().text_uk == "Перший абзац"
    assert release.blocks.all()[1].text_uk == "Цитата"
    assert list(release.tags.all()) == [tag]
    assert release.slug_uk == "nazva"
    assert release.published_at.hour == 14  # 16:00 in Kyiv is 14:00 UTC in February


def test_saving_a_release_in_the_admin_indexes_it_once_with_its_blocks(staff):
    data = release_form(
        **management("blocks", total=2),
        **{
            "blocks-0-position": "1",
            "blocks-0-kind": "paragraph",
            "blocks-0-text_uk": "Говорили про тренажери.",
            "blocks-0-text_en": "They spoke of simulators.",
            "blocks-1-position": "2",
            "blocks-1-kind": "paragraph",
            "blocks-1-text_uk": "І про шпиталі.",
            "blocks-1-text_en": "And of hospitals.",
        },
    )
    with CaptureQueriesContext(connection) as ctx:
        response = staff.post("/admin/releases/release/add/", data)
    assert response.status_code == 302
    inserts = [q for q in ctx.captured_queries if 'INTO "releases_searchdocument"' in q["sql"]]
    assert len(inserts) == 1
    documents = SearchDocument.objects.filter(release=Release.objects.get())
    assert {d.language for d in documents} == {"uk", "en"}
    for word, language in (("тренажер", "uk"), ("шпиталь", "uk"), ("hospital", "en")):
        assert search(Release.objects.all(), word, language)[:] == [Release.objects.get()]


def test_duplicate_slug_is_refused_at_the_slug_field(staff):
    make_release(slug_uk="spilna-adresa")
    response = staff.post("/admin/releases/release/add/", release_form(slug_uk="spilna-adresa"))
    assert response.status_code == 200
    assert "Цю адресу вже має інший реліз." in field_errors(response, "slug_uk")
    assert Release.objects.count() == 1


def test_release_published_without_a_lead_is_refused_at_the_lead_field(staff):
    response = staff.post(
        "/en/admin/releases/release/add/", release_form(transition="publish", lead_en="")
    )
    assert response.status_code == 200
    assert "needs a lead" in field_errors(response, "lead_en")
    assert not Release.objects.exists()


def test_refused_save_keeps_everything_the_press_officer_typed(staff):
    response = staff.post(
        "/admin/releases/release/add/",
        release_form(
            transition="publish",
            lead_en="",
            title_en="Keep this title",
            **management("blocks", total=1),
            **{
                "blocks-0-position": "1",
                "blocks-0-kind": "paragraph",
                "blocks-0-text_uk": "Текст, який не можна загубити",
            },
        ),
    )
    soup = soup_of(response)
    assert (
        soup.find("textarea", attrs={"name": "title_en"}).get_text().strip() == "Keep this title"
    )
    assert (
        "Текст, який не можна загубити"
        in soup.find("textarea", attrs={"name": "blocks-0-text_uk"}).get_text()
    )


def test_quote_block_without_official_is_refused_at_its_field(staff):
    data = release_form(
        **management("blocks", total=1),
        **{"blocks-0-position": "1", "blocks-0-kind": "quote", "blocks-0-text_uk": "Слова"},
    )
    response = staff.post("/admin/releases/release/add/", data)
    assert response.status_code == 200
    row = soup_of(response).find(class_="field-official")
    assert "Виберіть посадовця" in row.get_text()


def test_position_that_ends_before_it_starts_is_refused_at_its_field(staff):
    make_country("UA")
    data = {
        "name_uk": "Марта Гнатюк",
        "name_en": "Marta Hnatiuk",
        **management("positions", total=1),
        "positions-0-title_uk": "Директорка",
        "positions-0-title_en": "Director",
        "positions-0-country": str(make_country("UA").pk),
        "positions-0-start": "2024-06-01",
        "positions-0-end": "2024-05-31",
    }
    response = staff.post("/admin/releases/official/add/", data)
    assert response.status_code == 200
    assert "Посада не може завершитися раніше" in soup_of(response).get_text()
    assert not Official.objects.exists()


def test_photo_code_already_taken_is_refused_at_the_code_field(staff):
    make_photo(code="jrs-5105")
    image = upload("photo.jpg", jpeg_bytes())
    response = staff.post(
        "/admin/releases/photo/add/", {"code": "jrs-5105", "alt_uk": "Опис", "image": image}
    )
    assert response.status_code == 200
    assert "Фото з таким кодом уже існує." in field_errors(response, "code")
    assert Photo.objects.count() == 1


def test_photo_upload_that_is_not_an_image_is_refused(staff):
    fake = upload("jrs-1.jpg", b"<html>not an image</html>")
    response = staff.post("/admin/releases/photo/add/", {"code": "jrs-1", "image": fake})
    assert response.status_code == 200
    assert field_errors(response, "image")
    assert not Photo.objects.exists()


@pytest.mark.parametrize(
    ("model", "term", "expected"),
    [
        ("official", "Боє", "Сергій Боєв"),
        ("country", "Норв", "Норвегія"),
        ("tag", "співроб", "Міжнародне співробітництво"),
        ("photo", "jrs-51", "jrs-5105"),
    ],
)
def test_autocomplete_finds_officials_countries_tags_and_photos(staff, model, term, expected):
    official = make_official(name_uk="Сергій Боєв", name_en="Sergiy Boyev")
    make_position(official, start=date(2024, 1, 1))
    make_country("NO")
    make_tag("Міжнародне співробітництво", "International cooperation")
    make_photo(code="jrs-5105")
    field = {"official": "officials", "country": "countries", "tag": "tags", "photo": "hero_photo"}
    response = staff.get(
        "/admin/autocomplete/",
        {
            "app_label": "releases",
            "model_name": "release",
            "field_name": field[model],
            "term": term,
        },
    )
    assert response.status_code == 200
    assert expected in [r["text"] for r in response.json()["results"]]


def test_release_list_shows_the_translation_status_of_each_language(staff):
    make_release(title_uk="Лише українською", languages=("uk",))
    soup = soup_of(staff.get("/en/admin/releases/release/"))
    cell = soup.find("td", class_="field-languages")
    assert cell.get_text(strip=True) == "UK: original · EN: missing"


def test_duplicate_tag_name_is_refused_at_its_field(staff):
    make_tag("Оборонна промисловість", "Defence industry")
    response = staff.post(
        "/admin/releases/tag/add/", {"name_uk": "Оборонна промисловість", "name_en": "Other"}
    )
    assert response.status_code == 200
    assert field_errors(response, "name_uk")


def test_tags_named_only_in_ukrainian_can_be_added_from_the_english_admin(staff):
    for name in ("Перший тег", "Другий тег"):
        response = staff.post("/en/admin/releases/tag/add/", {"name_uk": name, "name_en": ""})
        assert response.status_code == 302
    assert Tag.objects.filter(name_en__isnull=True).count() == 2


def test_the_release_form_and_list_filters_cover_every_language():
    from django.contrib.admin import site

    from releases.admin.releases import ReleaseAdminForm
    from releases.languages import LANGUAGES

    assert all(f"change_note_{lang}" in ReleaseAdminForm.base_fields for lang in LANGUAGES)
    filters = site._registry[Release].list_filter
    assert {f.parameter_name for f in filters if hasattr(f, "language")} == {
        f"translation_{lang}" for lang in LANGUAGES
    }
