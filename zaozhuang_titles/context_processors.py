from django.conf import settings

from zaozhuang_titles.roles import role_menu


def portal(request):
    user = getattr(request, "user", None)
    menu = role_menu(user) if user is not None and user.is_authenticated else []
    return {"portal_name": settings.PORTAL_NAME, "role_menu": menu}
