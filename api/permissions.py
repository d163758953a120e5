"""One scope per operation: a view says which (``required_scopes``, by method); ``None`` is public."""

from django.utils.translation import gettext as _
from rest_framework import permissions


def required_scope(view, method):
    scopes = getattr(view, "required_scopes", {})
    return scopes.get("GET" if method == "HEAD" else method, scopes.get("*"))


class HasScope(permissions.BasePermission):
    def has_permission(self, request, view):
        scope = required_scope(view, request.method)
        if scope is None:
            return True
        caller = request.auth
        if caller is None:
            # No token: DRF answers 401 (the authenticator is there and did not succeed).
            return False
        if not caller.has_scope(scope):
            self.message = _("This token does not hold the scope %(scope)s needed here.") % {"scope": scope}
            return False
        return True
