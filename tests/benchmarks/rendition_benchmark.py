"""How long the first request of a rendition holds a worker, for a 24-megapixel photo.

    .venv/bin/python tests/benchmarks/rendition_benchmark.py

Makes a 6000×4000 JPEG and a 6000×4000 PNG (gradients with grain, so that they compress
like photographs), stores each as the admin does (cleaned, with its working copy), then
asks the rendition view for every configured size in WebP and JPEG, each for the first
time, through Django's test client: once drawn from the working copy, and once from the
original (the working copy removed) for comparison. Prints the time to store the photo
and, per source, the slowest and the median first request. Not part of the test suite:
timings vary with the machine. SQLite in a temporary folder, or the database
DATABASE_URL names.
"""

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

WIDTH, HEIGHT = 6000, 4000


def photograph(fmt: str) -> bytes:
    from PIL import Image

    across = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    down = Image.linear_gradient("L").rotate(90).resize((WIDTH, HEIGHT))
    grain = Image.effect_noise((WIDTH, HEIGHT), 24)
    image = Image.merge("RGB", (across, down, grain))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"quality": 92} if fmt == "JPEG" else {"compress_level": 6}))
    return buffer.getvalue()


def first_requests(client, photo) -> list[tuple[str, float]]:
    """Time the first request of every rendition of ``photo``; (spec.ext, seconds)."""
    from releases.photos.models import FORMATS

    photo.renditions.all().delete()
    timings = []
    for spec in photo.all_rendition_specs():
        for extension in FORMATS:
            started = time.perf_counter()
            response = client.get(photo.rendition_url(spec, extension))
            timings.append((f"{spec}.{extension}", time.perf_counter() - started))
            assert response.status_code == 200, response.status_code
    return timings


def summary(timings) -> str:
    seconds = [s for _name, s in timings]
    slowest = max(timings, key=lambda t: t[1])
    return (
        f"median {statistics.median(seconds) * 1000:6.0f} ms, "
        f"slowest {slowest[1] * 1000:6.0f} ms ({slowest[0]})"
    )


def main():
    folder = Path(tempfile.mkdtemp())
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "mod_press.settings.dev"
    # A 24-megapixel PNG is larger than the upload limit for the admin; allow it here.
    os.environ["PHOTO_MAX_UPLOAD_BYTES"] = str(200 * 1024 * 1024)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from releases.models import Photo, Release
    from releases.photos.imaging import prepare_photo
    from releases.photos.models import working_long_side

    call_command("migrate", verbosity=0)
    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/")  # a worker that has served a page before, as in production
    print(
        f"photos of {WIDTH}×{HEIGHT} ({WIDTH * HEIGHT / 1e6:.0f} MP); working copies of a "
        f"{working_long_side()}-pixel long side"
    )
    for n, fmt in enumerate(("JPEG", "PNG")):
        data = photograph(fmt)
        started = time.perf_counter()
        photo = Photo(code=f"bench-{n}", alt_uk="Фото", alt_en="Photo")
        photo.store(prepare_photo(f"bench.{fmt.lower()}", data))
        photo.save()
        stored = time.perf_counter() - started
        Release.objects.create(
            title_uk=f"Реліз {n}",
            title_en=f"Release {n}",
            lead_uk="Лід.",
            lead_en="Lead.",
            status=Release.Status.PUBLISHED,
            hero_photo=photo,
        )
        print(
            f"\n{fmt}, {len(data) / 1e6:.1f} MB: cleaned and stored with its working copy "
            f"in {stored * 1000:.0f} ms"
        )
        print(f"  first request, from the working copy: {summary(first_requests(client, photo))}")
        photo.image.storage.delete(photo.working_copy_name())
        print(f"  first request, from the original:     {summary(first_requests(client, photo))}")


if __name__ == "__main__":
    main()
