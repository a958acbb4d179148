from django import template

from ..access import can_edit_interface_strings

register = template.Library()


@register.filter
def edits_interface_strings(user):
    """Whether ``user`` may open the interface-string editor."""
    return can_edit_interface_strings(user)
