"""Constants of the ``mod-press/1`` format (see the project's import-format documentation)."""

from django.conf import settings

FORMAT = "mod-press/1"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# The format's statuses. "In review" is internal to the press office: it travels as draft.
STATUSES = ("draft", "scheduled", "published", "archived")
