"""Text helpers shared by models, forms and templates: slugs and safe markup."""

import re

import nh3
from django.utils.text import slugify
from translitua import UkrainianKMU, translit

# Paragraphs may carry inline markup only. Everything else is stripped by Ammonia
# (nh3), a maintained sanitiser, never by regular expressions of our own.
INLINE_TAGS = {"a", "strong", "em", "br"}
INLINE_ATTRIBUTES = {"a": {"href"}}
LINK_SCHEMES = {"http", "https", "mailto"}

# Straight and typographic quotation marks that press officers paste around quotes.
QUOTE_MARKS = "\"'«»“”„‟‘’‚‹›"

PHOTO_CODE_RE = re.compile(r"^[a-z]{2,10}-\d{2,8}$")


def clean_inline_html(value: str) -> str:
    """Return ``value`` with only the inline safelist left (links, bold, italic, breaks)."""
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=INLINE_TAGS,
        attributes=INLINE_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()


def strip_quote_marks(value: str) -> str:
    """Remove the quotation marks wrapping a quote: the template supplies the right ones."""
    return (value or "").strip().strip(QUOTE_MARKS).strip()


def make_slug(text: str, language: str, max_length: int = 120) -> str:
    """Slug for ``text``: Ukrainian by the national transliteration of 2010, else slugify."""
    if language == "uk":
        text = translit(text, UkrainianKMU)
    slug = slugify(text)
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def unique_slug(base: str, taken) -> str:
    """First of ``base``, ``base-2``, ``base-3``… for which ``taken(candidate)`` is false."""
    candidate, n = base, 2
    while taken(candidate):
        candidate = f"{base}-{n}"
        n += 1
    return candidate
