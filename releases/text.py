"""Text helpers shared by models, forms and templates: slugs and safe markup."""

import re

import nh3
from django.utils.html import strip_tags
from django.utils.text import slugify
from translitua import UkrainianKMU, translit

# Paragraphs may carry inline markup only. Everything else is stripped by Ammonia
# (nh3), a maintained sanitiser, never by regular expressions of our own.
INLINE_TAGS = {"a", "strong", "em", "br"}
INLINE_ATTRIBUTES = {"a": {"href"}}
LINK_SCHEMES = {"http", "https", "mailto"}

# Pairs of quotation marks that press officers paste around a whole quote.
QUOTE_PAIRS = [("«", "»"), ("“", "”"), ("„", "“"), ('"', '"'), ("‘", "’"), ("'", "'")]

PHOTO_CODE_RE = re.compile(r"^[a-z]{2,10}-\d{2,8}$")


# Bold and italic typed as <b> and <i> (word processors paste them) keep their meaning.
SYNONYMS = re.compile(r"<(/?)(b|i)(\s[^>]*)?>", re.IGNORECASE)


def clean_inline_html(value: str) -> str:
    """Return ``value`` with only the inline safelist left (links, bold, italic, breaks)."""
    if not value:
        return ""
    value = SYNONYMS.sub(
        lambda m: f"<{m.group(1)}{'strong' if m.group(2).lower() == 'b' else 'em'}>", value
    )
    return nh3.clean(
        value,
        tags=INLINE_TAGS,
        attributes=INLINE_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()


def strip_quote_marks(value: str) -> str:
    """Remove one pair of quotation marks wrapping the whole quote: the page adds its own.

    Only a matching outer pair goes, so «Ми підтримуємо «Рамштайн»» keeps its inner
    quotation and a closing apostrophe (allies') stays.
    """
    text = strip_tags(value or "").strip()
    for opening, closing in QUOTE_PAIRS:
        if len(text) > 1 and text.startswith(opening) and text.endswith(closing):
            return text[len(opening) : -len(closing)].strip()
    return text


def plain_line(value: str) -> str:
    """``value`` as one line of plain text: markup and runs of white space gone."""
    return " ".join(strip_tags(value or "").split())


def make_slug(text: str, language: str, max_length: int = 120) -> str:
    """Slug for ``text``: Ukrainian by the national transliteration of 2010, else slugify."""
    if language == "uk":
        text = translit(text, UkrainianKMU)
    slug = slugify(text)
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def unique_slug(base: str, taken, max_length: int = 120) -> str:
    """First of ``base``, ``base-2``, ``base-3``… for which ``taken(candidate)`` is false.

    Every candidate fits in ``max_length``: the base is shortened to make room for the suffix.
    """
    candidate, n = base[:max_length], 2
    while taken(candidate):
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        n += 1
    return candidate


UKRAINIAN_ALPHABET = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
_ORDER = {letter: index for index, letter in enumerate(UKRAINIAN_ALPHABET)}


def alphabetical(text: str):
    """A sort key that puts Ukrainian words in the order of the Ukrainian alphabet.

    Databases without a Ukrainian collation sort і, ї, є and ґ by code point, after я.
    Latin text sorts after Cyrillic, in its own order.
    """
    return [(0, _ORDER[c]) if c in _ORDER else (1, ord(c)) for c in text.casefold()]
