"""When the database is slow or gone: a 503 page in the page's language, then recovery.

The app runs as deployed (gunicorn, the production settings, ``tests/stack.py``) and meets
a real outage: a port where nothing listens, or a table another connection has locked.
"""

import contextlib
import http.client
import re
import socket
import subprocess
import sys
import threading
import time

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from . import stack
from .helpers import needs_postgresql, soup_of

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """The collected static files the production settings' manifest storage reads."""
    folder = tmp_path_factory.mktemp("static")
    env = stack.production_environment(
        folder, f"sqlite:///{folder / 'unused.sqlite3'}", STATIC_ROOT=str(folder / "static")
    )
    stack.manage(env, "collectstatic", "--no-input", "-v0")
    return folder / "static"


def postgres_url(port=None) -> str:
    params = connection.settings_dict
    return (
        f"postgres://{params['USER']}:{params['PASSWORD']}@127.0.0.1:"
        f"{port or params['PORT'] or 5432}/{params['NAME']}"
    )


POSTGRESQL_ONLY = "a lock and a statement timeout are PostgreSQL's: run with DATABASE_URL"


class App:
    """gunicorn serving mod_press.wsgi with the production settings, on this machine."""

    def __init__(self, port):
        self.port = port

    def get(self, path, timeout=60):
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        client.request("GET", path, headers={"Host": "localhost"})
        response = client.getresponse()
        response.content = response.read()
        client.close()
        return response


def app_serving(tmp_path, static_root, database_url, **variables):
    env = stack.production_environment(
        tmp_path, database_url, STATIC_ROOT=str(static_root), **variables
    )
    port = stack.free_port()
    return port, stack.gunicorn(env, port, tmp_path / "gunicorn.log", workers=1)


def assert_service_unavailable(response, language):
    assert response.status == 503, (response.status, response.content[:500])
    assert int(response.getheader("Retry-After")) > 0
    assert "no-store" in response.getheader("Cache-Control", "")
    soup = soup_of(response)
    assert soup.html["lang"] == language
    assert settings.SITE_NAME[language] in soup.get_text()
    heading = {"uk": "Сайт тимчасово недоступний", "en": "The site is briefly unavailable"}
    assert soup.h1.get_text(strip=True) == heading[language]


class Forwarder:
    """A TCP relay from ``port`` to PostgreSQL: the database "comes back" when it starts."""

    def __init__(self, port, target):
        self.port, self.target = port, target
        self.server = socket.create_server(("127.0.0.1", port))
        self.server.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while self.running:
            try:
                client, _address = self.server.accept()
            except TimeoutError:
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def pump(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def stop(self):
        self.running = False
        self.thread.join()
        self.server.close()


# The database is gone --------------------------------------------------------------------


@pytest.mark.parametrize("pool", ["true", "false"])
def test_an_unreachable_database_gives_a_503_page_in_the_pages_language(
    tmp_path, static_root, pool
):
    closed = stack.free_port()  # nothing listens there
    port, serving = app_serving(
        tmp_path,
        static_root,
        f"postgres://press@127.0.0.1:{closed}/press",
        DB_POOL=pool,
        DB_POOL_TIMEOUT="2",
    )
    with serving:
        app = App(port)
        assert_service_unavailable(app.get("/"), "uk")
        assert_service_unavailable(app.get("/en/releases/"), "en")
        assert_service_unavailable(app.get("/en/admin/login/"), "en")


@pytest.mark.parametrize("pool", ["true", "false"])
def test_the_site_recovers_when_the_database_comes_back_without_a_restart(
    tmp_path, static_root, pool
):
    needs_postgresql(POSTGRESQL_ONLY)
    relay_port = stack.free_port()
    port, serving = app_serving(
        tmp_path, static_root, postgres_url(relay_port), DB_POOL=pool, DB_POOL_TIMEOUT="2"
    )
    with serving:
        app = App(port)
        assert_service_unavailable(app.get("/en/"), "en")
        relay = Forwarder(relay_port, int(connection.settings_dict["PORT"] or 5432))
        try:
            deadline = time.monotonic() + 40
            while (status := app.get("/en/").status) != 200 and time.monotonic() < deadline:
                time.sleep(0.5)
            assert status == 200
        finally:
            relay.stop()


# A query that waits too long ---------------------------------------------------------------


@pytest.fixture
def locked_releases():
    """Another connection holds an exclusive lock on the releases table until released."""
    needs_postgresql(POSTGRESQL_ONLY)
    holder = psycopg.connect(postgres_url().replace("postgres://", "postgresql://"))
    holder.execute("LOCK TABLE releases_release IN ACCESS EXCLUSIVE MODE")
    yield holder
    holder.rollback()
    holder.close()


def test_a_query_blocked_by_a_lock_gives_a_503_before_the_worker_timeout(
    tmp_path, static_root, locked_releases
):
    port, serving = app_serving(
        tmp_path, static_root, postgres_url(), DB_STATEMENT_TIMEOUT_MS="700"
    )
    with serving:
        app = App(port)
        started = time.monotonic()
        assert_service_unavailable(app.get("/"), "uk")
        assert time.monotonic() - started < 10
        assert_service_unavailable(app.get("/en/feeds/rss/"), "en")
        locked_releases.rollback()  # the lock is gone: the same worker answers again
        assert app.get("/en/").status == 200


def test_management_commands_wait_for_a_lock_longer_than_requests_may(tmp_path, locked_releases):
    env = stack.production_environment(tmp_path, postgres_url(), DB_STATEMENT_TIMEOUT_MS="300")
    threading.Timer(2.0, locked_releases.rollback).start()
    started = time.monotonic()
    output = stack.manage(
        env,
        "shell",
        "-v0",
        "-c",
        "from releases.models import Release; print(Release.objects.count())",
    )
    assert output.strip() == "0"
    assert time.monotonic() - started > 1.5  # it waited for the lock, and was not cancelled


def production_settings(entry: str, **variables) -> str:
    """``entry`` (``wsgi`` or ``manage``): what the process's database options become."""
    show = "print(settings.DATABASES['default']['OPTIONS'].get('options'))"
    env = {
        **stack.production_environment(stack.ROOT, "postgres://press@db:5432/press"),
        **variables,
    }
    if entry == "wsgi":
        command = [
            sys.executable,
            "-c",
            f"import mod_press.wsgi; from django.conf import settings; {show}",
        ]
    else:
        command = [
            sys.executable,
            "manage.py",
            "shell",
            "-v0",
            "-c",
            f"from django.conf import settings; {show}",
        ]
    result = subprocess.run(
        command, cwd=stack.ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_requests_give_up_on_a_query_before_gunicorn_gives_up_on_the_worker():
    dockerfile = (stack.ROOT / "mod_press" / "deploy" / "Dockerfile").read_text()
    worker_timeout = int(re.search(r'"--timeout", "(\d+)"', dockerfile).group(1))
    options = production_settings("wsgi")
    statement_timeout = int(re.fullmatch(r"-c statement_timeout=(\d+)", options).group(1))
    pool_wait = 10  # DB_POOL_TIMEOUT's default: a request may first wait for a connection
    assert statement_timeout + pool_wait * 1000 < worker_timeout * 1000


def test_management_commands_have_no_statement_timeout():
    assert production_settings("manage") == "None"
    assert production_settings("wsgi", DB_STATEMENT_TIMEOUT_MS="1500") == (
        "-c statement_timeout=1500"
    )
