"""The ``picture`` tag of the photo library, loaded with ``{% load photos %}``.

Here rather than in ``releases/photos/``: Django finds tag libraries in an app's
``templatetags`` package without a setting, and one more entry in ``TEMPLATES`` would be
one more place to look for the same tag.
"""

import re

from django import template
from django.conf import settings

register = template.Library()


# Which crops a cropped picture offers, smallest first.
CROP_SETS = {"card": ("card-small", "card"), "social": ("social",)}


@register.inclusion_tag("includes/_picture.html", takes_context=True)
def picture(context, photo, sizes="100vw", lazy=False, crop=None, decorative=False, css_class=""):
    """A ``<picture>`` of ``photo``: WebP renditions with a JPEG fallback, sized to avoid shifts.

    ``crop`` names a set of crops cut around the focal point (``card``); ``decorative``
    leaves the alt text empty where the picture repeats what a link next to it says.
    """
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
