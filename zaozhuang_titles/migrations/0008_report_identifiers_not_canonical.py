"""Find every stored identifier that is not in its canonical form (NFKC, ASCII digits, upper case: see
``zaozhuang_titles.identifiers``), print it and record it as an ``IdentifierIssue`` staff see in admin.

Nothing is merged or deleted. An account's mobile number must be canonical from the next migration on
(a database constraint): a non-canonical one is rewritten to its canonical form when no other account
has that as username or mobile, and otherwise set aside (the column emptied, the value kept in the
issue) for staff to decide: it is probably one person's second account. Every other column is only
reported. History tables are left as they were. The reverse does nothing.
"""

import re
import sys

from django.db import migrations

from zaozhuang_titles.identifiers import canonical_code

#: (app label, model, field, upper-cased?) of every column holding a code a person typed.
IDENTIFIER_COLUMNS = [
    ("zaozhuang_titles", "User", "username", False),
    ("zaozhuang_titles", "User", "mobile", True),
    ("zaozhuang_titles", "User", "id_number", True),
    ("enterprises", "Enterprise", "credit_code", True),
    ("enterprises", "Recognition", "certificate_number", True),
    ("enterprises", "EnterpriseContact", "mobile", True),
    ("applications", "TitleRecord", "certificate_number", True),
    ("applications", "SkillRecord", "certificate_number", True),
    ("applications", "Achievement", "patent_number", True),
    ("reviews", "Expert", "employer_credit_code", True),
    ("results", "Objection", "mobile", True),
    ("results", "Filing", "number", True),
    ("results", "Certificate", "number", True),
]
MOBILE = re.compile(r"1[3-9][0-9]{9}")


def _same_as(model, field, canonical, pk):
    if not canonical:
        return ""
    other = model.objects.filter(**{field: canonical}).exclude(pk=pk).values_list("pk", flat=True).first()
    return "" if other is None else str(other)


def _user_mobile(User, pk, value, canonical):
    """Rewrite or set aside an account's mobile that the constraint of the next migration would refuse."""
    taken = (
        User.objects.exclude(pk=pk).filter(username=canonical).values_list("pk", flat=True).first()
        or User.objects.exclude(pk=pk).filter(mobile=canonical).values_list("pk", flat=True).first()
    )
    if MOBILE.fullmatch(canonical) and taken is None:
        User.objects.filter(pk=pk).update(mobile=canonical)
        return "rewritten", ""
    User.objects.filter(pk=pk).update(mobile=None)
    return "set_aside", "" if taken is None else str(taken)


def report(apps, schema_editor):
    Issue = apps.get_model("zaozhuang_titles", "IdentifierIssue")
    found = []
    for app_label, model_name, field, upper in IDENTIFIER_COLUMNS:
        model = apps.get_model(app_label, model_name)
        rows = model.objects.exclude(**{f"{field}__isnull": True}).exclude(**{field: ""})
        for pk, value in list(rows.values_list("pk", field).order_by("pk")):
            canonical = canonical_code(value, upper=upper)
            is_user_mobile = (model_name, field) == ("User", "mobile")
            if canonical == value and not (is_user_mobile and not MOBILE.fullmatch(value)):
                continue
            if is_user_mobile:
                action, same_as = _user_mobile(model, pk, value, canonical)
            else:
                action, same_as = "reported", _same_as(model, field, canonical, pk)
            found.append(
                Issue(
                    model=f"{app_label}.{model_name.lower()}",
                    object_id=str(pk),
                    field=field,
                    stored_value=value[:200],
                    canonical_value=canonical[:200],
                    same_as=same_as,
                    action=action,
                )
            )
    Issue.objects.bulk_create(found)
    if found:
        sys.stdout.write(f"\n  {len(found)} identifiers not in canonical form (admin: 标识号问题):\n")
        for issue in found:
            sys.stdout.write(
                f"    {issue.model} #{issue.object_id} {issue.field}: {issue.stored_value!a} -> "
                f"{issue.canonical_value!a} [{issue.action}]"
                + (f" same as #{issue.same_as}" if issue.same_as else "")
                + "\n"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("zaozhuang_titles", "0007_identifierissue"),
        ("enterprises", "0002_identifier_fields_canonical"),
        ("applications", "0007_identifier_fields_canonical"),
        ("reviews", "0003_identifier_fields_canonical"),
        ("results", "0005_identifier_fields_canonical"),
    ]

    operations = [migrations.RunPython(report, migrations.RunPython.noop)]
