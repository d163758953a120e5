"""Where each role lands after login, and the menu of a user's homes."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


#: The statistics page (统计分析) in the menu: 统计 in Chinese, so that city staff's menu still opens on one
#: row at 1200 px (``navbar_layout``).
STATISTICS = pgettext_lazy("menu", "Statistics")

#: The menu's name of a role's home where the role's own name is long: HR staff land on their audit queue,
#: named after it (市人社局工作人员 took eight characters of city staff's row, which has none to spare at 1200 px).
ROLE_MENU_LABELS = {
    Role.CITY_STAFF: pgettext_lazy("menu", "Second audit"),
    Role.DISTRICT_STAFF: pgettext_lazy("menu", "First audit"),
}

#: The consultations (咨询与难题): 咨询 for those who ask, 咨询与难题 for those who answer and follow problems.
CONSULTATIONS_ASK = pgettext_lazy("menu", "Consultations")
CONSULTATIONS_HANDLE = pgettext_lazy("menu", "Consultations and problems")

#: Further pages of a role, shown in the menu after its home: (role, label, URL name).
ROLE_PAGES = [
    (Role.ENTERPRISE_CONTACT, _("Employees' applications"), "applications:enterprise_applications"),
    # 问卷, not 电子问卷: the enterprise answers them; 电子问卷 is the staff's name for building them.
    (Role.ENTERPRISE_CONTACT, pgettext_lazy("menu", "Questionnaires"), "surveys:mine"),
    (Role.APPLICANT, _("My profile"), "applications:profile"),
    (Role.APPLICANT, _("My training hours"), "training:my_hours"),
    (Role.CITY_STAFF, _("Review meetings"), "reviews:staff_meetings"),
    (Role.CITY_STAFF, _("Attendance and votes"), "reviews:vote_meetings"),
    (Role.CITY_STAFF, _("Result publicity"), "results:publicity_staff"),
    (Role.CITY_STAFF, _("Filing and certificates"), "results:filing_batches"),
    (Role.CITY_STAFF, STATISTICS, "dashboard:statistics"),
    (Role.DISTRICT_STAFF, STATISTICS, "dashboard:statistics"),
    (Role.ADMINISTRATOR, _("Review meetings"), "reviews:staff_meetings"),
    (Role.ADMINISTRATOR, _("Attendance and votes"), "reviews:vote_meetings"),
    (Role.ADMINISTRATOR, _("Result publicity"), "results:publicity_staff"),
    (Role.ADMINISTRATOR, _("Filing and certificates"), "results:filing_batches"),
    (Role.ADMINISTRATOR, STATISTICS, "dashboard:statistics"),
    (Role.EXPERT, _("My review meetings"), "reviews:vote_expert_home"),
    (Role.ENTERPRISE_CONTACT, _("My inspections"), "inspections:mine"),
    (Role.ENTERPRISE_CONTACT, CONSULTATIONS_ASK, "consultations:mine"),
    (Role.APPLICANT, CONSULTATIONS_ASK, "consultations:mine"),
    (Role.COMMISSIONER, CONSULTATIONS_HANDLE, "consultations:queue"),
]

#: The navbar's dropdown of the campaign's service side (issue 15: questionnaires, the policy library and
#: 一企一策 packages, inspections, continuing-education hours), for those who serve the enterprises: HR
#: staff and service commissioners. One entry for all of them keeps city staff's row within 1200 px.
#: (An enterprise's contact and an applicant keep their few service pages in the row: they are theirs.)
SERVICES = pgettext_lazy("menu", "Services")

#: The pages of the 服务 dropdown: (role, label, URL name), in the order shown. HR staff read the 一企一策
#: packages (built by the commissioners) in Django admin, scoped to their enterprises.
SERVICE_PAGES = [
    *(
        (role, label, name)
        for role in (Role.CITY_STAFF, Role.ADMINISTRATOR)
        for label, name in [
            (_("Questionnaires"), "surveys:questionnaires"),
            (_("Policy library"), "library:manage"),
            (_("Policy packages"), "admin:library_package_changelist"),
            (_("Inspections"), "inspections:plans"),
            (_("Training hours"), "training:staff_entries"),
            (CONSULTATIONS_HANDLE, "consultations:queue"),
        ]
    ),
    (Role.DISTRICT_STAFF, _("Questionnaire results"), "surveys:shared_results"),
    (Role.DISTRICT_STAFF, _("Policy packages"), "admin:library_package_changelist"),
    (Role.DISTRICT_STAFF, _("Training hours"), "training:staff_entries"),
    (Role.DISTRICT_STAFF, _("My inspections"), "inspections:mine"),
    (Role.DISTRICT_STAFF, CONSULTATIONS_HANDLE, "consultations:queue"),
    (Role.COMMISSIONER, _("Policy packages"), "library:packages"),
    (Role.COMMISSIONER, _("Questionnaire results"), "surveys:shared_results"),
]


def _pages_of(user, pages, *, skip=()):
    """(label, url) of ``pages`` for every role the user holds, in Role order, each URL once."""
    found = []
    for role in Role:
        if role not in user.role_set:
            continue
        for page_role, label, name in pages:
            url = reverse(name)
            if page_role == role and url not in skip and all(existing != url for _label, existing in found):
                found.append((label, url))
    return found


def service_menu(user):
    """(label, url) of the service pages the user may use: the entries of the navbar's 服务 dropdown."""
    return _pages_of(user, SERVICE_PAGES)


def role_menu(user):
    """(label, url) for every role the user holds, in Role order, and each role's further pages; a page
    of the 服务 dropdown is not repeated in the row (a district staff member who is also a contact)."""
    services = {url for _label, url in service_menu(user)}
    menu = []
    for role in Role:
        if role not in user.role_set:
            continue
        home = reverse(ROLE_HOME[role])
        if all(url != home for _label, url in menu):
            menu.append((ROLE_MENU_LABELS.get(role, role.label), home))
        for label, url in _pages_of(user, [page for page in ROLE_PAGES if page[0] == role], skip=services):
            if all(existing != url for _label, existing in menu):
                menu.append((label, url))
    return menu


# --- The navbar's row --------------------------------------------------------------------------------
# The menu shares one row with the brand and the account's dropdown only where all of it fits; below that
# breakpoint it folds behind the toggler (a wrapped navbar was 200 px tall for city staff). Widths are
# estimated in em of the navbar's 16 px font: a CJK character is 1 em, other characters about 0.55 em.

#: Content width of Bootstrap's container at each navbar breakpoint (1140 and 1320 px, less 24 px padding).
NAVBAR_ROOM_EM = [("xl", (1140 - 24) / 16), ("xxl", (1320 - 24) / 16)]
#: What an estimate may fill of that room: the rest absorbs the font's metrics.
NAVBAR_FILL = 0.95


def text_em(text):
    return sum(1.0 if ord(char) >= 0x2E80 else 0.55 for char in str(text))


def navbar_layout(*, labels, user_name, portal_name, short_name, dropdowns=0):
    """Where the navbar's menu opens on one row: ``{"breakpoint": "xl" | "xxl" | "", "full_brand": bool}``.

    ``breakpoint`` is the narrowest at which the menu (``labels``, ``dropdowns`` of them with a caret), the
    brand and the account (notices bell, ``user_name`` and caret) fit on one row; "" when none does (a long
    English menu): the menu stays folded at every width. ``full_brand`` says whether the portal's full
    name fits beside the open menu; otherwise the brand shows its short form from that breakpoint on.
    """
    menu = sum(text_em(label) + 1.0 for label in labels)  # each link: its text and .5rem padding a side
    menu += 1.0 * dropdowns  # a dropdown's caret (.3em border, .255em margin) and the font's rounding
    account = 2.5 + text_em(user_name) + 3.0  # the bell and its badge; the name with its icon and caret
    brand = {True: 1.25 * text_em(portal_name) + 2.5, False: 1.25 * text_em(short_name) + 2.5}  # 1.25rem, icon
    for breakpoint, room in NAVBAR_ROOM_EM:
        for full_brand in (True, False):
            if menu + account + brand[full_brand] <= room * NAVBAR_FILL:
                return {"breakpoint": breakpoint, "full_brand": full_brand}
    return {"breakpoint": "", "full_brand": True}
