"""Requests per client: each address may make ``API_THROTTLE_RATE`` requests."""

import logging

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from releases.page_cache import CACHE_ERRORS
from releases.security import client_ip

logger = logging.getLogger(__name__)


class ClientRateThrottle(SimpleRateThrottle):
    """Counts requests per client address in the rate limits' cache (``limits``: Redis in
    production), which pages never fill.

    The address is the one our own proxies report (``releases.security.client_ip``, as
    for sign-in limits): a forged X-Forwarded-For cannot make one client look like many.
    """

    scope = "api"

    @property
    def cache(self):
        return caches["limits"]

    def get_rate(self):
        # Read per request, not when the class is defined: settings may change it.
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "-"}

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS:
            # The cache server is down: the API keeps answering, unlimited meanwhile.
            logger.exception("API throttle unavailable: request not counted")
            return True
