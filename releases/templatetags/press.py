import re

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


# Which crops a cropped picture offers, smallest first.
CROP_SETS = {"card": ("card-small", "card"), "social": ("social",)}


@register.inclusion_tag("includes/_picture.html", takes_context=True)
def picture(context, photo, sizes="100vw", lazy=False, crop=None, decorative=False, css_class=""):
    """A ``<picture>`` of ``photo``: WebP renditions with a JPEG fallback, sized to avoid shifts.

    ``crop`` names a set of crops cut around the focal point (``card``); ``decorative``
    leaves the alt text empty where the picture repeats what a link next to it says.
    """
    from django.conf import settings

    if crop:
        specs = CROP_SETS[crop]
        webp, jpeg = photo.crop_srcset("webp", *specs), photo.crop_srcset("jpg", *specs)
        width, height = settings.PHOTO_CROPS[specs[-1]]
        src = photo.rendition_url(specs[-1], "jpg")
    else:
        webp, jpeg = photo.srcset("webp"), photo.srcset("jpg")
        width, height = photo.width, photo.height
        widths = photo.widths()
        src = photo.rendition_url(f"w{widths[min(1, len(widths) - 1)]}", "jpg")
    token = context.get("preview_token")
    if token:
        # A reviewer holding a preview link sees the photos of the release it shows.
        webp, jpeg, src = (
            re.sub(r"(\?v=\w+)", rf"\1&preview={token}", value) for value in (webp, jpeg, src)
        )
    return {
        "webp_srcset": webp,
        "jpeg_srcset": jpeg,
        "src": src,
        "sizes": sizes,
        "width": width,
        "height": height,
        "alt": "" if decorative else photo.alt,
        "lazy": lazy,
        "class": css_class,
    }


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
