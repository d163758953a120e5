"""Who may do what in reviews: the experts' pages, the staff pages, and Django admin of the pool."""

import rules

from zaozhuang_titles.rules import is_city_admin, is_expert

rules.add_perm("reviews.view_expert_home", is_expert)

# Staff pages: meetings, the draw, cases and substitutes; the Excel import and export of the pool.
rules.add_perm("reviews.manage_meetings", is_city_admin)
rules.add_perm("reviews.import_experts", is_city_admin)
rules.add_perm("reviews.export_experts", is_city_admin)

# Django admin: city staff keep the pool, the committee, the settings and the rubric; meetings are
# created and drawn on the staff pages (admin only corrects their name and deadline); the panel, the
# exclusions and the cases are records of the draw, read only. Nobody deletes (PortalModelAdmin).
rules.add_perm("reviews", is_city_admin)
for model in ("specialty", "expert", "expertrelation", "committee", "reviewsettings", "criterion"):
    rules.add_perm(f"reviews.view_{model}", is_city_admin)
    rules.add_perm(f"reviews.add_{model}", is_city_admin)
    rules.add_perm(f"reviews.change_{model}", is_city_admin)
rules.add_perm("reviews.view_meeting", is_city_admin)
rules.add_perm("reviews.change_meeting", is_city_admin)
for model in ("panelmember", "drawexclusion", "case"):
    rules.add_perm(f"reviews.view_{model}", is_city_admin)

# Scoring (issue 5): experts score their own assignments (the selector scopes them); city staff rank.
rules.add_perm("reviews.score_assignment", is_expert)
rules.add_perm("reviews.view_scoring_ranking", is_city_admin)

# Meeting and vote (issue 5): city staff run attendance and the vote; experts cast their ballots (the
# selectors scope them to their own meetings and unconflicted cases).
rules.add_perm("reviews.run_meeting_vote", is_city_admin)
rules.add_perm("reviews.cast_ballot", is_expert)
