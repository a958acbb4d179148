import pytest

from .helpers import needs_postgresql, run_python

# The start of a script run by ``python -c`` with the settings loaded.
SETUP = "import django; django.setup(); "
PRODUCTION = {"SECRET_KEY": "x" * 50, "DATABASE_URL": "postgres://u@db/press"}


def load_production_settings(**variables):
    return run_python("-c", SETUP + "print('started')", **variables)


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
    result = run_python(
        "-c",
        SETUP + "from django.core.files.storage import storages;"
        "s = storages['default']; print(type(s).__name__, s.bucket_name)",
        settings="dev",
        S3_BUCKET="press-photos",
        S3_ENDPOINT_URL="http://127.0.0.1:9000",
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
    result = run_python(
        "-c",
        SETUP + "from django.conf import settings;"
        "print(bool(settings.SECRET_KEY), '127.0.0.1' in settings.ALLOWED_HOSTS)",
        settings="dev",
        env_file=str(env_file),
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
    check = run_python(
        "-c",
        SETUP + "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)",
        **PRODUCTION,
    )
    assert check.stdout.split() == ["True", "31536000", "True"]


def production_database_settings(**variables):
    return run_python(
        "-c",
        SETUP + "from django.conf import settings;"
        "db = settings.DATABASES['default'];"
        "print(db['CONN_MAX_AGE'], db['OPTIONS'].get('pool'))",
        **{**PRODUCTION, **variables},
    )


def test_production_pools_database_connections_by_default():
    result = production_database_settings(DB_POOL_MIN_SIZE="2", DB_POOL_MAX_SIZE="6")
    assert result.returncode == 0, result.stderr
    conn_max_age, pool = result.stdout.split(" ", 1)
    # Django refuses persistent connections beside a pool: they must be off.
    assert conn_max_age == "0"
    assert pool.strip() == "{'min_size': 2, 'max_size': 6, 'timeout': 10.0}"


def test_production_keeps_persistent_connections_when_the_pool_is_off():
    result = production_database_settings(DB_POOL="false")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["300", "None"]


def test_production_pool_serves_queries_on_postgresql(db):
    from django.db import connection

    needs_postgresql("the connection pool is PostgreSQL's: run with DATABASE_URL=postgres://…")
    params = connection.settings_dict
    url = (
        f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST'] or '127.0.0.1'}:"
        f"{params['PORT'] or 5432}/{params['NAME']}"
    )
    result = run_python(
        "-c",
        SETUP + "from django.db import connection;"
        "c = connection.cursor(); c.execute('SELECT 1');"
        "print(c.fetchone()[0], type(connection.pool).__name__, connection.pool.max_size)",
        **{**PRODUCTION, "DATABASE_URL": url, "DB_POOL_MAX_SIZE": "3"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "ConnectionPool", "3"]


def deploy_check(**variables):
    return run_python(
        *["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **{
            "SECRET_KEY": "k8Jq-2vR_x9Lw4Zt7Pn3Bd6Hs1Fm5Yc0Ge8Ua2Ki4Ox7Vb9Np3Tr6Wl1Qz5Dj",
            "DATABASE_URL": "postgres://u@db/press",
            "ALLOWED_HOSTS": "press.example.gov.ua",
            **variables,
        },
    )


def test_deploy_check_has_no_warning_when_hsts_covers_subdomains_and_preload():
    result = deploy_check(HSTS_INCLUDE_SUBDOMAINS="true", HSTS_PRELOAD="true")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_has_no_warning_when_the_deployment_declines_both():
    # Saying "false" is a decision as well; check --deploy stops asking for one.
    result = deploy_check(HSTS_INCLUDE_SUBDOMAINS="false", HSTS_PRELOAD="false")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_asks_for_a_decision_on_subdomains_and_preload_by_default():
    result = deploy_check()
    assert result.returncode != 0
    assert "security.W005" in result.stderr
    assert "security.W021" in result.stderr
    assert "security.W0" not in result.stderr.replace("W005", "").replace("W021", "")


def test_hsts_leaves_subdomains_and_the_preload_list_alone_unless_told():
    script = SETUP + (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    default = run_python("-c", script, **PRODUCTION)
    assert default.stdout.split() == ["31536000", "False", "False"], default.stderr
    told = run_python(
        "-c", script, **PRODUCTION, HSTS_INCLUDE_SUBDOMAINS="true", HSTS_PRELOAD="true"
    )
    assert told.stdout.split() == ["31536000", "True", "True"], told.stderr
