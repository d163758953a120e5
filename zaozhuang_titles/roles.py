"""Where each role lands after login, and the menu of a user's homes."""

from django.urls import reverse

from zaozhuang_titles.models import Role

#: The home page of each role (URL names). A user with several roles lands on the first in Role order
#: and switches to the others from the menu.
ROLE_HOME = {
    Role.ADMINISTRATOR: "admin:index",
    Role.CITY_STAFF: "applications:city_queue",
    Role.DISTRICT_STAFF: "applications:district_queue",
    Role.EXPERT: "reviews:expert_home",
    Role.COMMISSIONER: "enterprises:commissioner_home",
    Role.CHAIRMAN: "applications:chairman_home",
    Role.ENTERPRISE_CONTACT: "enterprises:contact_home",
    Role.APPLICANT: "applications:applicant_home",
}


def home_url(user):
    """The URL a logged-in user lands on, or None when it holds no role yet."""
    role = user.primary_role
    if role is None:
        return "admin:index" if user.is_superuser else None
    return ROLE_HOME[role]


def role_menu(user):
    """(label, url) for every role the user holds, in Role order."""
    return [(role.label, reverse(ROLE_HOME[role])) for role in Role if role in user.role_set]
