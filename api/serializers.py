"""What the API reads and writes, field by field. Reads come from the apps' selectors, writes go to
their services: a serializer checks the shape of the input (types, lengths, choices) and leaves every
rule of the domain (the credit code's check character, the Excel's checks of hours) to the service."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.models import Application, Batch
from enterprises.models import Enterprise, Recognition, RecognitionKind, RecognitionLevel, ServiceTier
from results.documents.filing_excel import COLUMNS, EXCHANGE_KEYS, filing_row
from results.models import Certificate, RevokeCategory
from training import excel as training_excel
from zaozhuang_titles.links import absolute_url
from zaozhuang_titles.masking import mask_id_number
from zaozhuang_titles.models import Division, Town
from zaozhuang_titles.text import CleanTextValidator


# What ``zaozhuang_titles.forms.CleanTextMixin`` is to the portal's forms, for the API's writes: every
# writable text field refuses control characters and text direction controls, with the same message. (A
# comment, not a docstring: drf-spectacular would print a docstring into each subclass's schema.)
class CleanTextSerializer(serializers.Serializer):
    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if (
                isinstance(field, serializers.CharField)
                and not field.read_only
                and not any(isinstance(validator, CleanTextValidator) for validator in field.validators)
            ):
                field.validators.append(CleanTextValidator(multiline=False))
        return fields


class BatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Batch
        fields = ["id", "name", "year", "series", "level", "channel", "status", "opens_at", "closes_at"]
        # Bounds of our own: the model field's upper bound comes from the database (SQLite's 64-bit,
        # PostgreSQL's smallint), and the schema must not change with the database it is made on.
        extra_kwargs = {"year": {"max_value": 2100}}


def _filed_fields():
    """The 备案表's ten columns (``results.documents.filing_excel.COLUMNS``) under their exchange keys."""
    return {
        key: serializers.CharField(read_only=True, help_text=column)
        for key, column in zip(EXCHANGE_KEYS, COLUMNS, strict=True)
    }


class _FiledResultBase(serializers.Serializer):
    application_number = serializers.CharField(read_only=True, help_text="申报编号")
    filing_number = serializers.CharField(read_only=True, help_text="备案文号（省里编号前为空）")
    filed_on = serializers.DateField(read_only=True, allow_null=True, help_text="备案日期")

    def to_representation(self, row):
        cells = dict(
            zip(
                EXCHANGE_KEYS,
                filing_row(row, committee=self.context["committee"], default_title=self.context["default_title"]),
                strict=True,
            )
        )
        if not self.context.get("personal"):
            cells["id_number"] = mask_id_number(cells["id_number"])
        return {
            "application_number": row["application_number"],
            "filing_number": row["filing_number"] or "",
            "filed_on": row["filed_on"].isoformat() if row["filed_on"] else None,
            **cells,
        }


#: One filed application: the 备案表's columns, as the provincial platform exchanges them. The ID number
#: is masked unless the client holds ``results:personal`` (``context["personal"]``).
FiledResultSerializer = type("FiledResultSerializer", (_FiledResultBase,), _filed_fields())


class CertificateSerializer(serializers.ModelSerializer):
    application_number = serializers.CharField(source="application.number", read_only=True)
    valid = serializers.BooleanField(source="is_valid", read_only=True)
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "number",
            "application_number",
            "holder_name",
            "series",
            "level",
            "title_name",
            "granted_on",
            "committee_name",
            "issued_at",
            "valid",
            "revoked_at",
            "revoke_category",
            "verification_url",
        ]

    def get_verification_url(self, certificate) -> str:
        return absolute_url(
            reverse("results:certificate_verify", args=[certificate.token]), request=self.context.get("request")
        )


class VerificationSerializer(serializers.ModelSerializer):
    """What the public verification page (码上看) shows of a certificate."""

    valid = serializers.BooleanField(source="is_valid", read_only=True)
    revoke_category = serializers.ChoiceField(choices=RevokeCategory.choices, read_only=True, allow_blank=True)

    class Meta:
        model = Certificate
        fields = [
            "number",
            "holder_name",
            "series",
            "level",
            "title_name",
            "granted_on",
            "committee_name",
            "valid",
            "revoked_at",
            "revoke_category",
        ]


class RecognitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recognition
        fields = ["id", "kind", "level", "year_granted", "certificate_number", "expires_on", "policy_version"]


class EnterpriseSerializer(serializers.ModelSerializer):
    division = serializers.CharField(source="division.code", read_only=True, help_text="区(市)代码")
    division_name = serializers.CharField(source="division.name", read_only=True)
    town = serializers.SerializerMethodField(help_text="镇/街")
    recognitions = RecognitionSerializer(many=True, read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "legal_representative",
            "chairman_name",
            "address",
            "division",
            "division_name",
            "town",
            "industry",
            "professional_staff_count",
            "is_key",
            "service_tier",
            "status",
            "recognitions",
        ]
        # As the write serializer bounds it; not the database's integer range (see BatchSerializer).
        extra_kwargs = {"professional_staff_count": {"max_value": 1_000_000}}

    def get_town(self, enterprise) -> str:
        return enterprise.town.name if enterprise.town_id else ""


class RecognitionWriteSerializer(CleanTextSerializer):
    kind = serializers.ChoiceField(choices=RecognitionKind.choices)
    level = serializers.ChoiceField(choices=RecognitionLevel.choices)
    year_granted = serializers.IntegerField(min_value=0, max_value=32767)
    certificate_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    expires_on = serializers.DateField(required=False, allow_null=True)
    policy_version = serializers.CharField(max_length=100, required=False, allow_blank=True)


class DivisionField(serializers.CharField):
    """A division by its code (370481) or its name (滕州市). Looked up only after the text field's own
    checks and validators (a NUL, a control character) have passed: PostgreSQL refuses a NUL in a query."""

    def run_validation(self, data=serializers.empty):
        text = super().run_validation(data)[:50]
        division = Division.objects.filter(code=text).first() or Division.objects.filter(name=text).first()
        if division is None:
            names = "、".join(f"{code} {name}" for code, name in Division.objects.values_list("code", "name"))
            raise serializers.ValidationError(
                _("No division %(value)s; the divisions are %(names)s.") % {"value": text, "names": names}
            )
        return division


class EnterpriseWriteSerializer(CleanTextSerializer):
    """An enterprise as the industry department sends it. ``town`` is a town of its division by name;
    ``recognitions`` are added with a new enterprise only (a recognition of a known enterprise has its
    own operations). The credit code is checked, and made canonical, by ``enterprises``."""

    credit_code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    legal_representative = serializers.CharField(max_length=50)
    chairman_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    division = DivisionField()
    town = serializers.CharField(max_length=50, required=False, allow_blank=True)
    industry = serializers.CharField(max_length=100, required=False, allow_blank=True)
    professional_staff_count = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    is_key = serializers.BooleanField(required=False)
    service_tier = serializers.ChoiceField(choices=ServiceTier.choices, required=False)
    recognitions = RecognitionWriteSerializer(many=True, required=False, max_length=20)

    def validate(self, data):
        if "town" in data:
            division = data.get("division") or getattr(self.instance, "division", None)
            name = data.pop("town")
            if not name:
                data["town"] = None
            else:
                town = Town.objects.filter(division=division, name=name).first()
                if town is None:
                    raise serializers.ValidationError(
                        {"town": _("%(town)s is not a town of %(division)s.") % {"town": name, "division": division}}
                    )
                data["town"] = town
        return data


class EnterpriseUpdateSerializer(EnterpriseWriteSerializer):
    """A change of a known enterprise: any of the fields, the credit code excepted (it names the
    enterprise in the URL; a wrong code is corrected by HR staff)."""

    credit_code = None
    recognitions = None
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True, write_only=True)


class RecognitionUpdateSerializer(RecognitionWriteSerializer):
    kind = serializers.ChoiceField(choices=RecognitionKind.choices, required=False)
    level = serializers.ChoiceField(choices=RecognitionLevel.choices, required=False)
    year_granted = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class HoursRecordSerializer(CleanTextSerializer):
    """One record of the training platform: the columns of its Excel (``training.excel.COLUMNS``)."""

    record = serializers.CharField(max_length=200, help_text="学时记录编号")
    id_number = serializers.CharField(max_length=40, help_text="身份证号")
    name = serializers.CharField(max_length=50, help_text="姓名")
    year = serializers.IntegerField(min_value=0, max_value=9999, help_text="年度")
    category = serializers.CharField(max_length=20, help_text="科目类别：公需科目 或 专业科目")
    hours = serializers.IntegerField(min_value=0, max_value=32767, help_text="学时（整数）")
    course = serializers.CharField(max_length=400, help_text="课程名称")
    provider = serializers.CharField(max_length=400, required=False, allow_blank=True, help_text="培训机构")


class HoursSubmissionSerializer(CleanTextSerializer):
    records = HoursRecordSerializer(many=True, min_length=1, max_length=training_excel.MAX_ROWS)

    def raw_rows(self):
        """``(number, {column: text})`` as the Excel's reader gives them: the same checks follow."""
        return [
            (number, {key: str(record.get(key, "")).strip() for key, _title in training_excel.COLUMNS})
            for number, record in enumerate(self.validated_data["records"], start=1)
        ]


class HoursEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    record = serializers.CharField(source="platform_record")
    status = serializers.CharField()


class HoursResultSerializer(serializers.Serializer):
    import_id = serializers.IntegerField()
    count = serializers.IntegerField()
    entries = HoursEntrySerializer(many=True)


class ApplicationStatusSerializer(serializers.ModelSerializer):
    batch = serializers.CharField(source="batch.name", read_only=True)
    status_label = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["number", "batch", "specialty", "status", "status_label", "submitted_at", "status_changed_at"]

    @extend_schema_field(serializers.CharField())
    def get_status_label(self, application):
        return str(application.get_status_display())
