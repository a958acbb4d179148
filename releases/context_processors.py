from django.conf import settings
from django.utils import translation


def site(request):
    """The site's name in the active language."""
    lang = translation.get_language()
    return {"site_name": settings.SITE_NAME.get(lang, settings.SITE_NAME["uk"])}
