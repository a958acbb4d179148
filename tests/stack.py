"""The deployed stack on this machine: gunicorn and Debian's nginx with the shipped config.

``tests/test_deployment.py`` and ``tests/benchmarks/site_benchmark.py`` run the same parts
as docker-compose.yml: the app under gunicorn with the production settings, and nginx with
``mod_press/deploy/nginx.conf``, adapted only where the compose network differs from this
machine (the upstream, the media folder, the cache folder, the port). Everything listens on
127.0.0.1.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_NGINX_CONF = ROOT / "mod_press" / "deploy" / "nginx.conf"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(path, os.X_OK)), None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def production_environment(folder: Path, database_url: str, **variables) -> dict[str, str]:
    """The variables docker-compose gives the app, pointed at this machine."""
    return {
        "PATH": os.environ["PATH"],
        "ENV_FILE": "/nonexistent/.env",
        "DJANGO_SETTINGS_MODULE": "mod_press.settings.prod",
        "SECRET_KEY": "local-stack-" + "x" * 40,
        "DATABASE_URL": database_url,
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDIA_ROOT": str(folder / "media"),
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ACCEL_REDIRECT": "true",
        # The stack's staff account signs in with a password: two-step sign-in has tests
        # of its own (test_accounts.py).
        "OTP_REQUIRED": "false",
        "LOG_LEVEL": "WARNING",
        **variables,
    }


def manage(env: dict[str, str], *args: str) -> str:
    """Run ``manage.py`` with ``env``; its output, or an error that shows it."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@contextmanager
def running(command: list[str], env: dict[str, str], port: int, log: Path):
    """Start ``command``, wait until it listens on ``port``, stop it on the way out."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_for_port(port, process)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def gunicorn(env: dict[str, str], port: int, log: Path, workers: int = 2):
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "mod_press.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
    ]
    return running(command, env, port, log)


def nginx_site(port: int, upstream_port: int, media_root: Path, cache_dir: Path) -> str:
    """The shipped server configuration with this machine's addresses and folders."""
    text = SHIPPED_NGINX_CONF.read_text(encoding="utf-8")
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{port};",
        "http://app:8000": f"http://127.0.0.1:{upstream_port}",
        "/srv/media/": f"{media_root}/",
        "/var/cache/nginx/micro": str(cache_dir),
        "/var/log/nginx/access.log": str(cache_dir.parent / "access.log"),
        # Docker's DNS is not here; the upstream is an address, so nothing is looked up.
        "resolver 127.0.0.11": "resolver 127.0.0.1",
    }
    for old, new in replacements.items():
        if old not in text:
            raise ValueError(f"{SHIPPED_NGINX_CONF} no longer contains {old!r}: adapt {__file__}")
        text = text.replace(old, new)
    return text


def nginx(
    folder: Path,
    port: int,
    upstream_port: int,
    media_root: Path,
    workers: int = 1,
    extra_locations: str = "",
):
    """Debian's nginx in the foreground, with the shipped site and its files in ``folder``.

    ``extra_locations`` go into the site's server block (a benchmark's baseline file).
    """
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is missing: apt-get install nginx-light")
    folder.mkdir(parents=True, exist_ok=True)
    site = folder / "site.conf"
    text = nginx_site(port, upstream_port, media_root, folder / "cache")
    if extra_locations:
        head, _end, tail = text.rpartition("}")
        text = f"{head}{extra_locations}\n}}{tail}"
    site.write_text(text)
    temp_paths = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # Run as root (as in the container), nginx's workers read the test's private folders.
    user = "user root;" if os.geteuid() == 0 else ""
    main = folder / "nginx.conf"
    main.write_text(
        f"""daemon off;
{user}
worker_processes {workers};
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
{temp_paths}
    include {site};
}}
"""
    )
    return running(
        [binary, "-p", str(folder), "-c", str(main)], dict(os.environ), port, folder / "nginx.log"
    )
