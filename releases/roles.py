"""The press office's roles as Django groups, kept in step with this file after migrate."""

from django.contrib.auth.models import Group, Permission

PRESS_OFFICER = "Press officer"
EDITOR = "Editor"
TRANSLATOR = "Translator"

_READ = [
    "view_release",
    "view_block",
    "view_photo",
    "view_official",
    "view_position",
    "view_tag",
    "view_country",
    "view_changenote",
    "view_document",
]
_WRITE = [
    "add_release", "change_release",
    "add_block", "change_block", "delete_block",
    "add_document", "change_document", "delete_document",
    "add_photo", "change_photo",
    "add_official", "change_official", "add_position", "change_position", "delete_position",
    "add_tag", "change_tag", "add_country",
    "view_previewlink", "add_previewlink", "change_previewlink",
]  # fmt: skip

ROLES = {
    PRESS_OFFICER: _READ + _WRITE,
    EDITOR: _READ
    + _WRITE
    + [
        "publish_release",
        "archive_release",
        "restore_release",
        "translate_release",
        "delete_photo",
        "delete_official",
        "delete_tag",
        "change_country",
        "delete_country",
        "add_changenote",
        "change_changenote",
        "delete_changenote",
        "delete_previewlink",
        "view_embargoaccess",
        "add_embargoaccess",
        "change_embargoaccess",
        "view_embargoview",
        "view_presscontacts",
        "add_presscontacts",
        "change_presscontacts",
        # E-mail alerts: how many subscribe and what was sent, not who.
        "view_subscription",
        "view_alert",
    ],
    TRANSLATOR: [*_READ, "translate_release", "change_block", "change_document"],
}


def ensure_roles():
    """Create the groups and give each exactly its permissions. Safe to run again."""
    for name, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="releases", codename__in=codenames
        )
        group.permissions.set(permissions)


def ensure_roles_after_migrate(sender, **kwargs):
    ensure_roles()
