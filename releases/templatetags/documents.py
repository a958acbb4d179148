"""A release's document as a page lists it: its title and size in the page's language."""

from django import template
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def document_title(document):
    """The title in the active language; in a staff preview of a language it has no title
    in yet, the other language's, marked with its ``lang`` so it is read in that language."""
    title, language = document.shown_title(translation.get_language())
    if language is None:
        return title
    return format_html('<span lang="{}">{}</span>', language, title)


@register.filter
def file_size(size):
    """A size as a reader of the page's language writes it: «1,2 МБ», "1.2 MB".

    Django's own ``filesizeformat`` gives «Мб» in Ukrainian, where the standard
    abbreviation of мегабайт is «МБ»; these are the site's strings, translated with it.
    """
    size = int(size or 0)
    if size < 1024:
        return _("%(size)s B") % {"size": size}
    if size < 1024 * 1024:
        return _("%(size)s KB") % {"size": number_format(round(size / 1024, 1), 1)}
    return _("%(size)s MB") % {"size": number_format(round(size / (1024 * 1024), 1), 1)}
