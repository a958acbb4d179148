"""What the site trusts about strangers and tells them.

The client's address as our own proxies report it, never as the client claims it, and
``/.well-known/security.txt`` (RFC 9116) for those who find a vulnerability.
"""

import ipaddress
from datetime import UTC, timedelta

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe


def client_ip(request) -> str | None:
    """The address of the client, trusting exactly ``PROXY_HOPS`` proxies in front of us.

    Each of our proxies appends the address it saw to X-Forwarded-For (nginx:
    ``$proxy_add_x_forwarded_for``), so the client is ``PROXY_HOPS`` entries from the right.
    Entries further left were sent by the client itself and may be anything: they are
    never read, so a forged header cannot make one attacker look like many. With
    ``PROXY_HOPS = 0`` the header is ignored altogether.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.PROXY_HOPS
    if hops > 0:
        forwarded = [
            entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [entry for entry in forwarded if entry]
        if forwarded:
            candidate = forwarded[-min(hops, len(forwarded))]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


@require_safe
def security_txt(request):
    """Where to report a vulnerability (RFC 9116): the same text in every language.

    ``Expires`` is always SECURITY_TXT_EXPIRES_DAYS ahead, counted from the start of the
    day, so the file stays valid while the site runs and the contact stays in settings.
    """
    if not settings.SECURITY_CONTACT:
        raise Http404
    start = timezone.now().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    expires = start + timedelta(days=settings.SECURITY_TXT_EXPIRES_DAYS)
    lines = [f"Contact: {contact}" for contact in settings.SECURITY_CONTACT.split()] + [
        f"Expires: {expires:%Y-%m-%dT%H:%M:%SZ}",
        "Preferred-Languages: uk, en",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
