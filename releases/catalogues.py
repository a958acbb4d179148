"""Checks on the interface-string catalogues that msgfmt alone does not make."""

import re

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


TAG_RE = re.compile(r"<[^>]*>")


def markup_problems(entry) -> list[str]:
    """Translations that add HTML the original does not have.

    Translations reach pages unescaped (``{% blocktranslate %}``), so a translation may
    only carry the markup of its source, never more.
    """
    allowed = sorted(TAG_RE.findall(entry.msgid) + TAG_RE.findall(entry.msgid_plural or ""))
    texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
    problems = []
    for text in texts:
        found = TAG_RE.findall(text or "")
        if any(tag not in allowed for tag in found) or (
            ("<" in (text or "") or ">" in (text or "")) and not found and not allowed
        ):
            problems.append(f"{entry.msgid[:60]!r}: markup {found or ['<', '>']} is not allowed")
    return problems


def catalogue_problems(entry) -> list[str]:
    return placeholder_problems(entry) + markup_problems(entry)
