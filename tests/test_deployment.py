"""The deployed stack: the app under gunicorn with the production settings, behind Debian's
nginx running the shipped configuration (``tests/stack.py`` adapts its addresses only)."""

import http.client
import json
import os
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from . import stack

pytestmark = pytest.mark.deployment

if stack.nginx_binary() is None:
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("nginx is missing: apt-get install nginx-light")
    pytest.skip("nginx is not installed (apt-get install nginx-light)", allow_module_level=True)

SITE_DATA = textwrap.dedent(
    """
    import json
    from datetime import timedelta

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone
    from releases.models import EmbargoAccess, PreviewLink, Release
    from tests.documents import pdf
    from tests.factories import (
        make_document, make_public_photo, make_release, make_stored_photo, make_superuser,
    )

    public = make_public_photo("dep-0001", size=(1000, 700), colour="#335577")
    embargoed = make_stored_photo("dep-0002", size=(1000, 700), colour="#775533")
    draft = make_release(published=False, hero_photo=embargoed)
    public_document = make_document(make_release(), pdf(), title_en="Joint communiqué")
    draft_document = make_document(draft, pdf())
    link = PreviewLink.objects.create(
        release=draft, expires_at=timezone.now() + timedelta(days=1)
    )
    scheduled = make_release(
        published=False,
        status=Release.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
    )
    access = EmbargoAccess.objects.create(
        release=scheduled, name="Olha", outlet="Ukrinform", email="olha@example.org"
    )
    editor = make_superuser("editor")
    session = SessionStore()
    session.update({
        SESSION_KEY: str(editor.pk),
        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
        HASH_SESSION_KEY: editor.get_session_auth_hash(),
        # What signing in records: when, for the idle and absolute session limits.
        "auth_at": int(timezone.now().timestamp()),
        "seen_at": int(timezone.now().timestamp()),
    })
    session.create()
    print(json.dumps({
        "public": public.rendition_url("w480", "jpg"),
        "public_card": public.rendition_url("card", "webp"),
        "public_original": public.image.name,
        "embargoed": embargoed.rendition_url("w480", "jpg"),
        "embargoed_original": embargoed.image.name,
        "preview": link.token,
        "embargo": access.token,
        "public_document": [public_document.pk, public_document.file.name],
        "draft_document": [draft_document.pk, draft_document.file.name],
        "session": session.session_key,
    }))
    """
)


class Site:
    def __init__(self, port: int, app_port: int, media_root: Path, log: Path, data: dict):
        self.port, self.app_port, self.media_root = port, app_port, media_root
        self.log, self.data = log, data

    def request(self, path, method="GET", cookie=None, body=None, port=None):
        connection = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=30)
        headers = {"Host": "localhost"}
        if cookie:
            headers["Cookie"] = cookie
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.content = response.read()
        connection.close()
        return response

    def staff(self):
        return f"sessionid={self.data['session']}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stack")
    # INFO: the app says in its log each time it draws a rendition.
    env = stack.production_environment(
        folder, f"sqlite:///{folder / 'site.sqlite3'}", LOG_LEVEL="INFO"
    )
    stack.manage(env, "migrate", "--no-input", "-v0")
    stack.manage(env, "collectstatic", "--no-input", "-v0")
    data = json.loads(stack.manage(env, "shell", "-c", SITE_DATA).strip().splitlines()[-1])
    app_port, web_port = stack.free_port(), stack.free_port()
    log = folder / "gunicorn.log"
    with (
        stack.gunicorn(env, app_port, log, workers=4),
        stack.nginx(folder / "nginx", web_port, app_port, folder / "media"),
    ):
        yield Site(web_port, app_port, folder / "media", log, data)


def cache_status(response):
    return response.getheader("X-Cache-Status")


@pytest.mark.parametrize("path", ["/", "/en/releases/"])
def test_an_anonymous_page_is_a_miss_then_a_hit(site, path):
    first, second = site.request(path), site.request(path)
    assert first.status == second.status == 200
    assert (cache_status(first), cache_status(second)) == ("MISS", "HIT")
    assert second.content == first.content


def test_a_request_with_a_session_never_comes_from_the_micro_cache_nor_goes_into_it(site):
    path = "/en/"
    with_session = [site.request(path, cookie="sessionid=abc123") for _ in range(2)]
    assert [cache_status(r) for r in with_session] == ["BYPASS", "BYPASS"]
    # Nothing was kept from the answers to the session: the first reader without one misses.
    assert cache_status(site.request(path)) == "MISS"
    assert cache_status(site.request(path)) == "HIT"
    assert cache_status(site.request(path, cookie="csrftoken=x; sessionid=abc123")) == "BYPASS"


@pytest.mark.parametrize(
    "path",
    ["/admin/login/", "/en/admin/login/", "/translations/", "/en/translations/"],
)
def test_the_admin_and_the_translators_pages_are_never_cached(site, path):
    responses = [site.request(path) for _ in range(2)]
    assert [cache_status(r) for r in responses] == ["BYPASS", "BYPASS"]


@pytest.mark.parametrize("language", ["", "/en"])
def test_an_embargo_link_is_never_kept_by_the_micro_cache(site, language):
    path = f"{language}/embargo/{site.data['embargo']}/"
    responses = [site.request(path) for _ in range(2)]
    assert [r.status for r in responses] == [200, 200]
    assert [cache_status(r) for r in responses] == ["BYPASS", "BYPASS"]
    for response in responses:
        assert response.getheader("Cache-Control") == "private, no-store"
        assert response.getheader("X-Robots-Tag") == "noindex, nofollow"
        assert response.getheader("Referrer-Policy") == "no-referrer"


def test_the_api_is_never_micro_cached_so_each_request_is_counted(site):
    responses = [site.request("/api/v1/releases/") for _ in range(2)]
    assert [r.status for r in responses] == [200, 200]
    assert [cache_status(r) for r in responses] == ["BYPASS", "BYPASS"]


def test_a_post_is_never_answered_from_the_micro_cache_nor_kept(site):
    path = "/en/search/?q=post"
    posts = [site.request(path, method="POST", body="q=x") for _ in range(2)]
    # The cache is not even looked at: nginx names no cache status.
    assert [cache_status(r) for r in posts] == [None, None]
    assert cache_status(site.request(path)) == "MISS"


# Photos: every file through the app's check, sent by nginx ---------------------------------

YEAR = "public, max-age=31536000, immutable"
PRIVATE = "private, no-store"


def rendition_file(site, code, suffix):
    (path,) = (site.media_root / "renditions" / code).glob(f"*{suffix}")
    return path


def test_a_public_rendition_is_sent_by_nginx_with_a_year_of_caching(site):
    response = site.request(site.data["public"])
    assert response.status == 200
    assert response.getheader("Cache-Control") == YEAR
    assert response.getheader("Content-Type") == "image/jpeg"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert "sandbox" in response.getheader("Content-Security-Policy")
    assert response.getheader("X-Accel-Redirect") is None
    assert response.content == rendition_file(site, "dep-0001", "-w480-480x336.jpg").read_bytes()


def test_an_unpublished_rendition_is_refused_to_an_anonymous_reader(site):
    response = site.request(site.data["embargoed"])
    assert response.status == 404
    assert response.content != b""
    assert response.getheader("Content-Type").startswith("text/html")


def test_an_unpublished_rendition_goes_to_staff_and_preview_holders_kept_by_no_cache(site):
    url = site.data["embargoed"]
    staff = site.request(url, cookie=site.staff())
    preview = site.request(f"{url}&preview={site.data['preview']}")
    stored = rendition_file(site, "dep-0002", "-w480-480x336.jpg").read_bytes()
    for response in (staff, preview):
        assert response.status == 200
        assert response.getheader("Cache-Control") == PRIVATE
        assert response.getheader("Content-Type") == "image/jpeg"
        assert response.content == stored
    # Nothing of theirs was kept for the next reader.
    assert site.request(url).status == 404


def test_an_unpublished_original_is_downloaded_by_staff_only(site):
    assert site.request("/photos/dep-0002/download/").status == 404
    response = site.request("/photos/dep-0002/download/", cookie=site.staff())
    assert response.status == 200
    assert response.getheader("Cache-Control") == PRIVATE
    assert response.getheader("Content-Disposition") == 'attachment; filename="dep-0002.jpg"'
    original = site.media_root / site.data["embargoed_original"]
    assert response.content == original.read_bytes()


def test_the_media_folder_is_served_to_no_one_by_its_address(site):
    site.request(site.data["embargoed"], cookie=site.staff())  # its rendition is drawn
    site.request(site.data["public"])
    names = [
        site.data["embargoed_original"],
        site.data["public_original"],
        str(rendition_file(site, "dep-0002", ".jpg").relative_to(site.media_root)),
        str(rendition_file(site, "dep-0001", ".jpg").relative_to(site.media_root)),
    ]
    for name in names:
        assert (site.media_root / name).is_file()
        for prefix in ("/media/", "/protected-media/", "/media/../protected-media/"):
            for cookie in (None, site.staff()):
                assert site.request(prefix + name, cookie=cookie).status == 404, prefix + name


def test_a_public_document_is_sent_by_nginx_as_an_attachment_that_never_runs(site):
    pk, name = site.data["public_document"]
    response = site.request(f"/en/documents/{pk}/")
    assert response.status == 200
    assert response.getheader("Content-Type") == "application/pdf"
    disposition = "attachment; filename*=UTF-8''Joint%20communiqu%C3%A9.pdf"
    assert response.getheader("Content-Disposition") == disposition
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    policies = response.getheader("Content-Security-Policy")
    assert "default-src 'none'" in policies and "sandbox" in policies
    assert response.getheader("X-Accel-Redirect") is None
    assert response.content == (site.media_root / name).read_bytes()


def test_a_drafts_document_is_sent_to_staff_only_and_never_by_its_address(site):
    pk, name = site.data["draft_document"]
    assert (site.media_root / name).is_file()
    assert site.request(f"/documents/{pk}/").status == 404
    assert site.request(f"/en/documents/{pk}/").status == 404
    staff = site.request(f"/documents/{pk}/", cookie=site.staff())
    assert staff.status == 200
    assert staff.getheader("Cache-Control") == PRIVATE
    assert staff.content == (site.media_root / name).read_bytes()
    for prefix in ("/media/", "/protected-media/", "/media/../protected-media/"):
        for cookie in (None, site.staff()):
            assert site.request(prefix + name, cookie=cookie).status == 404, prefix + name
    # Nothing of the staff's answer was kept for the next reader.
    assert site.request(f"/documents/{pk}/").status == 404


def test_a_flood_of_requests_for_a_new_rendition_is_drawn_once_across_processes(site):
    # Straight to gunicorn's four processes, all at once: nginx would queue them itself.
    url, start = site.data["public_card"], threading.Barrier(16)

    def fetch(_):
        start.wait()
        return site.request(url, port=site.app_port)

    with ThreadPoolExecutor(16) as pool:
        responses = list(pool.map(fetch, range(16)))
    assert [r.status for r in responses] == [200] * 16
    assert len({r.getheader("X-Accel-Redirect") for r in responses}) == 1
    drawn = [
        line
        for line in site.log.read_text().splitlines()
        if "Drew rendition renditions/dep-0001/" in line and "-card-" in line
    ]
    assert len(drawn) == 1, drawn
    assert len(list((site.media_root / "renditions" / "dep-0001").glob("*-card-*"))) == 1


def test_a_request_larger_than_a_photo_is_refused_by_nginx_before_the_app(site):
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
    connection.putrequest("POST", "/admin/releases/photo/add/", skip_host=True)
    connection.putheader("Host", "localhost")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(400 * 1024 * 1024))
    connection.endheaders()
    response = connection.getresponse()
    connection.close()
    assert response.status == 413


def test_a_release_form_with_several_documents_gets_past_nginx(site):
    # 40 MB: more than a photo's form may be, as two documents at 20 MB each are.
    size = 40 * 1024 * 1024
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=60)
    connection.putrequest("POST", "/admin/releases/release/add/", skip_host=True)
    connection.putheader("Host", "localhost")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(size))
    connection.endheaders()
    chunk = b"\0" * (1024 * 1024)
    for _ in range(size // len(chunk)):
        connection.send(chunk)
    response = connection.getresponse()
    content = response.read()
    connection.close()
    # The app answers (the body is no form: its own 400 page), not nginx with a 413.
    assert response.status == 400
    assert b'<html lang="uk"' in content
