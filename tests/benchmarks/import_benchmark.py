"""How long a large import takes, and how much memory it needs.

    .venv/bin/python tests/benchmarks/import_benchmark.py 10000 [--without-search]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python tests/benchmarks/import_benchmark.py 10000

Writes a mod-press/1 document of N releases of about 630 words in each language (title,
lead, seven paragraphs, two quotes and two photos; sentences drawn from a vocabulary, so
that no two releases read alike) into a temporary folder, imports it into a fresh
database, imports it a second time (nothing to change), and prints the time, the rate
and the peak memory (RSS) of the process. The document is written one release at a
time, so the peak is the import's own.

Without DATABASE_URL the database is a new SQLite file. With a PostgreSQL DATABASE_URL,
a dedicated database (mod_press_bench_import) is created on that server and dropped
afterwards. Not part of the test suite: timings vary from machine to machine.

Search indexing (``releases.search.index_releases``) is timed apart. With
``--without-search`` it is left out, to measure the importer's own work quickly.
"""

import io
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

BENCH_DATABASE = "mod_press_bench_import"
PHOTOS, OFFICIALS, TAGS = 40, 60, 30

UKRAINIAN = """
    міністерство оборони україни заступник міністра партнери партнерів партнерами
    співпраця співпраці співпрацю оборонна оборонної оборонну промисловість промисловості
    зустріч зустрічі делегація делегації делегацією норвегія норвегії польща польщі
    підтримка підтримки підтримку протиповітряна протиповітряної оборона оборони
    боєприпаси боєприпасів виробництво виробництва спільне спільного спільні проєкт
    проєкти проєктів безпека безпеки безпекової міжнародна міжнародної міжнародні
    сторони сторін обговорили обговорено домовилися підписали підписано меморандум
    угода угоди угоду техніка техніки техніку засоби засобів ракети ракет дрони дронів
    командування командуванням збройні збройних сил силами військові військових
    навчання навчань підготовка підготовки фахівці фахівців інструктори інструкторів
    постачання постачань логістика логістики ремонт ремонту обслуговування
    потреби потреб критичні критичних пріоритетні пріоритетних рішення рішень
    уряд уряду парламент парламенту посол посла посольство посольства столиця
    київ києві варшава осло брюссель рамштайн рамштайну коаліція коаліції коаліцій
    фонд фонду фінансування фінансуванням мільйонів мільярдів євро доларів гривень
    року році місяця тижня сьогодні вчора наступного минулого цього кожного
    важливо важливий важливої значний значного суттєво суттєвий значення
    який яка які яких якими що щоб також та і й а але або чи не ні вже ще лише
    для до від на над під при про через після перед між серед з із зі у в
    ми ви вони він вона ми наші наших нашої наша їхні їхніх своїх свою свої
    продовжуємо продовжить посилити посилення розширення розширити зміцнення
    захист захисту захистом цивільне цивільного населення інфраструктура
    інфраструктури енергетична енергетичної відновлення відновленню
    громадяни громадян ветерани ветеранів родини родин реабілітація
    цифровізація цифрових реформа реформи реформ прозорість прозорості
    закупівлі закупівель контракт контракти контрактів агенція агенції
"""

ENGLISH = """
    the ministry of defence of ukraine deputy minister partners partner partnership
    cooperation defence industry industrial meeting meetings delegation delegations
    norway poland support supported supporting air defense defence munitions
    production joint project projects security international sides discussed agreed
    signed memorandum agreement equipment systems missiles drones command armed forces
    military training trainings instructors specialists supply supplies logistics
    repair maintenance needs critical priority priorities decision decisions
    government parliament ambassador embassy capital kyiv warsaw oslo brussels
    ramstein coalition coalitions fund funding million billion euro dollars
    year month week today yesterday next last this every important significant
    which that also and or but not already still only for to from on over under
    at about through after before between among with in we you they he she our
    their its continue continues strengthen strengthening expand expansion
    protection civilian population infrastructure energy recovery citizens
    veterans families rehabilitation digital reform reforms transparency
    procurement contract contracts agency agencies a an of as by is are was were
    will has have had be been this these those new first second third long term
"""


def vocabulary(words: str):
    """The words, and cumulative weights that make early words common (Zipf-like)."""
    words = list(dict.fromkeys(words.split()))
    weights, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1 / rank**0.8
        weights.append(total)
    return words, weights


class Writer:
    """Sentences and paragraphs of plausible length, from a fixed seed."""

    def __init__(self, seed=2025):
        self.random = random.Random(seed)
        self.words = {"uk": vocabulary(UKRAINIAN), "en": vocabulary(ENGLISH)}

    def sentence(self, language, length) -> str:
        words, weights = self.words[language]
        chosen = self.random.choices(words, cum_weights=weights, k=length)
        if length > 9 and self.random.random() < 0.5:
            chosen[self.random.randrange(3, length - 3)] += ","
        return " ".join(chosen).capitalize() + "."

    def text(self, language, words) -> str:
        """About ``words`` words, in sentences of 6 to 18 words."""
        sentences, count = [], 0
        while count < words:
            length = min(self.random.randint(6, 18), max(words - count, 6))
            sentences.append(self.sentence(language, length))
            count += length
        return " ".join(sentences)

    def paragraph(self, language, words) -> str:
        text = self.text(language, words)
        if self.random.random() < 0.3:
            first, _space, rest = text.partition(" ")
            text = f"<strong>{first}</strong> {rest}"
        if self.random.random() < 0.2:
            text += ' <a href="https://www.mil.gov.ua/">mil.gov.ua</a>'
        return text


def releases(count: int, writer: Writer):
    quote_marks = {"uk": ("«", "»"), "en": ("“", "”")}
    for i in range(count):

        def texts(words, make=writer.text):
            return {lang: make(lang, words) for lang in ("uk", "en")}

        def quote(words):
            return {
                lang: f"{quote_marks[lang][0]}{writer.text(lang, words)}{quote_marks[lang][1]}"
                for lang in ("uk", "en")
            }

        body = [{"type": "paragraph", "text": texts(70, writer.paragraph)} for _ in range(7)]
        body.insert(
            2, {"type": "quote", "official": f"official-{i % OFFICIALS}", "text": quote(50)}
        )
        body.insert(4, {"type": "photo", "photo": f"b-{(i + 1) % PHOTOS:04d}"})
        body.append(
            {"type": "quote", "official": f"official-{(i + 7) % OFFICIALS}", "text": quote(50)}
        )
        body.append({"type": "photo", "photo": f"b-{(i + 2) % PHOTOS:04d}"})
        yield {
            "key": f"bench-{i}",
            "status": "published",
            "published_at": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00+02:00",
            "title": texts(10),
            "lead": texts(30),
            "hero_photo": f"b-{i % PHOTOS:04d}",
            "body": body,
            "officials": [f"official-{i % OFFICIALS}", f"official-{(i + 7) % OFFICIALS}"],
            "countries": ["UA", ["NO", "PL", "DE", "FR"][i % 4]],
            "tags": [
                {"uk": f"Тема {t}", "en": f"Topic {t}"} for t in {i % TAGS, (i * 7 + 3) % TAGS}
            ],
        }


def build_document(count: int, folder: Path) -> Path:
    """Write the document release by release, never holding them all."""
    from PIL import Image

    (folder / "photos").mkdir()
    photos = []
    for i in range(PHOTOS):
        buffer = io.BytesIO()
        Image.new("RGB", (1200, 800), (i * 5, 80, 120)).save(buffer, "JPEG")
        (folder / "photos" / f"b-{i:04d}.jpg").write_bytes(buffer.getvalue())
        photos.append(
            {
                "code": f"b-{i:04d}",
                "file": f"photos/b-{i:04d}.jpg",
                "alt": {"uk": f"Фото {i}", "en": f"Photo {i}"},
                "caption": {"uk": f"Підпис {i}", "en": f"Caption {i}"},
            }
        )
    officials = [
        {
            "key": f"official-{i}",
            "name": {"uk": f"Посадовець {i}", "en": f"Official {i}"},
            "positions": [
                {
                    "title": {"uk": "Посада", "en": "Position"},
                    "country": "UA",
                    "start": "2020-01-01",
                }
            ],
        }
        for i in range(OFFICIALS)
    ]
    writer = Writer()
    path = folder / "releases.json"
    with path.open("w", encoding="utf-8") as out:
        out.write('{"format": "mod-press/1",\n')
        out.write(f'"officials": {json.dumps(officials, ensure_ascii=False)},\n')
        out.write(f'"photos": {json.dumps(photos, ensure_ascii=False)},\n')
        out.write('"releases": [\n')
        for i, release in enumerate(releases(count, writer)):
            out.write(("," if i else "") + json.dumps(release, ensure_ascii=False) + "\n")
        out.write("]}\n")
    return path


def words_per_release(path: Path) -> dict[str, int]:
    import ijson

    with path.open("rb") as document:
        release = next(ijson.items(document, "releases.item"))
    counts = {}
    for lang in ("uk", "en"):
        texts = [release["title"][lang], release["lead"][lang]]
        texts += [b["text"][lang] for b in release["body"] if "text" in b]
        counts[lang] = sum(len(t.split()) for t in texts)
    return counts


def bench_database_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def postgres(url: str, statement: str):
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(statement)


def main(count: int, search: bool = True):
    folder = Path(tempfile.mkdtemp())
    url = os.environ.get("DATABASE_URL", "")
    on_postgres = url.startswith(("postgres://", "postgresql://"))
    if on_postgres:
        postgres(url, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        postgres(url, f"CREATE DATABASE {BENCH_DATABASE}")
        os.environ["DATABASE_URL"] = bench_database_url(url)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "mod_press.settings.dev"
    # As in production: with DEBUG on, Django keeps the text of every query it runs.
    os.environ["DEBUG"] = "false"
    try:
        run(count, folder, "PostgreSQL" if on_postgres else "SQLite", search)
    finally:
        if on_postgres:
            from django.db import connections

            connections.close_all()
            postgres(url, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")


def run(count: int, folder: Path, database: str, search: bool):
    import django

    django.setup()
    from django.core.management import call_command

    from releases.interchange import Importer, importer

    call_command("migrate", verbosity=0)
    path = build_document(count, folder)
    words = words_per_release(path)
    # Search indexing is its own module's work: timed apart, so that each part shows.
    importer.index_releases = indexing = Stopwatch(
        importer.index_releases if search else lambda releases: None
    )

    started, cpu_started = time.perf_counter(), time.process_time()
    summary = Importer(path).run()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()[0]

    started = time.perf_counter()
    again = Importer(path).run()
    repeat = time.perf_counter() - started
    assert not again.changed, again

    created = summary.created.get("releases", 0)
    print(f"database: {database}, {os.cpu_count()} cores")
    print(f"document: {count} releases, {path.stat().st_size / 1e6:.0f} MB on disk")
    print(f"words per release: {words['uk']} Ukrainian, {words['en']} English")
    print(f"created: {', '.join(f'{k} {v}' for k, v in summary.created.items())}")
    print(f"import: {elapsed:.0f} s ({created / elapsed:.0f} releases a second)")
    if not search:
        print("  search indexing left out (--without-search)")
    print(f"  of which search indexing (releases.search.index_releases): {indexing.seconds:.0f} s")
    print(
        f"  without it: {elapsed - indexing.seconds:.0f} s "
        f"({created / (elapsed - indexing.seconds):.0f} releases a second)"
    )
    print(
        f"  CPU time of this process: {cpu:.0f} s, {cpu - indexing.cpu:.0f} s without indexing"
        f" (load average at the end: {load:.1f})"
    )
    print(f"import again (nothing to change): {repeat:.0f} s")
    print(f"peak memory of the process (RSS): {peak_rss:.0f} MB")


class Stopwatch:
    """Calls ``function`` and adds up the time it takes, and the processor time."""

    def __init__(self, function):
        self.function, self.seconds, self.cpu = function, 0.0, 0.0

    def __call__(self, *args, **kwargs):
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started
            self.cpu += time.process_time() - cpu_started


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(arguments[0]) if arguments else 1000, search="--without-search" not in sys.argv)
