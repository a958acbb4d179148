"""The site's catalogues: where they are, the checks msgfmt does not make, merging into them."""

import logging
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.utils.translation.reloader import translation_file_changed

from releases import page_cache

logger = logging.getLogger(__name__)


def catalogue_path(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


def reload_catalogues():
    """Forget the translations this process has loaded; they are read again when needed.

    Cached pages carry the old strings, so they are renewed too.
    """
    translation_file_changed(sender=None, file_path=Path("django.mo"))
    page_cache.invalidate()


def save_catalogue(catalogue: polib.POFile, path, header: dict | None = None) -> None:
    """Write ``catalogue`` to ``path`` in the layout ``make messages`` writes.

    polib wraps long lines its own way (a space at the start of the next line, at 78
    columns); GNU gettext, which ``makemessages`` runs, wraps after the space at 79. Had
    the editor written polib's layout, saving one string would rewrap every long entry
    of the file. So polib writes a draft and ``msgcat`` (GNU gettext, as ``makemessages``
    uses) lays it out: a changed string is a diff of its own entry. ``header``, when
    given, is the metadata kept in place of what the caller set (the header stays as
    ``make messages`` wrote it). The file is replaced at once, never half written.
    """
    if header is not None:
        catalogue.metadata = dict(header)
    path = Path(path)
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        draft, final = Path(work) / "draft.po", Path(work) / "final.po"
        # The class's own save: the string editor replaces the instance's with this function.
        polib.POFile.save(catalogue, str(draft))
        msgcat = shutil.which("msgcat")
        if msgcat:
            subprocess.run(
                [msgcat, "--output-file", str(final), str(draft)],
                check=True,
                capture_output=True,
                timeout=30,
            )
        else:
            # A translation is never lost for want of gettext; only the layout differs.
            logger.warning("msgcat (GNU gettext) is missing: %s is laid out by polib", path)
            final = draft
        os.replace(final, path)


PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}")


def placeholders(text: str) -> set[str]:
    """The placeholders in ``text``: %(name)s, %s and {name} alike."""
    return set(PLACEHOLDER_RE.findall(text or ""))


def placeholder_problems(entry) -> list[str]:
    """Translations of a polib ``entry`` whose placeholders differ from the original's."""
    problems = []
    if entry.msgid_plural:
        expected = placeholders(entry.msgid_plural)
        forms = entry.msgstr_plural.items()
    else:
        expected = placeholders(entry.msgid)
        forms = [(None, entry.msgstr)]
    for index, text in forms:
        found = placeholders(text)
        if text and found != expected:
            where = f" (form {index})" if index is not None else ""
            problems.append(
                f"{entry.msgid[:60]!r}{where}: {sorted(found)} instead of {sorted(expected)}"
            )
    return problems


# Characters that make markup, or break out of an HTML attribute. Translations reach pages
# unescaped ({% translate %}, {% blocktranslate %}), so a translation may hold no more of
# each than its source does.
MARKUP_CHARACTERS = "<>\"'&"


def markup_problems(entry, source=None) -> list[str]:
    """Translations of ``entry`` that add markup characters its source does not have.

    ``source`` is the catalogue's own entry when ``entry`` comes from elsewhere (an
    uploaded file): its msgid and msgid_plural are what the translation answers to.
    """
    source = source or entry
    originals = [source.msgid, source.msgid_plural or ""]
    texts = entry.msgstr_plural.values() if source.msgid_plural else [entry.msgstr]
    problems = []
    for text in texts:
        for character in MARKUP_CHARACTERS:
            allowed = max(original.count(character) for original in originals)
            if (text or "").count(character) > allowed:
                problems.append(f"{source.msgid[:60]!r}: {character!r} is not allowed here")
                break
    return problems


def catalogue_problems(entry, source=None) -> list[str]:
    """Every problem of ``entry``'s translations, judged against ``source`` if given."""
    if source is not None:
        candidate = polib.POEntry(
            msgctxt=source.msgctxt,
            msgid=source.msgid,
            msgid_plural=source.msgid_plural,
            msgstr=entry.msgstr,
            msgstr_plural=dict(entry.msgstr_plural),
        )
        return placeholder_problems(candidate) + markup_problems(candidate)
    return placeholder_problems(entry) + markup_problems(entry)


def merge_catalogue(language: str, uploaded) -> int:
    """Copy the uploaded translations of strings the catalogue has; return how many changed."""
    path = catalogue_path(language)
    catalogue = polib.pofile(str(path))
    incoming = {(e.msgctxt, e.msgid): e for e in uploaded if not e.obsolete}
    changed = 0
    for entry in catalogue:
        new = incoming.get((entry.msgctxt, entry.msgid))
        if new is None or "fuzzy" in new.flags:
            continue
        if entry.msgid_plural:
            if new.msgstr_plural and new.msgstr_plural != entry.msgstr_plural:
                entry.msgstr_plural = dict(new.msgstr_plural)
                changed += 1
        elif new.msgstr and new.msgstr != entry.msgstr:
            entry.msgstr = new.msgstr
            changed += 1
        if "fuzzy" in entry.flags and (entry.msgstr or entry.msgstr_plural):
            entry.flags.remove("fuzzy")
    if changed:
        save_catalogue(catalogue, path)
        catalogue.save_as_mofile(str(path.with_suffix(".mo")))
        reload_catalogues()
    return changed
