"""Versions of a release (kept by django-reversion): listing, comparing and restoring."""

import difflib
import html
from datetime import datetime

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import formats, timezone
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from releases import search
from releases.languages import LANGUAGES, localized_names
from releases.text import clean_inline_html

from .models import Block, Release

# What a restore brings back: the words, the pictures and the people. The workflow
# (status, times, archive) stays as it is now, so restoring never unpublishes a release.
WORKFLOW_FIELDS = [
    "status",
    "published_at",
    "review_comment",
    "archive_mode",
    "archive_target_id",
    "created_by_id",
    "key",
    "edit_version",
    # An editor's choice of the home page's lead, not the release's content.
    "featured",
    *localized_names("archive_reason"),
]

COMPARED_FIELDS = [
    *[(f"title_{lang}", _("title"), lang) for lang in LANGUAGES],
    *[(f"lead_{lang}", _("lead"), lang) for lang in LANGUAGES],
    *[(f"slug_{lang}", _("address (slug)"), lang) for lang in LANGUAGES],
    ("status", _("status"), None),
    ("published_at", _("publication time"), None),
    ("kind", _("kind"), None),
]
# Fields whose stored value is a choice, read by its name.
CHOICES = {"status": Release.Status, "kind": Release.Kind}


def numbered_versions(release):
    """The release's versions, oldest first, each with its ``number`` (1, 2, 3…)."""
    versions = list(
        Version.objects.get_for_object(release)
        .select_related("revision", "revision__user")
        .order_by("revision__date_created", "pk")
    )
    for number, version in enumerate(versions, start=1):
        version.number = number
    return versions


def blocks_of(version):
    """The body blocks saved with ``version``, in their order, as field dictionaries."""
    block_type = ContentType.objects.get_for_model(Block)
    rows = [
        v.field_dict
        for v in version.revision.version_set.filter(content_type=block_type)
        if v.field_dict.get("release") == int(version.object_id)
        or v.field_dict.get("release_id") == int(version.object_id)
    ]
    return sorted(rows, key=lambda row: (row.get("position", 0), row.get("id", 0)))


def word_diff(old: str, new: str) -> str:
    """``old`` to ``new`` word by word, with <del> and <ins>; escaped."""
    old_words, new_words = (old or "").split(), (new or "").split()
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(' '.join(old_words[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(' '.join(new_words[b1:b2]))}</ins>")
    return mark_safe(" ".join(parts))


def readable(field, value) -> str:
    """A stored value as an editor reads it: status names, Kyiv time, text without tags."""
    if value in (None, ""):
        return ""
    if field in CHOICES:
        return str(CHOICES[field](value).label)
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "j E Y, H:i")
    return html.unescape(strip_tags(str(value)))


def compare(old, new) -> list[dict]:
    """Each field and block text that differs between two versions, per language."""
    changes = []
    before, after = old.field_dict, new.field_dict
    for field, label, lang in COMPARED_FIELDS:
        a, b = before.get(field), after.get(field)
        if a != b:
            changes.append(
                {
                    "label": label,
                    "language": lang,
                    "diff": word_diff(readable(field, a), readable(field, b)),
                }
            )
    old_blocks, new_blocks = blocks_of(old), blocks_of(new)
    for index in range(max(len(old_blocks), len(new_blocks))):
        a = old_blocks[index] if index < len(old_blocks) else {}
        b = new_blocks[index] if index < len(new_blocks) else {}
        for lang in LANGUAGES:
            text_a = readable("text", a.get(f"text_{lang}"))
            text_b = readable("text", b.get(f"text_{lang}"))
            label = _("block %(number)s") % {"number": index + 1}
            if text_a != text_b or a.get("kind") != b.get("kind"):
                diff = word_diff(text_a, text_b)
                changes.append({"label": label, "language": lang, "diff": diff})
            elif a.get(f"text_{lang}") != b.get(f"text_{lang}"):
                # The same words, formatted otherwise (bold, italic, a link): both shown.
                changes.append(
                    {
                        "label": label,
                        "language": lang,
                        "diff": formatting_change(a.get(f"text_{lang}"), b.get(f"text_{lang}")),
                    }
                )
    return changes


def formatting_change(old: str, new: str) -> str:
    """The same words before and after their formatting changed, each as the page shows
    it: sanitised to the inline safelist again, whatever the stored version holds."""
    return format_html(
        '<p class="press-formatting">{}</p><div class="press-rich-text">{}</div>'
        '<p class="press-formatting">{}</p><div class="press-rich-text">{}</div>',
        _("Formatting before:"),
        mark_safe(clean_inline_html(old or "")),
        _("Formatting after:"),
        mark_safe(clean_inline_html(new or "")),
    )


def restore(release, version, user):
    """Bring back ``version``'s texts and relations as a new version; keep the workflow.

    The release is locked and read afresh first: a publication or a save committed a
    moment earlier is kept, and one at the same moment waits for the restore.
    """
    with transaction.atomic(), reversion.create_revision(), search.indexing_together():
        release = Release.objects.select_for_update().get(pk=release.pk)
        current = {field: getattr(release, field) for field in WORKFLOW_FIELDS}
        version.revision.revert(delete=True)
        restored = Release.objects.get(pk=release.pk)
        for field, value in current.items():
            setattr(restored, field, value)
        restored.updated_by = user
        restored.save()
        restored.refresh_text_stamps()
        reversion.set_user(user)
        reversion.set_comment(
            str(_("Restored version %(number)s") % {"number": getattr(version, "number", "?")})
        )
    return restored
