"""Texts of Django's own forms that the REST framework (installed for the API) translates
too, in other and partly misspelt Ukrainian.

An installed app's catalogue outranks Django's, so the API's library would reword the
admin's upload and address errors. The project's catalogue outranks both: naming the
texts here puts them in it, where the translators choose one wording for every page.
Nothing imports this module; ``make messages`` reads it.
"""

from django.utils.translation import gettext_noop

SHARED_WITH_THE_API = [
    gettext_noop("Enter a valid email address."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ),
    gettext_noop("Value must be valid JSON."),
]
