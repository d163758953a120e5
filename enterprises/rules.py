"""Who may do what with enterprises. Object scoping (which enterprises) is in ``selectors.py``; these
say which roles reach which pages and admin models."""

import rules

from zaozhuang_titles.rules import (
    is_city_admin,
    is_commissioner,
    is_enterprise_contact,
    is_hr_staff,
)

rules.add_perm("enterprises.view_contact_home", is_enterprise_contact)
rules.add_perm("enterprises.view_commissioner_home", is_commissioner)
rules.add_perm("enterprises.register_enterprise", is_enterprise_contact)

# The registry pages: HR staff (district staff see their own division only, by the selector).
rules.add_perm("enterprises.list_enterprises", is_hr_staff)
rules.add_perm("enterprises.export_enterprises", is_hr_staff)
rules.add_perm("enterprises.verify_enterprise", is_hr_staff)
rules.add_perm("enterprises.view_service_statistics", is_hr_staff)
# A commissioner opens the detail and archive of the enterprises it serves.
rules.add_perm("enterprises.view_enterprise_page", is_hr_staff | is_commissioner)
rules.add_perm("enterprises.log_service", is_commissioner)
rules.add_perm("enterprises.import_enterprises", is_city_admin)
rules.add_perm("enterprises.assign_commissioner", is_city_admin)
rules.add_perm("enterprises.view_qr", is_hr_staff | is_commissioner | is_enterprise_contact)

# Django admin: city staff.
rules.add_perm("enterprises", is_city_admin)
for model in ("enterprise", "recognition", "enterprisecontact", "servicecommissioner", "servicelog"):
    rules.add_perm(f"enterprises.view_{model}", is_city_admin)
    rules.add_perm(f"enterprises.add_{model}", is_city_admin)
    rules.add_perm(f"enterprises.change_{model}", is_city_admin)
