"""Who manages API clients: city staff and administrators; no one else sees them."""

import rules

from zaozhuang_titles.rules import is_applicant, is_city_admin

CLIENT_PERMISSIONS = {
    "view": is_city_admin,
    "add": is_city_admin,
    "change": is_city_admin,
    "delete": rules.always_deny,
}

#: The record of the API's calls: city staff read it; nobody writes or deletes it by hand.
CALL_PERMISSIONS = {
    "view": is_city_admin,
    "add": rules.always_deny,
    "change": rules.always_deny,
    "delete": rules.always_deny,
}

#: An applicant keeps its own personal token (its page under /accounts/).
rules.add_perm("api.manage_personal_token", is_applicant)
