from django.conf import settings

from .catalogues import catalogue_path, reload_catalogues


def catalogue_stamp() -> tuple:
    """When each compiled catalogue last changed."""
    stamps = []
    for code, _name in settings.LANGUAGES:
        compiled = catalogue_path(code).with_suffix(".mo")
        stamps.append(compiled.stat().st_mtime_ns if compiled.exists() else 0)
    return tuple(stamps)


class CatalogueReloadMiddleware:
    """Reload the interface strings in this process when a translator changed them.

    Rosetta writes the catalogue in one worker process; every other worker notices the
    new file at its next request (one stat per language) and reads it again.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.seen = catalogue_stamp()

    def __call__(self, request):
        current = catalogue_stamp()
        if current != self.seen:
            self.seen = current
            reload_catalogues()
        return self.get_response(request)
