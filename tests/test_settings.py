import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_production_settings(**variables):
    env = {
        "PATH": os.environ["PATH"],
        "ENV_FILE": "/nonexistent/.env",
        "DJANGO_SETTINGS_MODULE": "mod_press.settings.prod",
        **variables,
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("variables", "missing"),
    [
        ({"DATABASE_URL": "postgres://u@db/press"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 50}, "DATABASE_URL"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(variables, missing):
    result = load_production_settings(**variables)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_starts_when_configured():
    result = load_production_settings(
        SECRET_KEY="x" * 50, DATABASE_URL="postgres://u@db/press", ALLOWED_HOSTS="press.example"
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_photos_go_to_object_storage_when_a_bucket_is_configured():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.core.files.storage import storages;"
            "s = storages['default']; print(type(s).__name__, s.bucket_name)",
        ],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "ENV_FILE": "/nonexistent/.env",
            "DJANGO_SETTINGS_MODULE": "mod_press.settings.dev",
            "S3_BUCKET": "press-photos",
            "S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "press-photos"]


def test_healthcheck_passes_when_the_site_answers(db, capsys):
    from django.core.management import call_command

    call_command("healthcheck")
    assert capsys.readouterr().out.strip() == "ok"


def test_development_server_ignores_an_empty_secret_in_a_compose_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=\nALLOWED_HOSTS=press.example.gov.ua\n")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            "print(bool(settings.SECRET_KEY), '127.0.0.1' in settings.ALLOWED_HOSTS)",
        ],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "ENV_FILE": str(env_file),
            "DJANGO_SETTINGS_MODULE": "mod_press.settings.dev",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_production_redirects_to_https_and_sends_hsts_by_default():
    result = load_production_settings(
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://u@db/press",
        ALLOWED_HOSTS="press.example",
    )
    assert result.returncode == 0
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s;"
            "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)",
        ],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "ENV_FILE": "/nonexistent/.env",
            "DJANGO_SETTINGS_MODULE": "mod_press.settings.prod",
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://u@db/press",
        },
        capture_output=True,
        text=True,
    )
    assert check.stdout.split() == ["True", "31536000", "True"]
