"""Choosing a photo for a release: the photo form, the chooser and its uploads."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from releases.models import Photo
from releases.roles import EDITOR, PRESS_OFFICER, TRANSLATOR, ensure_roles

from . import images
from .factories import jpeg_bytes, make_photo

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/releases/photo/add/"


def make_user(name, role):
    ensure_roles()
    user = get_user_model().objects.create_user(name, f"{name}@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def client_for(user):
    # A 500 must show as a 500 here, not as the exception behind it.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def officer():
    return client_for(make_user("officer", PRESS_OFFICER))


@pytest.fixture
def editor():
    return client_for(make_user("editor", EDITOR))


@pytest.fixture
def translator():
    return client_for(make_user("translator", TRANSLATOR))


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def errors_at(response, field) -> str:
    """The error messages the admin shows at ``field``."""
    row = soup_of(response).select_one(f".field-{field}")
    assert row is not None, field
    return " ".join(e.get_text(" ", strip=True) for e in row.select(".errorlist li"))


def text_of(page, name) -> str:
    return page.select_one(f"[name={name}]").get_text().strip()


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type)


def photo_form(code, image=None, **fields):
    return {
        "code": code,
        "image": image or upload("DSC_0001.jpg", jpeg_bytes()),
        "caption_uk": "Підпис, набраний до помилки",
        "caption_en": "A caption typed before the error",
        "alt_uk": "Опис",
        "alt_en": "Description",
        "credit_uk": "",
        "credit_en": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
        **fields,
    }


# The photo form ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["фото 1", "JRS 5", "-jrs", "a/b", "x" * 41])
def test_a_code_that_is_not_slug_like_is_refused_at_its_field_with_the_text_kept(officer, code):
    response = officer.post(ADD_URL, photo_form(code))

    assert response.status_code == 200
    assert errors_at(response, "code")
    page = soup_of(response)
    assert page.select_one("[name=caption_uk]").get_text().strip() == "Підпис, набраний до помилки"
    assert (
        page.select_one("[name=caption_en]").get_text().strip()
        == "A caption typed before the error"
    )
    assert page.select_one("[name=code]")["value"] == code
    assert not Photo.objects.exists()


def test_a_bad_code_on_an_existing_photo_is_refused_and_the_stored_photo_still_shown(officer):
    photo = make_photo(code="jrs-0100")
    data = photo_form("фото 1")
    del data["image"]
    response = officer.post(f"/admin/releases/photo/{photo.pk}/change/", data)

    assert response.status_code == 200
    assert errors_at(response, "code")
    page = soup_of(response)
    # The preview and the download link are the stored photo's, under its stored code.
    assert "/renditions/jrs-0100/" in page.select_one(".field-preview_large img")["src"]
    assert page.select_one(".field-image a")["href"] == "/photos/jrs-0100/download/"
    photo.refresh_from_db()
    assert photo.code == "jrs-0100"


def test_a_photo_uploaded_with_an_empty_code_gets_the_next_free_code(officer):
    make_photo(code="jrs-5105")
    response = officer.post(ADD_URL, photo_form(""))

    assert response.status_code == 302, errors_at(response, "code")
    photo = Photo.objects.get(caption_en="A caption typed before the error")
    assert photo.code == "jrs-5106"
    assert photo.image.name.startswith("photos/jrs-5106-")


def test_the_empty_code_follows_the_prefix_of_the_officers_last_batch(officer):
    from releases.models import PhotoUpload

    user = get_user_model().objects.get(username="officer")
    PhotoUpload.objects.create(
        batch="5c0e6a3e-9c39-4c4e-8f52-1d2f3c4b5a69",
        name="a.jpg",
        prefix="kyiv",
        uploaded_by=user,
        state="stored",
    )
    make_photo(code="kyiv-0007")

    form = officer.get(ADD_URL)
    assert soup_of(form).select_one("[name=code]")["placeholder"] == "kyiv-0008"
    response = officer.post(ADD_URL, photo_form(""))

    assert response.status_code == 302
    assert Photo.objects.filter(code="kyiv-0008").exists()


def test_an_existing_photo_keeps_a_required_code(officer):
    photo = make_photo(code="jrs-0100")
    data = photo_form("")
    del data["image"]
    response = officer.post(f"/admin/releases/photo/{photo.pk}/change/", data)

    assert response.status_code == 200
    assert errors_at(response, "code")


def test_an_empty_code_with_a_refused_file_keeps_the_text_and_names_the_file(officer):
    response = officer.post(
        ADD_URL, photo_form("", image=upload("знімок.svg", images.SVG, "image/svg+xml"))
    )

    assert response.status_code == 200
    assert "знімок.svg" in errors_at(response, "image")
    page = soup_of(response)
    assert text_of(page, "caption_uk") == "Підпис, набраний до помилки"
    assert not Photo.objects.exists()


# The chooser in the release form -------------------------------------------------------------

CHOOSER_URL = "/admin/releases/photo/chooser/"
RESULTS_URL = "/admin/releases/photo/chooser/results/"
UPLOAD_URL = "/admin/releases/photo/chooser/upload/"


def test_the_release_form_offers_the_chooser_for_the_main_photo_and_photo_blocks(officer):
    page = soup_of(officer.get("/admin/releases/release/add/"))

    hero = page.select_one(".field-hero_photo [data-photo-chooser]")
    assert hero["data-chooser-url"] == CHOOSER_URL
    assert hero.select_one("[data-chooser-open]")
    # Without the script the field is still the admin's autocomplete.
    assert hero.select_one("select[name=hero_photo].admin-autocomplete")
    # No pop-up window to add a photo beside it: the chooser uploads in place.
    assert not page.select(".field-hero_photo .related-widget-wrapper-link")
    block = page.select_one("#blocks-empty .field-photo [data-photo-chooser]")
    assert block.select_one("select[name=blocks-__prefix__-photo]")
    scripts = [s["src"] for s in page.select("script[src]")]
    assert any(src.endswith("js/photo-chooser.js") for src in scripts)


def test_a_release_opens_with_its_chosen_photos_shown_by_thumbnail_and_caption(editor):
    from .factories import add_photo_block, make_release

    hero = make_photo(code="jrs-0001", caption_uk="Міністр у Харкові")
    inside = make_photo(code="jrs-0002", caption_uk="Делегація в порту")
    release = make_release(hero_photo=hero)
    add_photo_block(release, inside)

    page = soup_of(editor.get(f"/admin/releases/release/{release.pk}/change/"))

    chosen = page.select_one(".field-hero_photo [data-chosen]")
    assert "/renditions/jrs-0001/" in chosen.select_one("img")["src"]
    assert "Міністр у Харкові" in chosen.get_text()
    assert "jrs-0001" in chosen.get_text()
    block = page.select_one("[name=blocks-0-photo]").find_parent(
        attrs={"data-photo-chooser": True}
    )
    assert "Делегація в порту" in block.select_one("[data-chosen]").get_text()
    option = page.select_one("select[name=hero_photo] option[selected]")
    assert option["value"] == str(hero.pk)


def test_a_release_saved_with_a_chosen_photo_keeps_it(officer):
    photo = make_photo(code="jrs-0042")
    response = officer.post(
        "/admin/releases/release/add/",
        {
            "title_uk": "Реліз",
            "title_en": "",
            "lead_uk": "Вступ.",
            "lead_en": "",
            "slug_uk": "",
            "slug_en": "",
            "source_language": "uk",
            "hero_photo": str(photo.pk),
            "blocks-TOTAL_FORMS": "1",
            "blocks-INITIAL_FORMS": "0",
            "blocks-MIN_NUM_FORMS": "0",
            "blocks-MAX_NUM_FORMS": "60",
            "blocks-0-kind": "photo",
            "blocks-0-photo": str(photo.pk),
            "blocks-0-order": "1",
            "previewlink_set-TOTAL_FORMS": "0",
            "previewlink_set-INITIAL_FORMS": "0",
        },
    )
    from releases.models import Release

    assert response.status_code == 302, soup_of(response).select(".errorlist")
    release = Release.objects.get()
    assert release.hero_photo == photo
    assert release.blocks.get().photo == photo


# Who may choose ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [CHOOSER_URL, RESULTS_URL])
def test_the_chooser_is_for_staff_who_write_releases(officer, translator, client, url):
    assert officer.get(url).status_code == 200
    assert translator.get(url).status_code == 403
    assert client.get(url).status_code == 302  # to the sign-in page


def test_uploading_from_the_chooser_is_refused_to_a_translator(translator):
    response = translator.post(UPLOAD_URL, {"image": upload("a.jpg", jpeg_bytes())})
    assert response.status_code == 403
    assert not Photo.objects.exists()


def test_the_chooser_upload_takes_posts_only(officer):
    assert officer.get(UPLOAD_URL).status_code == 405


# Finding a photo ----------------------------------------------------------------------------


def codes_in(response) -> list[str]:
    assert response.status_code == 200
    return [b["data-code"] for b in soup_of(response).select("[data-choose]")]


@pytest.fixture
def library():
    from datetime import date

    make_photo(
        code="jrs-5101",
        caption_uk="Київ: зустріч міністрів",
        caption_en="Kyiv: the ministers meet",
        credit_uk="Олена Коваль",
        credit_en="Olena Koval",
        taken_at=date(2025, 3, 14),
    )
    make_photo(
        code="jrs-5102",
        caption_uk="Навчання в Карпатах",
        caption_en="Exercises in the Carpathians",
        credit_uk="Іван Бойко",
        credit_en="Ivan Boiko",
        taken_at=date(2025, 4, 2),
    )
    make_photo(code="arch-0001", caption_uk="Архівне фото", caption_en="An archive photo")


@pytest.mark.parametrize(
    "query, codes",
    [
        ("київ", ["jrs-5101"]),  # Ukrainian, in another case than the caption's
        ("КАРПАТАХ", ["jrs-5102"]),
        ("ministers", ["jrs-5101"]),  # English caption
        ("jrs-5102", ["jrs-5102"]),  # code
        ("arch", ["arch-0001"]),
        ("Коваль", ["jrs-5101"]),  # photographer, in Ukrainian
        ("boiko", ["jrs-5102"]),  # and in English
        ("14.03.2025", ["jrs-5101"]),  # date taken, as written in Ukraine
        ("2025-04-02", ["jrs-5102"]),
        ("зустріч Коваль", ["jrs-5101"]),  # every word must match
        ("зустріч Бойко", []),
    ],
)
def test_the_chooser_finds_photos_by_caption_code_photographer_and_date(
    officer, library, query, codes
):
    assert codes_in(officer.get(RESULTS_URL, {"q": query})) == codes


def test_the_chooser_filters_by_the_date_taken(officer, library):
    assert codes_in(officer.get(RESULTS_URL, {"date": "2025-03-14"})) == ["jrs-5101"]


def test_the_chooser_shows_the_newest_photos_first_with_thumbnail_caption_and_code(
    officer, library
):
    response = officer.get(CHOOSER_URL)
    assert codes_in(response) == ["arch-0001", "jrs-5102", "jrs-5101"]
    item = soup_of(response).select("[data-choose]")[2]
    assert "/renditions/jrs-5101/" in item.select_one("img")["src"]
    assert item.select_one("img")["alt"] == ""  # the button's text names the photo
    text = item.get_text(" ", strip=True)
    assert "Київ: зустріч міністрів" in text and "jrs-5101" in text and "Олена Коваль" in text
    assert "14 березня 2025" in text
    assert soup_of(response).select_one("#photo-chooser-title")
    assert soup_of(response).select_one("[data-chooser-upload-form]")


def test_the_chooser_speaks_english_in_the_english_admin(officer, library):
    response = officer.get("/en" + RESULTS_URL, {"q": "jrs-5101"})
    page = soup_of(response)
    assert "Kyiv: the ministers meet" in page.select_one("[data-choose]").get_text()
    assert "1 photo found." in page.select_one("[data-summary]")["data-summary"]


def test_the_chooser_pages_through_the_library(officer, settings):
    from releases.photos import chooser

    for n in range(chooser.PAGE_SIZE + 3):
        make_photo(code=f"pg-{n:04d}")
    first = officer.get(RESULTS_URL)
    second = officer.get(RESULTS_URL, {"page": "2"})
    assert len(codes_in(first)) == chooser.PAGE_SIZE
    assert len(codes_in(second)) == 3
    assert not set(codes_in(first)) & set(codes_in(second))
    next_link = soup_of(first).select_one("a[data-chooser-page]")["href"]
    assert next_link == f"{RESULTS_URL}?page=2"
    searched = soup_of(officer.get(RESULTS_URL, {"q": "pg"})).select_one("a[data-chooser-page]")
    assert searched["href"] == f"{RESULTS_URL}?q=pg&page=2"


def test_the_chooser_costs_the_same_queries_for_one_photo_or_a_full_page(
    officer, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_photo()
    with CaptureQueriesContext(connection) as one:
        assert len(codes_in(officer.get(RESULTS_URL, {"q": "tst"}))) == 1
    for _n in range(30):
        make_photo()
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(codes_in(officer.get(RESULTS_URL, {"q": "tst", "page": "2"}))) == 7
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(codes_in(officer.get(RESULTS_URL, {"q": "tst"}))) == 24


# Hostile input to the search ------------------------------------------------------------------


@pytest.mark.parametrize("page_number", ["abc", "-1", "0", "1.5", "9" * 40, "", "2" * 5000])
def test_any_page_number_gives_a_page_of_the_library(officer, library, page_number):
    response = officer.get(RESULTS_URL, {"page": page_number})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert sorted(codes_in(response)) == ["arch-0001", "jrs-5101", "jrs-5102"]


def test_an_overlong_search_is_shortened_and_the_officer_told(officer, library):
    response = officer.get(RESULTS_URL, {"q": "київ " + "я" * 600})
    assert codes_in(response) == []
    summary = soup_of(response).select_one("[data-summary]")["data-summary"]
    assert "скорочено до перших 500 символів" in summary


@pytest.mark.parametrize("query", ["a\x00b", "\x1b[31m", "\u0000"])
def test_control_characters_in_the_search_get_a_clear_400(officer, query):
    response = officer.get(RESULTS_URL, {"q": query})
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["2025-02-31", "yesterday", "9" * 300])
def test_a_date_that_is_no_date_is_an_error_in_the_officers_language(officer, library, value):
    response = officer.get(RESULTS_URL, {"date": value})
    assert response.status_code == 200
    errors = soup_of(response).select_one(".photo-chooser__errors").get_text()
    assert "Введіть коректну дату" in errors


def test_markup_in_a_search_or_a_caption_is_shown_as_text(officer):
    make_photo(code="jrs-0666", caption_uk='<img src=x onerror="alert(1)">фото')
    response = officer.get(RESULTS_URL, {"q": "<script>alert(1)</script>"})
    assert b"<script>alert(1)" not in response.content
    response = officer.get(RESULTS_URL, {"q": "onerror"})
    assert b"<img src=x" not in response.content
    item = soup_of(response).select_one("[data-choose]")
    assert item["data-caption"] == '<img src=x onerror="alert(1)">фото'


# Uploading from the chooser -------------------------------------------------------------------


def upload_fields(image, **fields):
    return {
        "image": image,
        "code": "",
        "caption_uk": "Нове фото з навчань",
        "caption_en": "A new photo of the exercises",
        "alt_uk": "Військові біля техніки",
        "alt_en": "Soldiers by the vehicles",
        "credit_uk": "",
        "credit_en": "",
        **fields,
    }


def test_an_upload_with_an_empty_code_and_a_cyrillic_name_is_stored_and_chosen(officer):
    make_photo(code="jrs-5105")
    response = officer.post(UPLOAD_URL, upload_fields(upload("Навчання 1.jpg", jpeg_bytes())))

    assert response.status_code == 201
    photo = Photo.objects.get(code="jrs-5106")
    assert response.json() == {
        "id": photo.pk,
        "code": "jrs-5106",
        "caption": "Нове фото з навчань",
        "thumbnail": photo.rendition_url(f"w{photo.widths()[0]}", "jpg"),
        "label": "jrs-5106 — Нове фото з навчань",
    }
    assert photo.alt_en == "Soldiers by the vehicles"
    assert photo.image.name.startswith("photos/jrs-5106-")
    # Recorded as the photo form's additions are.
    from django.contrib.admin.models import LogEntry

    assert LogEntry.objects.get(object_id=str(photo.pk)).user.username == "officer"


def test_an_upload_takes_a_code_typed_by_hand(officer):
    response = officer.post(
        UPLOAD_URL, upload_fields(upload("a.jpg", jpeg_bytes()), code="kyiv-0001")
    )
    assert response.status_code == 201
    assert response.json()["code"] == "kyiv-0001"


@pytest.mark.parametrize(
    "name, data, content_type, message",
    [
        (
            "script.jpg",
            b"#!/bin/sh\nrm -rf /\n",
            "image/jpeg",
            "це не зображення JPEG, PNG чи WebP",
        ),
        ("x.svg", images.SVG, "image/svg+xml", "це не зображення JPEG, PNG чи WebP"),
        ("empty.jpg", b"", "image/jpeg", "Переданий файл порожній"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused_at_its_field_with_the_text_kept(
    officer, name, data, content_type, message
):
    response = officer.post(UPLOAD_URL, upload_fields(upload(name, data, content_type)))

    assert response.status_code == 200
    page = soup_of(response)
    error = page.select_one(".field-image .errorlist").get_text()
    assert message in error
    assert text_of(page, "caption_uk") == "Нове фото з навчань"
    assert page.select_one("[name=alt_en]")["value"] == "Soldiers by the vehicles"
    assert not Photo.objects.exists()


def test_a_file_over_the_size_limit_is_refused_by_its_size(officer, settings):
    settings.PHOTO_MAX_UPLOAD_BYTES = 1000
    response = officer.post(UPLOAD_URL, upload_fields(upload("big.jpg", jpeg_bytes((400, 300)))))
    assert response.status_code == 200
    assert "більший за" in soup_of(response).select_one(".field-image .errorlist").get_text()
    assert not Photo.objects.exists()


@pytest.mark.parametrize("code", ["фото 1", "JRS-1", "a" * 41, "x\u202eb"])
def test_a_bad_code_in_the_chooser_upload_is_refused_at_its_field(officer, code):
    response = officer.post(UPLOAD_URL, upload_fields(upload("a.jpg", jpeg_bytes()), code=code))
    assert response.status_code == 200
    assert soup_of(response).select_one(".field-code .errorlist")
    assert not Photo.objects.exists()


def test_overlong_texts_in_the_chooser_upload_are_refused_at_their_fields(officer):
    response = officer.post(
        UPLOAD_URL,
        upload_fields(upload("a.jpg", jpeg_bytes()), caption_uk="я" * 1001, alt_en="x" * 301),
    )
    assert response.status_code == 200
    page = soup_of(response)
    assert page.select_one(".field-caption_uk .errorlist")
    assert page.select_one(".field-alt_en .errorlist")
    assert text_of(page, "caption_uk") == "я" * 1001


def test_the_same_file_again_points_to_the_photo_in_the_library(officer):
    data = jpeg_bytes(colour="#aa0000")
    assert officer.post(UPLOAD_URL, upload_fields(upload("a.jpg", data))).status_code == 201
    response = officer.post(UPLOAD_URL, upload_fields(upload("b.jpg", data)))
    assert response.status_code == 200
    assert "вже є в бібліотеці" in soup_of(response).select_one(".field-image").get_text()
    assert Photo.objects.count() == 1
