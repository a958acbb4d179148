from releases.roles import TRANSLATOR


def can_edit_interface_strings(user) -> bool:
    """The Translator group (and administrators) edit the interface strings."""
    return user.is_active and (user.is_superuser or user.groups.filter(name=TRANSLATOR).exists())
