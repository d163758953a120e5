"""Who may keep a copy of a response: nobody but the reader's own browser, for anything personal.

Every response to a logged-in user carries ``Cache-Control: no-store, private`` (the middleware, the
one place for it), whatever the page: its menus name the user, and a shared proxy or the next person
at a district office's computer must not get it back. A page that shows personal data to anonymous
visitors says so with ``personal_data_page`` (the publicity notice lists names). The other public pages
keep their caching: the about page, the list of publicity notices (titles and dates only), an
enterprise's 码上看 page and QR code (its commissioner's work telephone is published on purpose), the
registration and password-reset forms (empty on GET; a POST's answer is not stored by caches); the
login page, ``/healthz``, the certificate check and every file download mark themselves uncacheable on
their own.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control

#: Decorator of a view that shows personal data to visitors who are not logged in.
personal_data_page = cache_control(no_store=True, private=True)


class PrivateCacheMiddleware:
    """``no-store, private`` on every response to a logged-in user (a ``public`` is dropped, other
    directives stay). Placed outside the session, CSRF and authentication middleware, so that it also
    sees the responses those give themselves (a CSRF refusal, a lockout page); ``request.user`` is
    there by the time the response comes back. A request that brought a session cookie counts as a
    logged-in user's even if the user is gone by then (the answer to logging out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if settings.SESSION_COOKIE_NAME in request.COOKIES or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True)
        return response
