"""Pages of reviews, one module per audience: ``expert`` (tasks, scoring, conflicts, voting), ``staff``
(pool, committee, meetings, draw, attendance, closing the vote)."""
