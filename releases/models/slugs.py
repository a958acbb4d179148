from django.urls import reverse
from django.utils import translation

from releases.languages import LANGUAGES, localized
from releases.text import make_slug, unique_slug


def fill_translated_slugs(instance, source: str, max_length: int = 120):
    """Give ``instance`` a unique slug in each language its ``source`` field is written in.

    A slug already set (by hand or earlier) is kept: published addresses do not move.
    """
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    for lang in LANGUAGES:
        field = f"slug_{lang}"
        text = localized(instance, source, lang)
        if text and not getattr(instance, field):

            def taken(candidate, field=field):
                return others.filter(**{field: candidate}).exists()

            base = make_slug(text, lang, max_length)
            setattr(instance, field, unique_slug(base, taken, max_length))


def translated_url(instance, viewname: str, **kwargs) -> str:
    """``viewname`` for ``instance`` by its slug in the active language.

    Where that language has no slug yet, the address of a language that has one: a link
    never breaks, and the page it reaches says which versions exist.
    """
    active = translation.get_language()
    for lang in [active, *LANGUAGES]:
        slug = getattr(instance, f"slug_{lang}", None)
        if slug:
            with translation.override(lang):
                return reverse(viewname, kwargs={"slug": slug, **kwargs})
    return ""
