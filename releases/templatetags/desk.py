"""The press staff's desk on the admin home and its count in the admin menu."""

from django import template

from releases.admin import desk

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_for(context):
    """The lists of the signed-in user's desk (``releases.admin.desk.dashboard``)."""
    return desk.dashboard(context["request"].user)


@register.simple_tag(takes_context=True)
def desk_count(context):
    """How much awaits the signed-in user, said once per request however often asked."""
    request = context["request"]
    if not hasattr(request, "_desk_count"):
        count, text = desk.waiting_count(request.user)
        request._desk_count = (count, text % {"count": count} if count else "")
    return request._desk_count[1]
