"""The ``picture`` tag of the photo library, loaded with ``{% load photos %}``.

Here rather than in ``releases/photos/``: Django finds tag libraries in an app's
``templatetags`` package without a setting, and one more entry in ``TEMPLATES`` would be
one more place to look for the same tag.
"""

from django import template
from django.conf import settings

register = template.Library()


# Which crops a cropped picture offers, smallest first.
CROP_SETS = {"card": ("card-small", "card"), "social": ("social",)}


@register.inclusion_tag("includes/_picture.html")
def picture(
    photo, sizes="100vw", lazy=False, crop=None, decorative=False, css_class="", preview=""
):
    """A ``<picture>`` of ``photo``: WebP renditions with a JPEG fallback, sized to avoid shifts.

    ``crop`` names a set of crops cut around the focal point (``card``); ``decorative``
    leaves the alt text empty where the picture repeats what a link next to it says;
    ``preview`` is the token of a preview link, whose holder sees the photos of the
    release it shows before they are public.
    """
    if crop:
        specs = CROP_SETS[crop]
        webp = photo.crop_srcset("webp", *specs, preview=preview)
        jpeg = photo.crop_srcset("jpg", *specs, preview=preview)
        width, height = settings.PHOTO_CROPS[specs[-1]]
        src = photo.rendition_url(specs[-1], "jpg", preview)
    else:
        webp, jpeg = photo.srcset("webp", preview), photo.srcset("jpg", preview)
        width, height = photo.width, photo.height
        widths = photo.widths()
        src = photo.rendition_url(f"w{widths[min(1, len(widths) - 1)]}", "jpg", preview)
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
