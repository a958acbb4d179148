"""How fast the public site answers, from the app alone and through nginx, in one run.

    make bench                                   # 10,000 releases
    .venv/bin/python tests/benchmarks/site_benchmark.py --releases 300 --duration 3s

Builds N published releases (about 630 words each in Ukrainian and in English, with
officials, partner countries, tags and photos) in a PostgreSQL database of its own,
``mod_press_bench``, with bulk inserts, then indexes them for search. It is dropped at the
end; ``--reuse`` keeps it and uses it next time instead of building it again.

The site is served as in production: gunicorn (2 sync workers) with the production
settings and Redis as the cache (database 15, emptied before each measurement), and
Debian's nginx with the shipped configuration in front (``tests/stack.py``). For each page
it prints, for each way of serving it:

- the first request after the caches were emptied (cold) and the second (warm), in ms;
- requests per second, median and 99th percentile latency under load (wrk, warm);
- SQL queries per request, cold and warm, counted in-process by Django's test client.

The ways: the app without its page cache (PAGE_CACHE=off) and with it, each alone and
through nginx's micro-cache, and the same bytes as the Ukrainian release page as a static
file from nginx, the ceiling. Everything runs on this machine and only on 127.0.0.1; wrk
shares the processors with what it measures, so compare figures of one run.
"""

import argparse
import inspect
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests import stack  # noqa: E402

DATABASE = "mod_press_bench"
REDIS_URL = "redis://127.0.0.1:6379/15"
# How the app runs: with no cache at all (every request renders everything), with the
# page cache off (a page-cache miss, as after a publish: unchanged releases keep their
# article), and with it on. nginx is measured in front of the last two.
MODES = {
    "none": ("app, no cache at all", {"PAGE_CACHE": "off", "ARTICLE_CACHE": "false"}),
    "off": ("app, page cache off", {"PAGE_CACHE": "off"}),
    "on": ("app, page cache on", {"PAGE_CACHE": "on"}),
}
PAGE_NAMES = [
    "release (uk)",
    "release (en)",
    "list, page 1",
    "list, page 400",
    "search «оборони»",
    "search «Києві»",
    "home",
    "tag",
    "RSS feed",
]

TEXT_UK = (
    "міністерство оборони україни заступник міністра зустрівся делегацією партнерів "
    "обговорили співпрацю оборонної промисловості постачання техніки підготовки військових "
    "країни партнери підтримка допомога безпеки посилення спроможностей сил оборони "
    "у києві відбулася зустріч міністр наголосив важливості спільних проєктів виробництва "
    "боєприпасів протиповітряної артилерії дронів розмінування навчання інструкторів "
    "україна продовжує реформи відповідно стандартів нато прозорості закупівель "
    "сторони домовилися продовжити діалог підписали меморандум про взаєморозуміння "
    "делегація відвідала підприємства оборонно промислового комплексу ознайомилася "
    "новими зразками озброєння київ львів одеса харків дніпро запоріжжя"
)
TEXT_EN = (
    "the ministry of defence of ukraine deputy minister met a delegation of partners "
    "discussed cooperation defence industry supply of equipment training of servicemen "
    "partner countries support assistance security strengthening capabilities of the "
    "armed forces in kyiv a meeting took place minister stressed importance of joint "
    "projects production of ammunition air defence artillery drones demining training "
    "instructors ukraine continues reforms in line with nato standards transparency of "
    "procurement the sides agreed to continue dialogue signed a memorandum of "
    "understanding delegation visited enterprises of the defence industrial complex"
)
WORDS_UK, WORDS_EN = TEXT_UK.split(), TEXT_EN.split()
# Words the searches look for, sprinkled in so that they find a realistic share.
SEARCHED_UK = ["оборони", "Києві"]
COUNTRIES = ["NO", "PL", "LT", "EE", "DK", "FI", "SE", "DE", "FR", "GB", "US", "CA", "NL"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, default=10_000, help="releases to build")
    parser.add_argument("--reuse", action="store_true", help="keep and reuse the database")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (-t)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (-c)")
    parser.add_argument("--duration", default="10s", help="wrk duration per page (-d)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="the PostgreSQL server, without a database name",
    )
    parser.add_argument(
        "--folder",
        type=Path,
        default=Path(tempfile.gettempdir()) / "mod_press_bench",
        help="media, static files, logs and nginx's files",
    )
    parser.add_argument(
        "--pages",
        nargs="+",
        choices=PAGE_NAMES,
        metavar="PAGE",
        help=f"measure only these pages (of: {', '.join(repr(name) for name in PAGE_NAMES)})",
    )
    parser.add_argument("--count-queries", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


# The data set -------------------------------------------------------------------------------


def words(rng, vocabulary, count, extra=()):
    chosen = rng.choices(vocabulary, k=count)
    for word in extra:
        chosen[rng.randrange(count)] = word
    return " ".join(chosen)


def sentence_case(text):
    return text[:1].upper() + text[1:] + "."


def jpeg(colour, size=(1600, 1067)):
    from PIL import Image

    across = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (across, Image.new("L", size, colour), across.rotate(180)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def build(count: int):
    """Fill the database with ``count`` releases, fast: bulk inserts, then the index."""
    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.utils import timezone

    from releases import search
    from releases.models import Block, Country, Official, Photo, Position, Release, Tag
    from releases.models.tags import TaggedRelease

    rng = random.Random(2025)
    started = time.perf_counter()
    with transaction.atomic():
        countries = [Country.objects.get_or_create(code=code)[0] for code in COUNTRIES]
        officials = Official.objects.bulk_create(
            Official(
                key=f"official-{i}",
                name_uk=f"Посадовець Номер{i}",
                name_en=f"Official Number{i}",
                slug_uk=f"posadovets-{i}",
                slug_en=f"official-{i}",
            )
            for i in range(100)
        )
        Position.objects.bulk_create(
            Position(
                official=official,
                title_uk="заступник міністра оборони",
                title_en="Deputy Minister of Defence",
                organisation_uk="Міністерство оборони",
                organisation_en="Ministry of Defence",
                country=countries[i % len(countries)],
                start=timezone.localdate() - timedelta(days=3650),
            )
            for i, official in enumerate(officials)
        )
        tags = Tag.objects.bulk_create(
            Tag(
                name_uk=f"Тема {i}",
                name_en=f"Topic {i}",
                slug_uk=f"tema-{i}",
                slug_en=f"topic-{i}",
            )
            for i in range(60)
        )
        photos = []
        for i in range(40):
            photo = Photo(
                code=f"bench-{i:04d}",
                alt_uk=f"Фото {i}",
                alt_en=f"Photo {i}",
                caption_uk=f"Підпис {i}",
                caption_en=f"Caption {i}",
                credit_uk="Міноборони",
                credit_en="Ministry of Defence",
            )
            photo.image.save(f"bench-{i:04d}.jpg", ContentFile(jpeg(i * 6)), save=False)
            photo.save()
            photos.append(photo)
    now = timezone.now()
    batch = 500
    for first in range(0, count, batch):
        with transaction.atomic():
            releases = []
            for i in range(first, min(count, first + batch)):
                title_uk = sentence_case(words(rng, WORDS_UK, 10))
                releases.append(
                    Release(
                        key=f"bench-{i}",
                        title_uk=title_uk,
                        title_en=sentence_case(words(rng, WORDS_EN, 10)),
                        lead_uk=sentence_case(words(rng, WORDS_UK, 30)),
                        lead_en=sentence_case(words(rng, WORDS_EN, 30)),
                        slug_uk=f"reliz-{i}",
                        slug_en=f"release-{i}",
                        status=Release.Status.PUBLISHED,
                        published_at=now - timedelta(minutes=37 * (count - i)),
                        hero_photo=photos[i % len(photos)],
                    )
                )
            releases = Release.objects.bulk_create(releases)
            blocks, listed, partners, tagged = [], [], [], []
            for release in releases:
                i = int(release.key.rsplit("-", 1)[1])
                quoted = officials[i % len(officials)]
                for position in range(6):
                    extra = SEARCHED_UK if rng.random() < 0.3 else ()
                    blocks.append(
                        Block(
                            release=release,
                            position=position,
                            kind=Block.Kind.PARAGRAPH,
                            text_uk=sentence_case(words(rng, WORDS_UK, 95, extra)),
                            text_en=sentence_case(words(rng, WORDS_EN, 95)),
                        )
                    )
                blocks.append(
                    Block(
                        release=release,
                        position=6,
                        kind=Block.Kind.QUOTE,
                        official=quoted,
                        text_uk=sentence_case(words(rng, WORDS_UK, 20)),
                        text_en=sentence_case(words(rng, WORDS_EN, 20)),
                    )
                )
                blocks.append(
                    Block(
                        release=release,
                        position=7,
                        kind=Block.Kind.PHOTO,
                        photo=photos[(i + 7) % len(photos)],
                    )
                )
                for official in (quoted, officials[(i * 7 + 3) % len(officials)]):
                    listed.append(Release.officials.through(release=release, official=official))
                for k in (i % len(countries), (i + 5) % len(countries)):
                    partners.append(
                        Release.countries.through(release=release, country=countries[k])
                    )
                for k in {i % len(tags), (i * 3 + 1) % len(tags), (i * 11 + 2) % len(tags)}:
                    tagged.append(TaggedRelease(content_object=release, tag=tags[k]))
            Block.objects.bulk_create(blocks)
            Release.officials.through.objects.bulk_create(listed, ignore_conflicts=True)
            Release.countries.through.objects.bulk_create(partners, ignore_conflicts=True)
            TaggedRelease.objects.bulk_create(tagged)
        progress("inserted", min(count, first + batch), count, started)
    if hasattr(Release.objects.all(), "refresh_completeness"):
        Release.objects.all().refresh_completeness(only_stale=False)
    started = time.perf_counter()
    index_releases = getattr(search, "index_releases", None)
    if index_releases is not None:
        required = [
            p
            for p in inspect.signature(index_releases).parameters.values()
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        index_releases(Release.objects.all()) if required else index_releases()
    else:
        for done, release in enumerate(Release.objects.order_by("pk").iterator(), start=1):
            search.index_release(release)
            if done % 250 == 0 or done == count:
                progress("indexed", done, count, started)
    print(file=sys.stderr)
    # As after any bulk load: statistics for the planner, which autovacuum would gather
    # only later (without them, a release's 8 blocks were planned as 3,000 rows).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def progress(what, done, total, started):
    print(
        f"\r  {what} {done}/{total} ({time.perf_counter() - started:.0f} s)",
        end="",
        file=sys.stderr,
        flush=True,
    )


def pages() -> dict[str, str]:
    """The addresses of the pages measured, found in the data set."""
    from django.conf import settings

    from releases.models import Release, Tag

    middle = Release.objects.order_by("-published_at")[Release.objects.count() // 2]
    last_page = max(1, -(-Release.objects.count() // settings.RELEASES_PER_PAGE))
    quote = urllib.parse.quote
    return dict(
        zip(
            PAGE_NAMES,
            [
                f"/releases/{middle.slug_uk}/",
                f"/en/releases/{middle.slug_en}/",
                "/releases/",
                f"/releases/?page={min(400, last_page)}",
                f"/search/?q={quote('оборони')}",
                f"/search/?q={quote('Києві')}",
                "/",
                f"/tags/{Tag.objects.order_by('pk').first().slug_uk}/",
                "/feeds/rss/",
            ],
            strict=True,
        )
    )


# Measuring ----------------------------------------------------------------------------------


def flush_cache():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def count_queries():
    """In a process of its own (the page cache is read from the environment at start)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    result = {"page_cache_setting": getattr(settings, "PAGE_CACHE_ENABLED", None), "pages": {}}
    for name, path in pages().items():
        flush_cache()
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            counts.append(len(queries))
        result["pages"][name] = counts
    print(json.dumps(result))


def timed_get(url) -> tuple[float, bytes]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, body


LATENCY_UNITS = {"us": 0.001, "ms": 1, "s": 1000}


def wrk(url, args) -> dict:
    result = subprocess.run(
        [
            "wrk",
            "--latency",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout

    def latency(percentile):
        match = re.search(rf"^\s*{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        return float(match.group(1)) * LATENCY_UNITS[match.group(2)] if match else None

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(rate.group(1)) if rate else None,
        "p50": latency(50),
        "p99": latency(99),
        "errors": int(errors.group(1)) if errors else 0,
    }


def number(value, digits=1):
    return "—" if value is None else f"{value:.{digits}f}"


def settle(app_url):
    """Wait until the app has worked off the requests wrk left queued when it stopped."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        elapsed, _body = timed_get(app_url + "/robots.txt")
        if elapsed < 50:
            return
        time.sleep(0.2)


def measure(label, base_url, app_url, paths, queries, args, have_wrk, rows):
    """First and second request of each page with empty caches, then each page under load."""
    settle(app_url)
    single = {}
    for name, path in paths.items():
        flush_cache()
        single[name] = (timed_get(base_url + path)[0], timed_get(base_url + path)[0])
    for name, path in paths.items():
        settle(app_url)
        load = wrk(base_url + path, args) if have_wrk else {}
        counted = queries.get(name) if queries else None
        rows.append((name, label, *single[name], load, counted))
        print_row(rows[-1], file=sys.stderr)


HEADER = (
    f"{'page':<18} {'served by':<28} {'cold ms':>8} {'warm ms':>8} {'req/s':>9} "
    f"{'p50 ms':>8} {'p99 ms':>8} {'queries':>9}"
)


def print_row(row, file=None):
    name, label, cold, warm, load, counted = row
    queries = f"{counted[0]}/{counted[1]}" if counted else "—"
    errors = f"  ({load['errors']} non-2xx)" if load.get("errors") else ""
    print(
        f"{name:<18} {label:<28} {number(cold):>8} {number(warm):>8} "
        f"{number(load.get('rps'), 0):>9} {number(load.get('p50'), 2):>8} "
        f"{number(load.get('p99'), 2):>8} {queries:>9}{errors}",
        file=file or sys.stdout,
        flush=True,
    )


# The run ------------------------------------------------------------------------------------


def postgres(url: str, statement: str):
    import psycopg

    with psycopg.connect(url + "/postgres", autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else None


def main():
    args = parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    database_url = f"{args.postgres}/{DATABASE}"
    base_env = stack.production_environment(
        args.folder, database_url, CACHE_URL=REDIS_URL, LOG_LEVEL="ERROR"
    )
    if args.count_queries:
        os.environ.update({k: v for k, v in base_env.items() if k != "PATH"})
        os.environ.update(MODES[os.environ.get("BENCH_MODE", "off")][1])
        import django

        django.setup()
        count_queries()
        return

    have_wrk = shutil.which("wrk") is not None
    have_nginx = stack.nginx_binary() is not None
    missing = [name for name, ok in (("wrk", have_wrk), ("nginx-light", have_nginx)) if not ok]
    if missing:
        print(
            f"NOTE: {', '.join(missing)} missing: apt-get install {' '.join(missing)}\n"
            + ("  without wrk: no requests/s or latency under load\n" if not have_wrk else "")
            + ("  without nginx: no figures through nginx\n" if not have_nginx else ""),
            flush=True,
        )
    try:
        flush_cache()
    except Exception as error:
        sys.exit(f"Redis does not answer at {REDIS_URL} ({error}): apt-get install redis-server")
    try:
        exists = postgres(args.postgres, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'")
    except Exception as error:
        sys.exit(f"PostgreSQL does not answer at {args.postgres} ({error})")

    if exists and not args.reuse:
        postgres(args.postgres, f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
        exists = False
    if not exists:
        postgres(args.postgres, f'CREATE DATABASE "{DATABASE}"')
        shutil.rmtree(args.folder / "media", ignore_errors=True)
    os.environ.update({k: v for k, v in base_env.items() if k != "PATH"})
    started = time.perf_counter()
    stack.manage(base_env, "migrate", "--no-input", "-v0")
    import django

    django.setup()
    from releases.models import Release

    built = Release.objects.count()
    if built == 0:
        print(f"Building {args.releases:,} releases in {DATABASE}…", flush=True)
        build(args.releases)
        built = Release.objects.count()
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    elif built != args.releases:
        print(f"NOTE: reusing {DATABASE} with {built:,} releases (not {args.releases:,})")
    stack.manage(base_env, "collectstatic", "--no-input", "-v0")
    paths = pages()
    if args.pages:
        paths = {name: path for name, path in paths.items() if name in args.pages}
    from django.db import connections

    connections.close_all()

    queries = {}
    for mode in MODES:
        env = {**os.environ, "BENCH_MODE": mode}
        output = subprocess.run(
            [
                sys.executable,
                __file__,
                "--count-queries",
                "--postgres",
                args.postgres,
                "--folder",
                str(args.folder),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        queries[mode] = json.loads(output.strip().splitlines()[-1])

    print(
        f"\n{built:,} releases; wrk -t{args.threads} -c{args.connections} -d{args.duration}; "
        f"gunicorn 2 sync workers; {os.cpu_count()} processors"
    )
    if queries["on"]["page_cache_setting"] is None:
        print("NOTE: no PAGE_CACHE_ENABLED setting in this version: the app has no page cache.")
    print(HEADER, file=sys.stderr)
    rows = []
    logs = args.folder / "logs"
    logs.mkdir(exist_ok=True)
    for mode, (label, variables) in MODES.items():
        app_port = stack.free_port()
        env = {**base_env, **variables}
        with stack.gunicorn(env, app_port, logs / f"gunicorn-{mode}.log", workers=2):
            app = f"http://127.0.0.1:{app_port}"
            for path in paths.values():  # both workers have served each page once
                for _ in range(2):
                    timed_get(app + path)
            measure(label, app, app, paths, queries[mode]["pages"], args, have_wrk, rows)
            if have_nginx and mode != "none":
                web_port = stack.free_port()
                folder = args.folder / f"nginx-{mode}"
                shutil.rmtree(folder, ignore_errors=True)
                # The baseline: a copy of a page as a file nginx sends itself (the media
                # folder is served only through the app's checks).
                baseline = args.folder / "baseline" / "release-page.html"
                static_copy = f"location = /baseline/release-page.html {{ alias {baseline}; }}"
                with stack.nginx(
                    folder,
                    web_port,
                    app_port,
                    args.folder / "media",
                    workers=2,
                    extra_locations=static_copy,
                ):
                    web = f"http://127.0.0.1:{web_port}"
                    measure(
                        "nginx → " + label,
                        web,
                        app,
                        paths,
                        queries[mode]["pages"],
                        args,
                        have_wrk,
                        rows,
                    )
                    if mode == "on" and "release (uk)" in paths:
                        _ms, page = timed_get(app + paths["release (uk)"])
                        baseline.parent.mkdir(parents=True, exist_ok=True)
                        baseline.write_bytes(page)
                        measure(
                            "nginx, static file",
                            web,
                            app,
                            {"release (uk)": "/baseline/release-page.html"},
                            None,
                            args,
                            have_wrk,
                            rows,
                        )
    print("queries: per request, cold/warm\n")
    print(HEADER)
    for name in PAGE_NAMES:
        for row in rows:
            if row[0] == name:
                print_row(row)
    if missing:
        print(f"\nNOTE: figures missing without {', '.join(missing)}.")
    if not args.reuse:
        postgres(args.postgres, f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
        shutil.rmtree(args.folder, ignore_errors=True)


if __name__ == "__main__":
    main()
