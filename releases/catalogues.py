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
