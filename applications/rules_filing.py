"""Who may file batches and handle certificates (page-level; which certificate a user may open is
decided by ``applications.selectors_filing.certificates_for_user``, 404 outside it)."""

import rules

from zaozhuang_titles.rules import is_applicant, is_city_admin

#: Filing, certificates, revocation: city staff (the 备案表 holds whole ID numbers).
rules.add_perm("applications.run_filing", is_city_admin)
#: A certificate's page and PDF: its holder and city staff.
rules.add_perm("applications.open_certificate", is_applicant | is_city_admin)
