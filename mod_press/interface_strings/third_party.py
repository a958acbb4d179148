"""Strings of Django and other packages that their own Ukrainian catalogues leave in English.

Django looks a string up in the catalogues of ``LOCALE_PATHS`` before any app's, so a
translation in ``locale/uk`` wins for a package's string too. ``makemessages`` collects
only strings it finds in this project's code: naming them here keeps them in the
catalogue. Nothing imports this module; add a string when the admin test
(tests/test_admin_language.py) finds one in English.
"""

from django.utils.translation import gettext_noop

STRINGS = [
    # django.contrib.admin: the app list's column headings, read by screen readers.
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # django-admin-sortable2: the buttons that move a body block.
    gettext_noop("Move to first position"),
    gettext_noop("Move to last position"),
]
