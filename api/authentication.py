"""Who calls: ``Authorization: Bearer <token>``, a client's token (``zzt_…``) or an applicant's personal
token (``zzp_…``). No session and no CSRF: the API is for other systems, not for the browser's cookie.

A call without the header is anonymous (only public operations answer it); a header with a token that
is unknown, rotated away or revoked is refused at once (401), whatever the operation."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api import services
from api.models import OWN_APPLICATIONS


@dataclass(frozen=True)
class Caller:
    """What the token says: the client (or the personal token and its applicant) and its scopes."""

    client: object = None
    personal: object = None
    scopes: frozenset = field(default_factory=frozenset)

    def has_scope(self, scope):
        return scope in self.scopes


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() != self.keyword.lower().encode() or len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is unknown, rotated or revoked.")) from None
        client = services.client_for_token(token)
        if client is not None:
            services.client_touch(client)
            return AnonymousUser(), Caller(client=client, scopes=frozenset(client.scopes))
        personal = services.personal_token_for(token)
        if personal is not None:
            services.personal_token_touch(personal)
            return personal.user, Caller(personal=personal, scopes=frozenset({OWN_APPLICATIONS}))
        raise exceptions.AuthenticationFailed(_("The token is unknown, rotated or revoked."))

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
