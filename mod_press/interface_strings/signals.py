"""What happens when a translator saves a string in the browser editor (django-rosetta)."""

import polib
from django.dispatch import receiver
from rosetta.signals import entry_changed
from rosetta.signals import post_save as catalogue_saved

from releases import page_cache

from .catalogues import markup_problems


@receiver(catalogue_saved)
def renew_pages_after_string_edit(sender, **kwargs):
    page_cache.invalidate()


@receiver(entry_changed)
def refuse_markup(sender, old_msgstr, **kwargs):
    """A translation saved in the string editor may not add markup: it is not kept.

    A plain string goes back to what it was; a plural form that breaks the rule is
    emptied (the page then shows the source text) and flagged for review.
    """
    if not markup_problems(sender):
        return
    if sender.msgid_plural:
        for index, text in list(sender.msgstr_plural.items()):
            probe = polib.POEntry(
                msgid=sender.msgid, msgid_plural=sender.msgid_plural, msgstr_plural={0: text}
            )
            if markup_problems(probe):
                sender.msgstr_plural[index] = ""
        if "fuzzy" not in sender.flags:
            sender.flags.append("fuzzy")
    else:
        sender.msgstr = old_msgstr
