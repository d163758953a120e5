"""The arithmetic of the vote and of the quorum, in integers only, and the sentences that state them.

The rule (MISSION.md, 人社部令第40号 practice): a candidate passes when the yes votes (同意) are at least
two thirds of the experts present for that candidate. "Present" means attending the meeting and not
recused (回避) from that candidate; an abstention (弃权) counts as present and not as yes, and so does a
present expert who cast no ballot. The meeting itself is quorate when the experts attending reach the
batch's quorum fraction of the panel (default 2/3, ``ReviewSettings``).

Everything is computed by cross-multiplying integers (``yes * 3 >= present * 2``), never with floats,
so 2/3 of 9 is exactly 6 and never 5.999….
"""

from django.utils.translation import gettext as _


def _count(value, name):
    # bool is an int in Python; a True vote count is a bug, not 1.
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative (got {value})")
    return value


def vote_passes(yes_votes, experts_present):
    """True when ``yes_votes`` are at least two thirds of ``experts_present``.

    ``experts_present`` counts the experts attending and not recused for this candidate (abstentions and
    present experts who did not vote are included). A candidate nobody could judge (no one present)
    does not pass. Raises ``TypeError`` for anything but ints and ``ValueError`` for a negative count or
    more yes votes than experts present.
    """
    _count(yes_votes, "yes_votes")
    _count(experts_present, "experts_present")
    if yes_votes > experts_present:
        raise ValueError(f"yes_votes ({yes_votes}) cannot exceed experts_present ({experts_present})")
    return experts_present > 0 and yes_votes * 3 >= experts_present * 2


def votes_needed(experts_present):
    """The fewest yes votes that pass with ``experts_present``: ⌈2n/3⌉, and at least 1."""
    _count(experts_present, "experts_present")
    return max(1, (experts_present * 2 + 2) // 3)


def _fraction(numerator, denominator):
    _count(numerator, "numerator")
    _count(denominator, "denominator")
    if numerator < 1 or denominator < 1 or numerator > denominator:
        raise ValueError(f"the quorum must be a fraction between 0 and 1 (got {numerator}/{denominator})")


def quorum_needed(panel_size, numerator, denominator):
    """The fewest experts attending for a quorum of ``numerator/denominator`` of ``panel_size``."""
    _count(panel_size, "panel_size")
    _fraction(numerator, denominator)
    return (panel_size * numerator + denominator - 1) // denominator


def quorum_reached(attending, panel_size, numerator, denominator):
    """True when ``attending`` experts are at least ``numerator/denominator`` of ``panel_size``."""
    _count(attending, "attending")
    _count(panel_size, "panel_size")
    _fraction(numerator, denominator)
    if panel_size < 1:
        raise ValueError("panel_size must be at least 1")
    if attending > panel_size:
        raise ValueError(f"attending ({attending}) cannot exceed panel_size ({panel_size})")
    return attending * denominator >= panel_size * numerator


def rule_text():
    """The vote's rule in words, saying exactly what the two thirds are taken of."""
    # Translators: 同意票数不少于到会且未回避专家人数的三分之二（弃权及未投票计入到会人数，不计为同意）
    return _(
        "Yes votes must be at least two thirds of the experts present and not recused for the application "
        "(abstentions and experts present who did not vote count as present, not as yes)"
    )


def outcome_text(yes_votes, experts_present):
    """The rule applied to one case, e.g. “同意 5 票 / 到会未回避 7 人，需至少 5 票：通过”."""
    passed = vote_passes(yes_votes, experts_present)
    # Translators: 同意 %(yes)d 票 / 到会未回避 %(present)d 人，需至少 %(needed)d 票：%(result)s
    return _("%(yes)d yes / %(present)d present and not recused, at least %(needed)d needed: %(result)s") % {
        "yes": yes_votes,
        "present": experts_present,
        "needed": votes_needed(experts_present),
        "result": result_word(passed),
    }


def result_word(passed):
    return _("passed (通过)") if passed else _("not passed (未通过)")


def quorum_text(attending, panel_size, numerator, denominator):
    """The quorum in words with the counts, e.g. “到会 5 / 应到 7，法定人数 5（三分之二）”."""
    # Translators: 到会 %(attending)d / 应到 %(panel)d，法定人数 %(needed)d（%(numerator)d/%(denominator)d）
    return _(
        "Present %(attending)d / expected %(panel)d, quorum %(needed)d (%(numerator)d/%(denominator)d of the panel)"
    ) % {
        "attending": attending,
        "panel": panel_size,
        "needed": quorum_needed(panel_size, numerator, denominator),
        "numerator": numerator,
        "denominator": denominator,
    }
