from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def inline_html(value):
    """Stored paragraph markup, safe to print; line breaks kept.

    Every way into a paragraph (``Block.save``, the importer through
    ``Block.stored_text``) cleans it to the inline safelist, so pages do not again.
    """
    return mark_safe((value or "").replace("\n", "<br>"))


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


@register.filter
def ld_json(data):
    """``data`` as JSON for a <script type="application/ld+json">, safe inside HTML."""
    import json

    from django.utils.html import _json_script_escapes

    text = json.dumps(data, ensure_ascii=False).translate(_json_script_escapes)
    return mark_safe(text)  # <, > and & are escaped to \u sequences


@register.simple_tag(takes_context=True)
def absolute(context, url):
    """``url`` with the scheme and host of the current request."""
    return context["request"].build_absolute_uri(url)


@register.filter
def social_image(photo):
    """The address of the photo's crop for social previews (1200 × 630)."""
    return photo.rendition_url("social", "jpg")


@register.simple_tag(takes_context=True)
def release_cards(context, releases, level=None):
    """The cards of ``releases`` (the first row eager, the rest lazy), as HTML strings.

    A card depends on nothing but its release and what releases share (its photo and
    tags), so the lists, the home page and the tag, country and official pages keep each
    card until its release changes (``page_cache.cached_parts``).
    """
    from django.db.models import prefetch_related_objects
    from django.template.loader import render_to_string

    from releases import page_cache

    level, releases = level or 2, list(releases)

    def card(release, lazy):
        values = {"release": release, "lazy": lazy, "level": level}
        return lambda: render_to_string("includes/_release_card.html", values)

    # The first row is above the fold; the rest load as the reader scrolls.
    renders = {}
    for number, release in enumerate(releases, 1):
        lazy = number > 3
        renders[release.pk, f"card-{level}{'-lazy' if lazy else ''}"] = card(release, lazy)
    # The tags are read once, for the whole list, if any card has to be rendered.
    cards = page_cache.cached_parts(
        context["request"], renders, prepare=lambda: prefetch_related_objects(releases, "tags")
    )
    return list(cards.values())


@register.simple_tag(takes_context=True)
def lead_release(context, lead, others):
    """The home page's lead release, kept and renewed as its card is (``release_cards``).

    The tags of ``others``, the cards below it, are read in the same query as the lead's,
    so that the page costs the same whether or not it has a lead.
    """
    from django.db.models import prefetch_related_objects
    from django.template.loader import render_to_string

    from releases import page_cache

    renders = {
        (lead.pk, "lead"): lambda: render_to_string(
            "includes/_lead_release.html", {"release": lead}
        )
    }
    parts = page_cache.cached_parts(
        context["request"],
        renders,
        prepare=lambda: prefetch_related_objects([lead, *others], "tags"),
    )
    return parts[lead.pk, "lead"]


@register.simple_tag
def filter_fields(form):
    """The fields of a list's or search's filter form, rendered once per change of
    content and choice of filters (``page_cache.remember``); a form with errors, each
    time."""
    from urllib.parse import urlencode

    from django.template.loader import render_to_string
    from django.utils import translation

    from releases import page_cache

    def render():
        return render_to_string("includes/_filter_fields.html", {"form": form})

    if not form.is_bound:
        chosen = ""
    elif form.is_valid():
        chosen = urlencode([(name, form.data.get(name, "")) for name in form.fields])
    else:
        return render()
    language = translation.get_language()
    return page_cache.remember(f"filter-fields:{type(form).__name__}:{language}:{chosen}", render)


@register.simple_tag(takes_context=True)
def page_numbers(context, page, query=""):
    """The numbered links of a list's ``page`` (``navigation.page_numbers``)."""
    from releases.navigation import page_numbers

    return page_numbers(page, context["request"].path, query or "")
