"""The tag rules of the 一企一策 proposals: which documents fit an enterprise's staff structure.

An enterprise's structure (``StaffStructure``, read by ``library.selectors.enterprise_staff_structure``)
is the set of series, levels and channels its people are in or headed for:

- its applications: the batch's series, level and channel;
- its applicants' titles: the series held and the next level up (助理 → 中级 → 副高级 → 正高级);
- its applicants' skill levels, the skill route (技能人才贯通): 技师 → 中级 (工程师), 高级技师 → 副高级;
- its recognitions: a valid one (专精特新, 小巨人, 单项冠军…) opens the dedicated channel (专项通道).

A document fits when, for each of its three tags, the tag is empty (the document suits every value),
or the structure knows nothing of that dimension (nothing to rule it out), or the two share a value. A
document that is not effective today (its current version starts later or has ended) is never proposed.
The reasons name the values that matched, so the commissioner sees why each one is there.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from applications.models import Channel, Level, Series

TAG_DIMENSIONS = (
    # (document field, structure attribute, choices)
    ("series", "series", Series),
    ("levels", "levels", Level),
    ("channels", "channels", Channel),
)
#: The next level of a title held: what its holder applies for.
NEXT_LEVEL = {"assistant": Level.INTERMEDIATE, "intermediate": Level.DEPUTY_SENIOR, "deputy_senior": Level.SENIOR}
#: The level a skill certificate leads to (人社部发〔2019〕16号: 技师 → 工程师, 高级技师 → 高级工程师).
SKILL_ROUTE_LEVEL = {"technician": Level.INTERMEDIATE, "senior_technician": Level.DEPUTY_SENIOR}


@dataclass(frozen=True)
class StaffStructure:
    series: frozenset = field(default_factory=frozenset)
    levels: frozenset = field(default_factory=frozenset)
    channels: frozenset = field(default_factory=frozenset)


def structure_from(*, applications=(), titles=(), skills=(), has_valid_recognition=False):
    """The structure from raw facts: ``applications`` as (series, level, channel), ``titles`` as
    (series, level held), ``skills`` as skill levels."""
    series, levels, channels = set(), set(), set()
    for app_series, app_level, app_channel in applications:
        series.add(app_series)
        levels.add(app_level)
        channels.add(app_channel)
    for title_series, held in titles:
        series.add(title_series)
        if held in NEXT_LEVEL:
            levels.add(NEXT_LEVEL[held].value)
    for skill in skills:
        if skill in SKILL_ROUTE_LEVEL:
            levels.add(SKILL_ROUTE_LEVEL[skill].value)
    if has_valid_recognition:
        channels.add(Channel.DEDICATED.value)
    return StaffStructure(series=frozenset(series), levels=frozenset(levels), channels=frozenset(channels))


def document_fit(document, structure):
    """None when ``document`` does not fit ``structure``; else the list of matched tag labels (empty for
    a document that suits everyone or whose tags the structure cannot rule out)."""
    matched = []
    for document_field, structure_field, choices in TAG_DIMENSIONS:
        tags = set(getattr(document, document_field) or [])
        known = getattr(structure, structure_field)
        if not tags or not known:
            continue
        common = tags & known
        if not common:
            return None
        labels = dict(choices.choices)
        matched += [str(labels.get(value, value)) for value in sorted(common)]
    return matched


def reason_text(matched):
    return "、".join(matched) if matched else _("For every enterprise")


def propose(documents, structure, *, today):
    """[(document, reason)] of the ``documents`` (their ``current_version`` loaded) that fit ``structure``
    and are effective on ``today``, in the order given."""
    proposals = []
    for document in documents:
        version = document.current_version
        if version is None or not version.is_effective(today):
            continue
        matched = document_fit(document, structure)
        if matched is not None:
            proposals.append((document, reason_text(matched)))
    return proposals
