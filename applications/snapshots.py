"""Snapshots of an application: the canonical content that is submitted, signed and compared.

``application_snapshot`` turns an application, its applicant's profile, its achievements and its
evidence into plain JSON data; ``snapshot_sha256`` hashes its canonical form (what the chairman signs);
``snapshot_diff`` lists field by field what changed between two submissions.
"""

import hashlib
import json
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from applications.models import (
    Achievement,
    ApplicantProfile,
    Application,
    EducationRecord,
    Evidence,
    SkillRecord,
    Submission,
    TitleRecord,
    WorkRecord,
)
from training.selectors import legacy_prefetch, legacy_rows

SNAPSHOT_VERSION = 1

_ACHIEVEMENT_FIELDS = [
    "kind",
    "title",
    "occurred_on",
    "description",
    "role",
    "level",
    "patent_number",
    "patent_type",
    "inventor_rank",
    "amount",
    "benefit",
]


def _value(value):
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return str(value)
    return value


def _row(obj, fields):
    return {field: _value(getattr(obj, field)) for field in fields}


def application_for_snapshot(pk):
    """The application with everything a snapshot reads, in a fixed number of queries."""
    return _for_snapshot().get(pk=pk)


def _for_snapshot():
    return (
        Application.objects.select_related("applicant", "enterprise", "batch")
        .prefetch_related(
            "achievements",
            "evidence",
            "applicant__applicant_profile__educations",
            "applicant__applicant_profile__titles",
            "applicant__applicant_profile__skills",
            "applicant__applicant_profile__work_history",
            legacy_prefetch("applicant"),
        )
        .select_related("applicant__applicant_profile__enterprise")
    )


def application_snapshot(application):
    """Plain data of everything the applicant states, as submitted or signed."""
    user = application.applicant
    try:
        profile = user.applicant_profile
    except ApplicantProfile.DoesNotExist:
        profile = None
    evidence = [e for e in application.evidence.all() if e.removed_at is None]
    by_achievement = {}
    for item in evidence:
        by_achievement.setdefault(item.achievement_id, []).append(
            {"id": item.pk, "name": item.original_name, "sha256": item.sha256, "size": item.size}
        )
    data = {
        "version": SNAPSHOT_VERSION,
        "applicant": {
            "real_name": user.real_name,
            "id_number": user.id_number or "",
            "mobile": user.mobile or "",
            "email": user.email,
        },
        "application": {
            "batch": application.batch.name,
            "enterprise": application.enterprise.name,
            "specialty": application.specialty,
            "summary": application.summary,
        },
        "profile": {},
        "achievements": [
            {"id": a.pk, **_row(a, _ACHIEVEMENT_FIELDS), "evidence": by_achievement.get(a.pk, [])}
            for a in application.achievements.all()
        ],
        "evidence": by_achievement.get(None, []),
    }
    if profile is not None:
        data["profile"] = {
            "enterprise": profile.enterprise.name if profile.enterprise_id else "",
            "department": profile.department,
            "position": profile.position,
            "specialty": profile.specialty,
            "educations": [
                {"id": e.pk, **_row(e, ["degree", "school", "major", "graduated_on"])} for e in profile.educations.all()
            ],
            "titles": [
                {"id": t.pk, **_row(t, ["series", "level", "name", "granted_on", "certificate_number"])}
                for t in profile.titles.all()
            ],
            "skills": [
                {"id": s.pk, **_row(s, ["level", "occupation", "granted_on", "certificate_number"])}
                for s in profile.skills.all()
            ],
            "work": [
                {"id": w.pk, **_row(w, ["employer", "position", "started_on", "ended_on"])}
                for w in profile.work_history.all()
            ],
            # The yearly rows the profile held before hours were recognised by staff, as they were then
            # (``training.selectors.legacy_rows``): hours recognised since are not the applicant's to sign.
            "training": legacy_rows(user),
        }
    return data


def snapshot_evidence_ids(data):
    """The IDs of the evidence files a snapshot names, in the order the snapshot lists them: the
    application's own files, then each achievement's."""
    files = list(data.get("evidence") or [])
    for achievement in data.get("achievements") or []:
        files.extend(achievement.get("evidence") or [])
    return [item["id"] for item in files if "id" in item]


def snapshot_sha256(data):
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def application_sha256(application_id):
    return snapshot_sha256(application_snapshot(application_for_snapshot(application_id)))


def applications_sha256(application_ids):
    """{pk: sha256 of its content} of many applications, in the same fixed number of queries as one."""
    if not application_ids:
        return {}
    return {a.pk: snapshot_sha256(application_snapshot(a)) for a in _for_snapshot().filter(pk__in=application_ids)}


def submission_store(*, application, transition):
    """Store the immutable snapshot of a submission (called by the transition function)."""
    data = application_snapshot(application_for_snapshot(application.pk))
    return Submission.objects.create(
        application=application,
        revision=application.revision,
        transition=transition,
        data=data,
        sha256=snapshot_sha256(data),
    )


# Labels of the snapshot's paths, for the diff shown to staff.
_SECTION_LABELS = {
    "applicant": _("Applicant"),
    "application": _("Application"),
    "profile": _("Profile"),
    "achievements": _("Achievement"),
    "evidence": _("Evidence of the application"),
    "educations": _("Education"),
    "titles": _("Title held"),
    "skills": _("Vocational skill level"),
    "work": _("Work history"),
    "training": _("Continuing education"),
}
_MODELS = [Application, ApplicantProfile, Achievement, EducationRecord, TitleRecord, SkillRecord, WorkRecord]
_MODELS += [Evidence]
_FIELD_LABELS = {
    # The carried-over yearly rows of continuing education (``training.selectors.legacy_rows``).
    "total_hours": _("total hours (学时)"),
    "specialty_hours": _("hours of specialty subjects"),
    "real_name": _("real name"),
    "id_number": _("ID number"),
    "mobile": _("mobile number"),
    "email": _("email"),
    "batch": _("batch"),
    "enterprise": _("employer"),
    "evidence": _("evidence files"),
    "name": _("name"),
}


def _field_label(field):
    if field in _FIELD_LABELS:
        return _FIELD_LABELS[field]
    for model in _MODELS:
        names = {f.name: f for f in model._meta.get_fields()}
        if field in names and hasattr(names[field], "verbose_name"):
            return names[field].verbose_name
    return field


@dataclass(frozen=True)
class Change:
    """One difference between two snapshots. ``kind`` is added, removed or changed."""

    section: str
    item: str
    field: str
    kind: str
    old: object
    new: object

    @property
    def section_label(self):
        return _SECTION_LABELS.get(self.section, self.section)

    @property
    def field_label(self):
        return _field_label(self.field) if self.field else ""


def _describe(item):
    for key in ("title", "name", "school", "employer", "year", "patent_number"):
        if item.get(key):
            return str(item[key])
    return f"#{item.get('id', '')}"


def _compare_fields(section, item, old, new, changes):
    for field in sorted(set(old) | set(new)):
        if field in ("id", "evidence"):
            continue
        if old.get(field) != new.get(field):
            changes.append(Change(section, item, field, "changed", old.get(field), new.get(field)))


def _compare_files(section, item, old, new, changes):
    old_files = {f["sha256"] + f["name"]: f for f in old or []}
    new_files = {f["sha256"] + f["name"]: f for f in new or []}
    for key in new_files.keys() - old_files.keys():
        changes.append(Change(section, item, "evidence", "added", None, new_files[key]["name"]))
    for key in old_files.keys() - new_files.keys():
        changes.append(Change(section, item, "evidence", "removed", old_files[key]["name"], None))


def _compare_lists(section, old, new, changes):
    old_by_id = {row["id"]: row for row in old or []}
    new_by_id = {row["id"]: row for row in new or []}
    for pk, row in new_by_id.items():
        if pk not in old_by_id:
            changes.append(Change(section, _describe(row), "", "added", None, _describe(row)))
            continue
        _compare_fields(section, _describe(row), old_by_id[pk], row, changes)
        if "evidence" in row or "evidence" in old_by_id[pk]:
            _compare_files(section, _describe(row), old_by_id[pk].get("evidence"), row.get("evidence"), changes)
    for pk, row in old_by_id.items():
        if pk not in new_by_id:
            changes.append(Change(section, _describe(row), "", "removed", _describe(row), None))


def snapshot_diff(old, new):
    """What changed from the snapshot ``old`` to ``new``, field by field, in a stable order."""
    changes = []
    for section in ("applicant", "application"):
        _compare_fields(section, "", old.get(section, {}), new.get(section, {}), changes)
    old_profile, new_profile = old.get("profile", {}), new.get("profile", {})
    scalar_old = {k: v for k, v in old_profile.items() if not isinstance(v, list)}
    scalar_new = {k: v for k, v in new_profile.items() if not isinstance(v, list)}
    _compare_fields("profile", "", scalar_old, scalar_new, changes)
    for section in ("educations", "titles", "skills", "work", "training"):
        _compare_lists(section, old_profile.get(section, []), new_profile.get(section, []), changes)
    _compare_lists("achievements", old.get("achievements", []), new.get("achievements", []), changes)
    _compare_files("evidence", "", old.get("evidence"), new.get("evidence"), changes)
    return changes
