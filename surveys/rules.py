"""Who may do what with questionnaires.

City staff (and administrators) build, send and read the results of every questionnaire: the city-wide
scope of ``enterprises.rules``. District staff and service commissioners read the results of the
questionnaires sent to enterprises in their scope — their division's, the enterprises they serve
(一企一员) — counted over those enterprises' answers only (``RESULTS_READER_SCOPES``, the enterprises'
own scopes: a dispatch is theirs when one of its recipients is). A recipient enterprise's link is
answered by the enterprise's own contacts (企业经办人): the contact scope of the enterprise, carried to
the recipient, so that the list of questionnaires a contact sees (``selectors.recipients_for_user``) and
"may this contact answer this one" cannot disagree. Everyone else, another enterprise's contact
included, gets 404 on a recipient's link.
"""

import rules
from django.db.models import Q

from enterprises.rules import CITY_WIDE, COMMISSIONER_OF, CONTACT_OF, IN_STAFF_DIVISION, no_object
from zaozhuang_titles.rules import is_city_admin, is_commissioner, is_district_staff, is_enterprise_contact
from zaozhuang_titles.scopes import Scope, any_of

#: The enterprise's contact answers the questionnaire sent to it.
CONTACT_OF_RECIPIENT = CONTACT_OF.through("enterprise", name="is_contact_of_recipient")
#: Who sees a recipient: city staff, and the enterprise's contacts.
RECIPIENT_SCOPES = (CITY_WIDE, CONTACT_OF_RECIPIENT)
#: Questionnaires, dispatches and responses: city staff.
STAFF_SCOPES = (CITY_WIDE,)

is_city_wide = CITY_WIDE.predicate
is_contact_of_recipient = CONTACT_OF_RECIPIENT.predicate

#: The enterprises whose answers a reader of results counts: every one for city staff, their division's
#: for district staff, those they serve for a commissioner.
RESULTS_READER_SCOPES = (CITY_WIDE, IN_STAFF_DIVISION, COMMISSIONER_OF)


def _sent_to(enterprise_scope, name):
    """The dispatches with a recipient enterprise in ``enterprise_scope``."""

    def where(user):
        from enterprises.models import Enterprise  # deferred: the models declare their permissions from here
        from surveys.models import Recipient

        q = enterprise_scope.q(user)
        if q is None:
            return None
        return Q(pk__in=Recipient.objects.filter(enterprise__in=Enterprise.objects.filter(q)).values("dispatch_id"))

    return Scope(name, role=enterprise_scope.role, where=where)


#: Who reads a dispatch's results: city staff every dispatch; district staff and commissioners those sent
#: to an enterprise of theirs (the page then counts only those enterprises' answers).
RESULTS_SCOPES = (
    CITY_WIDE,
    _sent_to(IN_STAFF_DIVISION, "is_sent_to_staff_division"),
    _sent_to(COMMISSIONER_OF, "is_sent_to_served_enterprise"),
)

# Lists and new questionnaires: city staff.
rules.add_perm("surveys.manage_questionnaires", is_city_admin)
# The contact's list of questionnaires sent to its enterprise.
rules.add_perm("surveys.list_own_questionnaires", is_enterprise_contact)

# One object (the views load it through its scoped selector first).
rules.add_perm("surveys.change_questionnaire", is_city_wide)
rules.add_perm("surveys.send_questionnaire", is_city_wide)
# (Asked of the model as a whole too: Django admin's lists of dispatches and responses, city staff's.)
rules.add_perm("surveys.view_dispatch", (is_city_admin & no_object) | is_city_wide)
rules.add_perm("surveys.view_response", (is_city_admin & no_object) | is_city_wide)
rules.add_perm("surveys.follow_up_response", is_city_wide)
rules.add_perm("surveys.answer_recipient", is_contact_of_recipient)
rules.add_perm("surveys.view_recipient_qr", is_city_wide | is_contact_of_recipient)
# The results (page, chart data, Excel) of a dispatch; the list of those shared with district staff and
# commissioners (city staff have theirs under each questionnaire).
rules.add_perm("surveys.read_results", any_of(RESULTS_SCOPES))
rules.add_perm("surveys.list_shared_results", is_district_staff | is_commissioner)

# Django admin: city staff read questionnaires, dispatches, responses and the log there; every change is
# made on the portal's pages, through the services (the admin classes are read only).
rules.add_perm("surveys", is_city_admin)
rules.add_perm("surveys.view_questionnaire", is_city_admin)
rules.add_perm("surveys.view_surveyevent", is_city_admin)
