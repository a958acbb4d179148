"""How long a large import takes, and how much memory it needs.

    .venv/bin/python tests/benchmarks/import_benchmark.py 10000

Builds a mod-press/1 document of N releases (four blocks each, shared officials, photos
and tags) in a temporary folder, imports it into a fresh SQLite database (or the one
DATABASE_URL names), and prints the time and the peak memory of the process, next to
the memory the parsed document alone takes. Not part of the test suite: timings vary.
"""

import io
import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def build_document(count: int, folder: Path) -> Path:
    from PIL import Image

    (folder / "photos").mkdir()
    photos = []
    for i in range(20):
        buffer = io.BytesIO()
        Image.new("RGB", (1200, 800), (i * 10, 80, 120)).save(buffer, "JPEG")
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
        for i in range(50)
    ]
    releases = []
    for i in range(count):
        texts = {
            "uk": f"Абзац номер {i} про співпрацю з партнерами. " * 5,
            "en": f"Paragraph number {i} about cooperation with partners. " * 5,
        }
        releases.append(
            {
                "key": f"bench-{i}",
                "status": "published",
                "published_at": "2024-05-01T10:00:00+03:00",
                "title": {"uk": f"Реліз номер {i}", "en": f"Release number {i}"},
                "lead": {"uk": f"Лід релізу {i}.", "en": f"Lead of release {i}."},
                "hero_photo": f"b-{i % 20:04d}",
                "body": [
                    {"type": "paragraph", "text": texts},
                    {"type": "quote", "official": f"official-{i % 50}", "text": texts},
                    {"type": "photo", "photo": f"b-{(i + 1) % 20:04d}"},
                    {"type": "paragraph", "text": texts},
                ],
                "officials": [f"official-{i % 50}"],
                "countries": ["NO", "PL"],
                "tags": [{"uk": f"Тема {i % 10}", "en": f"Topic {i % 10}"}],
            }
        )
    path = folder / "releases.json"
    path.write_text(
        json.dumps(
            {
                "format": "mod-press/1",
                "officials": officials,
                "photos": photos,
                "releases": releases,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return path


def main(count: int):
    folder = Path(tempfile.mkdtemp())
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "mod_press.settings.dev"
    import django

    django.setup()
    from django.core.management import call_command

    from releases.interchange import Importer

    call_command("migrate", verbosity=0)
    path = build_document(count, folder)

    tracemalloc.start()
    json.loads(path.read_text(encoding="utf-8"))
    parsed = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    started = time.perf_counter()
    summary = Importer(path).run()
    elapsed = time.perf_counter() - started
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"releases: {summary.created.get('releases', 0)}")
    print(f"document: {path.stat().st_size / 1e6:.1f} MB on disk, {parsed / 1e6:.0f} MB parsed")
    print(f"import: {elapsed:.0f} s ({count / elapsed:.0f} releases a second)")
    print(f"peak memory of the process: {peak_rss:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
