"""Load the bundled demo content, with generated photos, through the importer, and a
generated document for one release (documents are not part of the interchange format)."""

import io
import json
import shutil
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

from releases.documents.gate import prepare_document
from releases.languages import in_each_language
from releases.models import Document, PressContacts, Release
from releases.roles import EDITOR, PRESS_OFFICER, TRANSLATOR

DEMO_ROLES = {"officer": PRESS_OFFICER, "editor": EDITOR, "translator": TRANSLATOR}

DEMO_DOCUMENT = Path(__file__).resolve().parents[2] / "demo" / "demo.json"

# Muted colours, one per photo, so the generated pictures are told apart at a glance.
PALETTE = ["#35577d", "#5c7a4e", "#8a5a3c", "#4d4d7a", "#2f6f6f", "#7a4d63", "#6b6b3a"]


# The release that carries the demo's document, and the document's titles.
DOCUMENT_RELEASE = "ua-dk-defence-industry-funding-2024"
DOCUMENT_TITLES = {
    "title_uk": "Текст заяви (демонстраційний документ)",
    "title_en": "Text of the statement (demonstration document)",
}


def write_pdf() -> bytes:
    """A one-page PDF that says it is the demo's document (Latin letters: the standard
    font needs no embedding)."""
    import pikepdf

    document = pikepdf.new()
    page = document.add_blank_page(page_size=(595, 842))
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1)
    font.BaseFont = pikepdf.Name.Helvetica
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    text = b"BT /F1 18 Tf 72 760 Td (mod_press demonstration document) Tj ET"
    page.Contents = document.make_stream(text)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def draw_photo(path: Path, index: int, size=(1600, 1067)):
    """A placeholder photograph: a gradient and two shapes, different for every index."""
    base = PALETTE[index % len(PALETTE)]
    image = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(image)
    width, height = size
    r, g, b = image.getpixel((0, 0))
    for y in range(0, height, 8):
        shade = int(40 * y / height)
        draw.rectangle([0, y, width, y + 8], fill=(r + shade, g + shade, b + shade))
    shift = (index * 0.07) % 0.35
    draw.ellipse(
        [width * (0.45 + shift), height * 0.15, width * (0.8 + shift / 2), height * 0.7],
        fill="#d9dde3",
    )
    draw.rectangle(
        [width * (0.05 + shift / 2), height * 0.55, width * (0.45 + shift), height * 0.9],
        fill="#1f2a36",
    )
    image.save(path, "JPEG", quality=82)


class Command(BaseCommand):
    help = "Load the demo press releases (safe to run again) and create a demo administrator."

    def add_arguments(self, parser):
        parser.add_argument("--no-user", action="store_true", help="Do not create the demo admin.")
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Load the demo again even if it is there, undoing edits made to it.",
        )

    def handle(self, *args, **options):
        document = json.loads(DEMO_DOCUMENT.read_text(encoding="utf-8"))
        keys = [release["key"] for release in document["releases"]]
        if not options["reload"] and Release.objects.filter(key__in=keys).exists():
            # make run calls this every time: edits made to the demo in the admin stay.
            if options["verbosity"] >= 1:
                self.stdout.write("The demo content is already loaded (--reload restores it).")
        else:
            self.load(document, options["verbosity"])
        self.load_contacts(document.get("press_contacts"), reload=options["reload"])
        if not options["no_user"]:
            self.ensure_admin()

    def load(self, document, verbosity):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            shutil.copy(DEMO_DOCUMENT, folder / "demo.json")
            for index, photo in enumerate(document.get("photos", [])):
                target = folder / photo["file"]
                target.parent.mkdir(parents=True, exist_ok=True)
                draw_photo(target, index)
            call_command("import_releases", folder / "demo.json", verbosity=verbosity)
        self.load_document()

    def load_document(self):
        """The demo's one document, through the gate as an upload in the admin goes."""
        release = Release.objects.filter(key=DOCUMENT_RELEASE).first()
        if release is None or release.documents.exists():
            return
        prepared = prepare_document("statement.pdf", write_pdf())
        document = Document(
            release=release, kind=prepared.kind, size=len(prepared.content), **DOCUMENT_TITLES
        )
        document.file.save(
            f"statement{prepared.extension}", ContentFile(prepared.content), save=False
        )
        document.save()

    def load_contacts(self, contacts, *, reload):
        """The press office's contacts page, unless one is written already."""
        if not contacts or (PressContacts.objects.exists() and not reload):
            return
        values = {"phones": contacts["phones"], "email": contacts["email"]}
        for field in PressContacts.TEXTS:
            values.update(in_each_language(field, contacts[field]))
        PressContacts.objects.update_or_create(singleton=True, defaults=values)

    def ensure_admin(self):
        """An administrator and one account per role, each with its name as password."""
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.org", "admin")
            self.stdout.write(self.style.SUCCESS("Created the demo administrator admin / admin."))
        for username, role in DEMO_ROLES.items():
            if User.objects.filter(username=username).exists():
                continue
            user = User.objects.create_user(
                username, f"{username}@example.org", username, is_staff=True
            )
            user.groups.add(Group.objects.get(name=role))
            self.stdout.write(self.style.SUCCESS(f"Created {username} / {username} ({role})."))
