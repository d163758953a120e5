"""What the pages of the results share: the permission check on the object the URL names."""

from django.utils.functional import cached_property
from rules.contrib.views import PermissionRequiredMixin


class ObjectPermissionMixin(PermissionRequiredMixin):
    """Checks ``permission_required`` on the object the URL names (``load_object``, loaded once with
    its related data, 404 when there is none; the view reads it as ``self.object``). Nobody signed in
    is sent to log in before anything is looked up."""

    def load_object(self):
        return None

    @cached_property
    def object(self):
        return self.load_object()

    def get_permission_object(self):
        if not self.request.user.is_authenticated:
            return None
        return self.object
