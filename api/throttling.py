"""Rate limits on the Django cache (Redis in production): a client's own calls a minute
(``ApiClient.rate_limit_per_minute``), a personal token's and an anonymous address's from the settings.
Beyond them: 429 with ``Retry-After``."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from zaozhuang_titles.audit import client_ip


class CallerRateThrottle(SimpleRateThrottle):
    cache_format = "api-throttle:%(ident)s"

    def __init__(self):
        # The rate depends on the caller: set per request in ``allow_request``.
        pass

    def _rate_and_key(self, request):
        caller = request.auth
        if caller is not None and caller.client is not None:
            return caller.client.rate_limit_per_minute, f"client-{caller.client.pk}"
        if caller is not None and caller.personal is not None:
            return settings.API_PERSONAL_RATE_PER_MINUTE, f"user-{caller.personal.user_id}"
        return settings.API_ANONYMOUS_RATE_PER_MINUTE, f"ip-{client_ip(request)}"

    def allow_request(self, request, view):
        per_minute, self.ident = self._rate_and_key(request)
        self.rate = f"{per_minute}/min"
        self.num_requests, self.duration = per_minute, 60
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"ident": self.ident}
