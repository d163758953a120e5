"""Who may open the statistics page: HR staff (city staff and administrators see every division,
district staff their own). What each reader counts is not decided here: the figures are taken over the
audit scopes of ``applications.rules`` (and carried from them to cases and objections), and over the
service logs ``enterprises.selectors.service_logs_for_user`` returns."""

import rules

from zaozhuang_titles.rules import is_hr_staff

rules.add_perm("dashboard.view_statistics", is_hr_staff)
