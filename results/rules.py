"""Who may do what with the results (django-rules).

- City staff (and administrators) publish results, settle objections, file, issue and revoke
  certificates: the 备案表 holds whole ID numbers. They see every notice, objection, batch, filing and
  certificate: the city-wide scope of ``enterprises.rules``, which holds for any object.
- A certificate's page and PDF: its holder (``is_certificate_holder``) and city staff. The same scopes
  give ``results.selectors.certificates.certificates_for_user``, so the certificates a user may open
  and "may this user open this certificate" cannot disagree.
- The public notices, the objection form and the verification page (码上看) need no login.
"""

import rules
from django.db.models import Q

from enterprises.rules import CITY_WIDE
from zaozhuang_titles.rules import is_applicant, is_city_admin
from zaozhuang_titles.scopes import Scope, any_of

#: The applicant a certificate was issued to (its holder).
CERTIFICATE_HOLDER = Scope(
    "is_certificate_holder",
    role=is_applicant,
    where=lambda user: Q(application__applicant_id=user.pk),
    # The selector loads the certificate with its application: no query.
    holds=lambda user, certificate: certificate.application.applicant_id == user.pk,
)
#: What city staff handle in the results: everything.
STAFF_SCOPES = (CITY_WIDE,)
#: The certificates a user may open.
CERTIFICATE_SCOPES = (CERTIFICATE_HOLDER, CITY_WIDE)

is_certificate_holder = CERTIFICATE_HOLDER.predicate
can_open_certificate = any_of(CERTIFICATE_SCOPES)

#: City staff publish results (评审结果公示) and settle objections.
rules.add_perm("results.manage_publicity", is_city_admin)
#: Filing, certificates, revocation: city staff (the 备案表 holds whole ID numbers).
rules.add_perm("results.run_filing", is_city_admin)
#: Who may open a certificate at all (the gate of its pages, before the object): applicants and city staff.
opens_certificates = is_applicant | is_city_admin
#: The certificate's own permissions, declared on the model (``Certificate.Meta.rules_permissions``): its
#: page and PDF (``results.open_certificate``) for its holder and city staff; Django admin for city staff.
CERTIFICATE_PERMISSIONS = {"view": is_city_admin, "open": can_open_certificate}

# Django admin, for city staff: the results are records of the work there, read only.
rules.add_perm("results", is_city_admin)
for model in ("publicity", "objection", "filing"):
    rules.add_perm(f"results.view_{model}", is_city_admin)
