"""Where each role lands after login, and the menu of a user's homes."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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


#: Further pages of a role, shown in the menu after its home: (role, label, URL name).
ROLE_PAGES = [
    (Role.ENTERPRISE_CONTACT, _("Employees' applications"), "applications:enterprise_applications"),
    (Role.APPLICANT, _("My profile"), "applications:profile"),
    (Role.CITY_STAFF, _("Review meetings"), "reviews:staff_meetings"),
    (Role.CITY_STAFF, _("Attendance and votes"), "reviews:vote_meetings"),
    (Role.CITY_STAFF, _("Result publicity"), "results:publicity_staff"),
    (Role.CITY_STAFF, _("Filing and certificates"), "results:filing_batches"),
    (Role.ADMINISTRATOR, _("Review meetings"), "reviews:staff_meetings"),
    (Role.ADMINISTRATOR, _("Attendance and votes"), "reviews:vote_meetings"),
    (Role.ADMINISTRATOR, _("Result publicity"), "results:publicity_staff"),
    (Role.ADMINISTRATOR, _("Filing and certificates"), "results:filing_batches"),
    (Role.EXPERT, _("My review meetings"), "reviews:vote_expert_home"),
]


def role_menu(user):
    """(label, url) for every role the user holds, in Role order, and each role's further pages."""
    menu = []
    for role in Role:
        if role not in user.role_set:
            continue
        home = reverse(ROLE_HOME[role])
        if all(url != home for _label, url in menu):
            menu.append((role.label, home))
        for page_role, label, name in ROLE_PAGES:
            url = reverse(name)
            if page_role == role and all(existing != url for _label, existing in menu):
                menu.append((label, url))
    return menu
