"""Who may do what with batches and applications."""

import rules

from zaozhuang_titles.rules import is_applicant, is_chairman, is_city_admin, is_district_staff

rules.add_perm("applications", is_city_admin)
rules.add_perm("applications.view_applicant_home", is_applicant)
rules.add_perm("applications.view_chairman_home", is_chairman)
rules.add_perm("applications.view_district_queue", is_district_staff)
rules.add_perm("applications.view_city_queue", is_city_admin)
rules.add_perm("applications.view_batch", is_city_admin)
rules.add_perm("applications.add_batch", is_city_admin)
rules.add_perm("applications.change_batch", is_city_admin)
