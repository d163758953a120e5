"""Login by username or by mobile number."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from zaozhuang_titles.identifiers import canonical_code


def find_login_user(identifier):
    """The active-or-not user whose username or mobile number is ``identifier``, or None.

    "１３８…" typed with full-width (or any script's) digits finds the account of "138…": both columns
    hold canonical values and their lookups compare the canonical form (``CodeCharField``)."""
    name = canonical_code(identifier, upper=False)
    if not name:
        return None
    User = get_user_model()
    return User.objects.filter(Q(username=name) | Q(mobile=name)).order_by("pk").first()


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_login_user(username)
        if user is None:
            # Run the hasher once anyway so that timing does not reveal which accounts exist.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials):
    """Count failures per account whether the person typed the username or the mobile number."""
    entered = (credentials or {}).get("username") or request.POST.get("username", "")
    user = find_login_user(entered)
    return user.get_username() if user is not None else entered.strip()
