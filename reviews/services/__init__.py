"""Every write on reviews, one module per part: ``pool`` (experts, relations, committee, import),
``draw`` (meetings, the panel draw, recusal, cases and assignments), ``scoring`` (scores, submission),
``voting`` (attendance, ballots, closing the vote and its record). Import from the modules."""
