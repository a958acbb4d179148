"""Texts of Django and its libraries whose Ukrainian the project words itself.

The project's catalogue outranks every other: naming a text here puts it in it, where
the translators choose its wording. Nothing imports this module; ``make messages`` reads
it.
"""

from django.utils.translation import gettext_noop

# Django's own forms' errors, which the REST framework (installed for the API) translates
# too, in other and partly misspelt Ukrainian: an installed app's catalogue outranks
# Django's, so without these the admin's upload and address errors would change wording.
SHARED_WITH_THE_API = [
    gettext_noop("Enter a valid email address."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ),
    gettext_noop("Value must be valid JSON."),
]

# The admin's filter titles: Django's "За %(filter_title)s" needs a case the title (a
# field's name, in the nominative) does not have ("За мова").
ADMIN = [
    gettext_noop(" By %(filter_title)s "),
]
