"""What the site tells strangers: security.txt, and never a path on the server."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from .helpers import soup_of

pytestmark = pytest.mark.django_db

SERVER_PATH = re.compile(
    r"(/tmp/|/app/|/work/|/home/|/usr/|/var/|site-packages|\.py\b|LC_MESSAGES)"
)


@pytest.fixture
def contact(settings):
    settings.SECURITY_CONTACT = "mailto:security@press.example.gov.ua"
    settings.SITE_URL = "https://press.example.gov.ua"


def fields(text):
    return dict(line.split(": ", 1) for line in text.splitlines() if line and line[0] != "#")


def test_security_txt_follows_rfc_9116(client, contact):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    values = fields(response.content.decode())
    assert values["Contact"] == "mailto:security@press.example.gov.ua"
    assert values["Preferred-Languages"] == "uk, en"
    assert values["Canonical"] == "https://press.example.gov.ua/.well-known/security.txt"
    expires = datetime.fromisoformat(values["Expires"].replace("Z", "+00:00"))
    now = datetime.now(UTC)
    assert now + timedelta(days=30) < expires < now + timedelta(days=366)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", values["Expires"])


def test_security_txt_is_the_same_in_every_language(client, contact):
    ukrainian = client.get("/.well-known/security.txt", HTTP_ACCEPT_LANGUAGE="uk")
    english = Client().get("/.well-known/security.txt", HTTP_ACCEPT_LANGUAGE="en")
    assert ukrainian.content == english.content
    assert client.get("/en/.well-known/security.txt").status_code == 404


def test_security_txt_is_absent_until_a_contact_is_configured(client, settings):
    settings.SECURITY_CONTACT = ""
    assert client.get("/.well-known/security.txt").status_code == 404


def test_a_broken_catalogue_upload_names_no_path_on_the_server(translator, settings):
    broken = 'msgid "a"\nmsgstr "b"\nthis is no po syntax\n'
    response = translator.post(
        "/translations/upload/",
        {
            "language": "uk",
            "catalogue": SimpleUploadedFile("django.po", broken.encode(), "text/plain"),
        },
    )
    assert response.status_code == 200
    message = soup_of(response).find(class_="errorlist").get_text()
    assert not SERVER_PATH.search(message), message
    assert "3" in message  # the line to look at


def test_the_string_editor_lists_catalogues_without_their_path_on_the_server(translator):
    response = translator.get("/translations/files/project/")
    assert response.status_code == 200
    text = soup_of(response).get_text(" ")
    assert not SERVER_PATH.search(text), SERVER_PATH.search(text)


def test_the_error_page_shows_no_path(client, settings):
    from releases.views import server_error

    response = server_error(client.get("/").wsgi_request)
    assert response.status_code == 500
    assert not SERVER_PATH.search(response.content.decode())


# The admin's "view on site" door ------------------------------------------------------------


def view_on_site_url(obj):
    from django.contrib.contenttypes.models import ContentType

    return f"/en/admin/r/{ContentType.objects.get_for_model(obj).pk}/{obj.pk}/"


@pytest.mark.parametrize("role", ["press_officer", "editor", "translator", "staff"])
def test_view_on_site_never_hands_out_a_secret_link(request, role):
    from django.utils import timezone

    from releases.models import EmbargoAccess, PreviewLink, Release, Subscription

    from .factories import make_release

    account = request.getfixturevalue(role)
    scheduled = make_release(
        published=False,
        status=Release.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
    )
    preview = PreviewLink.objects.create(
        release=scheduled, expires_at=timezone.now() + timedelta(days=1)
    )
    embargo = EmbargoAccess.objects.create(
        release=scheduled, name="Olha Koval", outlet="Ukrinform", email="olha@example.org"
    )
    subscription = Subscription.objects.create(email="reader@example.org", language="en")

    for secret in (preview, embargo):
        assert account.get(view_on_site_url(secret)).status_code == 404
    response = account.get(view_on_site_url(subscription))
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response["Location"].endswith("/subscribe/")


def test_view_on_site_still_leads_staff_to_a_release_they_may_see(editor, translator):
    from .factories import make_release

    release = make_release()
    for account in (editor, translator):
        response = account.get(view_on_site_url(release))
        assert response.status_code == 302
        assert response["Location"].endswith(release.get_absolute_url())


def test_view_on_site_is_refused_for_a_model_the_account_may_not_view(translator):
    from releases.models import Subscription

    subscription = Subscription.objects.create(email="reader@example.org", language="en")
    assert translator.get(view_on_site_url(subscription)).status_code == 404
