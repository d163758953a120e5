"""Who may do what with the results (django-rules).

- City staff (and administrators) publish results, settle objections, file, issue and revoke
  certificates: the 备案表 holds whole ID numbers.
- A certificate's page and PDF: its holder (``is_certificate_holder``) and city staff.
  ``results.selectors.certificates.certificates_for_user`` lists the same certificates.
- The public notices, the objection form and the verification page (码上看) need no login.
"""

import rules

from zaozhuang_titles.rules import is_city_admin


@rules.predicate
def is_certificate_holder(user, certificate):
    """The certificate is of an application of ``user`` (the applicant it was issued to)."""
    return bool(
        certificate is not None
        and user is not None
        and user.is_authenticated
        and certificate.application.applicant_id == user.pk
    )


#: City staff publish results (评审结果公示) and settle objections.
rules.add_perm("results.manage_publicity", is_city_admin)
#: Filing, certificates, revocation: city staff (the 备案表 holds whole ID numbers).
rules.add_perm("results.run_filing", is_city_admin)
#: A certificate's page and PDF: its holder and city staff.
rules.add_perm("results.open_certificate", is_certificate_holder | is_city_admin)

# Django admin, for city staff: the results are records of the work there, read only.
rules.add_perm("results", is_city_admin)
for model in ("publicity", "objection", "filing", "certificate"):
    rules.add_perm(f"results.view_{model}", is_city_admin)
