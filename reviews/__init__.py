"""Reviews: who judges and how — the expert pool, panels, scoring and the vote."""
