"""Every non-trivial read of reviews, one module per part, as ``reviews.services``: ``pool`` (the expert
pool, the committee and the meetings for city staff), ``scoring`` (the expert's tasks and scoring page,
the staff's ranking), ``voting`` (seats, attendance, who may vote, the sealed counts). Import from the
modules."""
