"""The deployed stack: the app under gunicorn with the production settings, behind Debian's
nginx running the shipped configuration (``tests/stack.py`` adapts its addresses only)."""

import http.client
import os
import textwrap
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
    import io
    from PIL import Image
    from releases.imaging import prepare_photo
    from releases.models import Photo
    from tests.factories import make_release

    buffer = io.BytesIO()
    Image.new("RGB", (1000, 700), "#335577").save(buffer, "JPEG")
    photo = Photo(code="dep-0001", alt_uk="Опис", alt_en="Description")
    photo.store(prepare_photo("dep.jpg", buffer.getvalue()))
    photo.save()
    release = make_release(hero_photo=photo)
    print(photo.rendition_url("w480", "jpg"))
    """
)


class Site:
    def __init__(self, port: int, media_root: Path, rendition_url: str):
        self.port, self.media_root, self.rendition_url = port, media_root, rendition_url

    def request(self, path, method="GET", cookie=None, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
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


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stack")
    env = stack.production_environment(folder, f"sqlite:///{folder / 'site.sqlite3'}")
    stack.manage(env, "migrate", "--no-input", "-v0")
    stack.manage(env, "collectstatic", "--no-input", "-v0")
    rendition_url = stack.manage(env, "shell", "-c", SITE_DATA).strip().splitlines()[-1]
    app_port, web_port = stack.free_port(), stack.free_port()
    with (
        stack.gunicorn(env, app_port, folder / "gunicorn.log"),
        stack.nginx(folder / "nginx", web_port, app_port, folder / "media"),
    ):
        yield Site(web_port, folder / "media", rendition_url)


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


def test_a_post_is_never_answered_from_the_micro_cache_nor_kept(site):
    path = "/en/search/?q=post"
    posts = [site.request(path, method="POST", body="q=x") for _ in range(2)]
    # The cache is not even looked at: nginx names no cache status.
    assert [cache_status(r) for r in posts] == [None, None]
    assert cache_status(site.request(path)) == "MISS"


def test_a_public_rendition_is_served_by_nginx_with_far_future_caching(site):
    redirect = site.request(site.rendition_url)
    assert redirect.status == 302
    location = redirect.getheader("Location")
    assert location.startswith("/media/renditions/dep-0001/")
    rendition = site.request(location)
    assert rendition.status == 200
    assert rendition.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert rendition.getheader("Content-Type") == "image/jpeg"
    # nginx sent the file itself: the app's answers all pass the micro-cache, which says so.
    assert cache_status(rendition) is None
    assert rendition.content == (site.media_root / location.removeprefix("/media/")).read_bytes()
