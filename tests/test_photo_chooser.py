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
