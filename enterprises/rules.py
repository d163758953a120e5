"""Who may do what with enterprises."""

import rules

from zaozhuang_titles.rules import is_commissioner, is_enterprise_contact

rules.add_perm("enterprises.view_contact_home", is_enterprise_contact)
rules.add_perm("enterprises.view_commissioner_home", is_commissioner)
