from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext

from zaozhuang_titles.notices import unread_count
from zaozhuang_titles.roles import SERVICES, navbar_layout, role_menu, service_menu
from zaozhuang_titles.rules import is_hr_staff


def portal(request):
    names = {"portal_name": settings.PORTAL_NAME, "portal_short_name": settings.PORTAL_SHORT_NAME}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            **names,
            "role_menu": [],
            "service_menu": [],
            "navbar": {"breakpoint": "xl", "full_brand": True},
            "lists_exports": False,
        }

    menu = role_menu(user)
    services = service_menu(user)
    # The navbar's own entries after the role's (includes/navbar.html), in the page's language.
    labels = [label for label, _url in menu] + [str(SERVICES)] * bool(services) + [gettext("Publicity notices")]
    if user.is_staff:
        labels.append(gettext("Administration"))
    # A lazy count: one query, and only on pages that show the navbar.
    return {
        **names,
        "role_menu": menu,
        "navbar": navbar_layout(
            labels=labels,
            user_name=user.real_name or user.username,
            portal_name=settings.PORTAL_NAME,
            short_name=settings.PORTAL_SHORT_NAME,
            dropdowns=int(bool(services)),
        ),
        "service_menu": services,
        # The dropdown's toggle is marked active on any page below one of its entries (a plan, a document).
        "service_active": any(request.path.startswith(url) for _label, url in services),
        "unread_notices": SimpleLazyObject(lambda: unread_count(user)),
        # "My exports" in the account menu (and admin's top bar): from the roles already loaded, no query.
        "lists_exports": is_hr_staff(user),
    }
