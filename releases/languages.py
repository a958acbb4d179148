"""The site's languages, and the fields that hold a text in each of them.

django-modeltranslation gives every translated field one column per language
(``title`` → ``title_uk``, ``title_en``); these helpers name and read them, so that no
module spells the pattern out.
"""

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

# The codes of settings.LANGUAGES, in order: the original language first.
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def localized_name(field: str, language: str) -> str:
    """The column of ``field`` in ``language``: ``title`` → ``title_uk``."""
    return build_localized_fieldname(field, language)


def localized(obj, field: str, language: str):
    """The value of ``field`` of ``obj`` in ``language``.

    No fallback to another language: a text missing in English stays missing.
    """
    return getattr(obj, localized_name(field, language))


def in_each_language(field: str, values) -> dict:
    """``{title_uk: …, title_en: …}`` from ``{"uk": …, "en": …}`` (or one value for all),
    for a filter, an update or a constructor."""
    if not isinstance(values, dict):
        values = dict.fromkeys(LANGUAGES, values)
    return {localized_name(field, language): value for language, value in values.items()}


def localized_names(*fields: str) -> list[str]:
    """Every column of ``fields``, field by field: ``title_uk, title_en, lead_uk, …``."""
    return [localized_name(field, language) for field in fields for language in LANGUAGES]
