from django import template
from django.utils.safestring import mark_safe

from releases.text import clean_inline_html

register = template.Library()


@register.filter
def inline_html(value):
    """Paragraph markup cleaned to the inline safelist, safe to print."""
    return mark_safe(clean_inline_html(value))


@register.filter
def position_on(official, date):
    """The position ``official`` held on ``date``."""
    return official.position_on(date) if official else None


@register.simple_tag(takes_context=True)
def translated_url(context, language):
    """The current page's address in ``language`` (the admin's language links)."""
    from django.urls import translate_url

    request = context["request"]
    return translate_url(request.get_full_path(), language)
