"""How long a search takes on a large archive, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python tests/benchmarks/search_benchmark.py 100000

Creates a database of its own (``mod_press_bench_search``, on the server DATABASE_URL
names), fills it with N public releases in both languages and their search documents
(bulk inserts, not the importer): about 2,500 characters a language, made of the demo
releases' sentences, with a city, a colonel's surname (one of 200, most unknown to the
dictionaries) and a number in every title. Then runs typical queries the way the search
page does: the public releases with the page's select_related, prefetch_related and
distinct(), ``search()``, the paginator's count and page, and a snippet per result.
Prints p50 and p95 per query, then drops the database (``--keep`` keeps it, and uses it
next time when it holds N releases). Not part of the test suite: timings vary.

Every release here is complete in both languages; its stored completeness flags say
so, as ``refresh_completeness()`` would (bulk inserts send no signals), so that
``Release.objects.public()`` finds them all.
"""

import json
import os
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

NAME = "mod_press_bench_search"
RUNS = 30
BATCH = 5000

CITIES = [
    ("Києві", "Kyiv"),
    ("Львові", "Lviv"),
    ("Харкові", "Kharkiv"),
    ("Одесі", "Odesa"),
    ("Дніпрі", "Dnipro"),
    ("Вінниці", "Vinnytsia"),
    ("Брюсселі", "Brussels"),
    ("Вашингтоні", "Washington"),
    ("Вільнюсі", "Vilnius"),
    ("Варшаві", "Warsaw"),
    ("Берліні", "Berlin"),
    ("Осло", "Oslo"),
    ("Таллінні", "Tallinn"),
    ("Празі", "Prague"),
    ("Римі", "Rome"),
    ("Парижі", "Paris"),
]
_STEMS = """
    Бойч Гнат Дорош Жур Заруб Карп Лук Мирош Нестер Остап Павл Рудн Савч Тарас Устим Федор
    Хом Циб Шап Ярем
"""
STEMS = _STEMS.split()
ENDINGS = ["енко", "ук", "ишин", "ович", "евич", "ак", "ин", "ів", "ун", "ицький"]

QUERIES = [
    # (language, query, page): common words, a deep page, cities, two words, rare words.
    ("uk", "Україна", 1),
    ("uk", "оборона", 1),
    ("uk", "оборона", 40),
    ("uk", "у Києві", 1),
    ("uk", "Харків", 1),
    ("uk", "Данія", 1),
    ("uk", "оборонна промисловість", 1),
    ("uk", "підготовка військових", 1),
    ("uk", "Марта Гнатюк", 1),
    ("uk", "Дорошенка", 1),
    ("uk", "полковник Карпук", 1),
    ("uk", "4321", 1),
    ("uk", "квазар", 1),
    ("en", "Ukraine", 1),
    ("en", "defence industry", 1),
    ("en", "training", 40),
    ("en", "Doroshenko", 1),
]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 20]


def pool():
    """Titles, leads and body sentences of the demo releases written in both languages."""
    demo = json.loads((ROOT / "releases/demo/demo.json").read_text(encoding="utf-8"))
    titles, leads, body = [], [], []
    for release in demo["releases"]:
        if not (release["title"].get("en") and release["lead"].get("en")):
            continue
        titles.append((release["title"]["uk"], release["title"]["en"]))
        leads.append((release["lead"]["uk"], release["lead"]["en"]))
        for block in release.get("body", []):
            text = block.get("text")
            if isinstance(text, dict) and text.get("uk") and text.get("en"):
                body += zip(sentences(text["uk"]), sentences(text["en"]), strict=False)
    return titles, leads, body


def surname(n: int) -> tuple[str, str]:
    """The ``n``-th of 200 surnames, in Ukrainian and transliterated."""
    from translitua import translit

    word = f"{STEMS[n % len(STEMS)]}{ENDINGS[n // len(STEMS)]}"
    return word, translit(word)


def release_texts(i: int, rng: random.Random, titles, leads, body):
    title_uk, title_en = rng.choice(titles)
    lead_uk, lead_en = rng.choice(leads)
    city_uk, city_en = rng.choice(CITIES)
    name_uk, name_en = surname(rng.randrange(len(STEMS) * len(ENDINGS)))
    chosen = rng.sample(body, 16)
    return {
        "title": (f"{title_uk} ({i})", f"{title_en} ({i})"),
        "lead": (lead_uk, lead_en),
        "paragraphs": [
            (
                " ".join(uk for uk, _en in chosen[:8]) + f" Зустріч відбулася у {city_uk}.",
                " ".join(en for _uk, en in chosen[:8]) + f" The meeting took place in {city_en}.",
            ),
            (
                " ".join(uk for uk, _en in chosen[8:]) + f" Доповідав полковник {name_uk}.",
                " ".join(en for _uk, en in chosen[8:]) + f" Colonel {name_en} reported.",
            ),
        ],
    }


def gin_indexes(cursor):
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes "
        "WHERE tablename = 'releases_searchdocument' AND indexdef LIKE '%USING gin%'"
    )
    return cursor.fetchall()


def fill(count: int):
    """N releases with two paragraphs each and their documents, in batches of BATCH."""
    from django.db import connection, transaction

    from releases.models import Block, Release
    from releases.search import lemma_text, write_documents

    titles, leads, body = pool()
    rng = random.Random(20250220)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    lemmatised = {}

    def lemma_string(text, language):
        # Texts are made of the same sentences: reduce each sentence once.
        if (text, language) not in lemmatised:
            lemmatised[text, language] = lemma_text(text, language).strip()
        return lemmatised[text, language]

    started = time.perf_counter()
    with connection.cursor() as cursor:
        # As for any bulk load: the GIN indexes are built once, at the end.
        indexes = gin_indexes(cursor)
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    for first in range(0, count, BATCH):
        texts = [
            release_texts(i, rng, titles, leads, body)
            for i in range(first, min(first + BATCH, count))
        ]
        with transaction.atomic():
            releases = Release.objects.bulk_create(
                Release(
                    key=f"bench-{first + n}",
                    slug_uk=f"bench-{first + n}",
                    slug_en=f"bench-{first + n}-en",
                    status=Release.Status.PUBLISHED,
                    published_at=start + timedelta(minutes=50 * (first + n)),
                    title_uk=text["title"][0],
                    title_en=text["title"][1],
                    lead_uk=text["lead"][0],
                    lead_en=text["lead"][1],
                    complete_uk=True,
                    complete_en=True,
                )
                for n, text in enumerate(texts)
            )
            Block.objects.bulk_create(
                Block(
                    release=release,
                    position=position,
                    kind=Block.Kind.PARAGRAPH,
                    text_uk=uk,
                    text_en=en,
                )
                for release, text in zip(releases, texts, strict=True)
                for position, (uk, en) in enumerate(text["paragraphs"], start=1)
            )
            write_documents(
                [
                    (
                        release.pk,
                        language,
                        {
                            "title": f" {lemma_string(text['title'][column], language)} ",
                            "lead": f" {lemma_string(text['lead'][column], language)} ",
                            "body": " "
                            + " ".join(
                                lemma_string(p[column], language) for p in text["paragraphs"]
                            )
                            + " ",
                        },
                    )
                    for release, text in zip(releases, texts, strict=True)
                    for column, language in enumerate(("uk", "en"))
                ]
            )
        print(f"\r{first + len(texts)} releases", end="", flush=True)
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('releases_searchdocument'))")
        size = cursor.fetchone()[0]
    print(f", made in {time.perf_counter() - started:.0f} s; search documents: {size}")


def measure(language, query, page, public):
    """Run ``query`` RUNS times on ``public(language)``: (found, p50 ms, p95 ms)."""
    from django.core.paginator import Paginator
    from django.utils import translation

    from releases.search import search, snippet

    timings = []
    with translation.override(language):
        for _run in range(RUNS + 2):
            started = time.perf_counter()
            # As the search page builds it.
            releases = public(language).select_related("hero_photo").prefetch_related("blocks")
            paginator = Paginator(search(releases, query, language), 10)
            found = paginator.count
            for release in paginator.get_page(page).object_list:
                snippet(release, query, language)
            timings.append((time.perf_counter() - started) * 1000)
    timings = timings[2:]  # the first runs warm the caches
    p95 = statistics.quantiles(timings, n=20, method="inclusive")[18]
    return found, statistics.median(timings), p95


def main(count: int, keep: bool = False):
    import environ

    url = environ.Env.db_url_config(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    if "postgresql" not in url["ENGINE"]:
        sys.exit("The search benchmark needs PostgreSQL: set DATABASE_URL.")
    connect = {"host": url["HOST"], "port": url["PORT"] or 5432, "user": url["USER"]}
    connect["password"] = url.get("PASSWORD") or None
    password = quote(url.get("PASSWORD") or "", safe="")
    os.environ["DATABASE_URL"] = (
        f"postgres://{quote(url['USER'], safe='')}:{password}@{url['HOST']}:{connect['port']}"
        f"/{NAME}"
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "mod_press.settings.dev"
    os.environ["DEBUG"] = "false"

    import psycopg

    with psycopg.connect(dbname=url["NAME"], autocommit=True, **connect) as conn:
        exists = conn.execute(f"SELECT 1 FROM pg_database WHERE datname = '{NAME}'").fetchone()
        if exists and not keep:
            conn.execute(f"DROP DATABASE {NAME} WITH (FORCE)")
        if not (exists and keep):
            conn.execute(f"CREATE DATABASE {NAME}")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from releases.models import Release

        call_command("migrate", verbosity=0)
        if Release.objects.count() != count:
            Release.objects.all().delete()
            fill(count)
        print(f"{count} releases; {RUNS} runs a query; milliseconds")
        print(f"{'query':<27} {'page':>4} {'found':>5} {'p50':>7} {'p95':>7}")
        worst = 0.0
        for language, query, page in QUERIES:
            found, p50, p95 = measure(language, query, page, Release.objects.public)
            worst = max(worst, p95)
            print(f"{language}: {query:<23} {page:>4} {found:>5} {p50:>7.1f} {p95:>7.1f}")
        print(f"highest p95: {worst:.1f} ms")
        connections.close_all()
    finally:
        if not keep:
            with psycopg.connect(dbname=url["NAME"], autocommit=True, **connect) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--keep"]
    main(int(arguments[0]) if arguments else 10000, keep="--keep" in sys.argv)
