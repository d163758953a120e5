"""Who may do what in reviews."""

import rules

from zaozhuang_titles.rules import is_expert

rules.add_perm("reviews.view_expert_home", is_expert)
