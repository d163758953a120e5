from django.conf import settings
from django.utils.functional import SimpleLazyObject

from zaozhuang_titles.notices import unread_count
from zaozhuang_titles.roles import role_menu


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"portal_name": settings.PORTAL_NAME, "portal_short_name": settings.PORTAL_SHORT_NAME, "role_menu": []}

    # A lazy count: one query, and only on pages that show the navbar.
    return {
        "portal_name": settings.PORTAL_NAME,
        "portal_short_name": settings.PORTAL_SHORT_NAME,
        "role_menu": role_menu(user),
        "unread_notices": SimpleLazyObject(lambda: unread_count(user)),
    }
