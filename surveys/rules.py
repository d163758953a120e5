"""Who may do what with questionnaires.

City staff (and administrators) build, send and read the results of every questionnaire: the city-wide
scope of ``enterprises.rules``. A recipient enterprise's link is answered by the enterprise's own contacts
(企业经办人): the contact scope of the enterprise, carried to the recipient, so that the list of
questionnaires a contact sees (``selectors.recipients_for_user``) and "may this contact answer this
one" cannot disagree. Everyone else, another enterprise's contact included, gets 404 on a recipient's
link.
"""

import rules

from enterprises.rules import CITY_WIDE, CONTACT_OF
from zaozhuang_titles.rules import is_city_admin, is_enterprise_contact

#: The enterprise's contact answers the questionnaire sent to it.
CONTACT_OF_RECIPIENT = CONTACT_OF.through("enterprise", name="is_contact_of_recipient")
#: Who sees a recipient: city staff, and the enterprise's contacts.
RECIPIENT_SCOPES = (CITY_WIDE, CONTACT_OF_RECIPIENT)
#: Questionnaires, dispatches and responses: city staff.
STAFF_SCOPES = (CITY_WIDE,)

is_city_wide = CITY_WIDE.predicate
is_contact_of_recipient = CONTACT_OF_RECIPIENT.predicate

# Lists and new questionnaires: city staff.
rules.add_perm("surveys.manage_questionnaires", is_city_admin)
# The contact's list of questionnaires sent to its enterprise.
rules.add_perm("surveys.list_own_questionnaires", is_enterprise_contact)

# One object (the views load it through its scoped selector first).
rules.add_perm("surveys.change_questionnaire", is_city_wide)
rules.add_perm("surveys.send_questionnaire", is_city_wide)
rules.add_perm("surveys.view_dispatch", is_city_wide)
rules.add_perm("surveys.view_response", is_city_wide)
rules.add_perm("surveys.follow_up_response", is_city_wide)
rules.add_perm("surveys.answer_recipient", is_contact_of_recipient)
rules.add_perm("surveys.view_recipient_qr", is_city_wide | is_contact_of_recipient)
