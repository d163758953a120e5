"""The one mixin of pages about one object: load it in the reader's scope, then check its permission.

``role_required`` (a django-rules predicate on the user alone) is checked first: nobody logged in is
sent to the login page and a user of another role gets 403, before anything is looked up (an outsider
learns nothing). Then ``load_object()`` loads the object through the reader's scoped selector (404
outside the scope), and ``permission_required``, an object permission, is checked on it: 403 for a
user who may see the object but not do this with it (pretalx ``PermissionRequired`` is the model).
A method the page does not serve is answered 405 after the role check, without loading the object.

Both refusals are audited alike (``audit_denial``): the 403 by the handler403 view, the 404 of the
scoped lookup here, so that a sweep of IDs by an outsider is seen, rolled into one event a minute.
"""

from django.http import Http404
from django.utils.functional import cached_property
from rules.contrib.views import PermissionRequiredMixin

from zaozhuang_titles.audit import audit_denial


class ObjectPermissionMixin(PermissionRequiredMixin):
    #: The roles the page is for at all (a predicate on the user); None for any logged-in user.
    role_required = None

    def load_object(self):  # pragma: no cover - every page defines it
        """The object of the URL, loaded through the reader's scoped selector (Http404 outside it)."""
        raise NotImplementedError

    @cached_property
    def permission_object(self):
        try:
            return self.load_object()
        except Http404:
            audit_denial(self.request, status=404)
            raise

    def get_permission_object(self):
        return self.permission_object

    def has_permission(self):
        user = self.request.user
        if not user.is_authenticated:
            return False
        if self.role_required is not None and not self.role_required(user):
            return False
        if not self.answers_method():
            # The page answers 405 before touching the object: a method it does not serve tells
            # nothing of whether the object exists, as before.
            return True
        return super().has_permission()

    def answers_method(self):
        method = self.request.method.lower()
        return method in self.http_method_names and hasattr(self, method)
