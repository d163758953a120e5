"""What belongs to no single app: people and their roles, the city's divisions, the security audit log.

- ``User``: every person who logs in (applicant, chairman, staff, expert, commissioner). One row per
  person; the ID number is stored here once.
- ``RoleAssignment``: the roles a user holds (a user may hold several); district staff are bound to
  one division.
- ``Division`` and ``Town``: Zaozhuang's districts (区/市, plus 高新区) and their towns or subdistricts
  (镇/街). They are reference geography used by accounts, enterprises and statistics alike.
- ``AuditEvent``: the append-only log of security events (login, lockout, unmasked ID viewed, file
  download, export). The workflow's own transition logs live with the workflow.
- ``CalendarDay``: holidays and make-up working days (调休上班) entered by city staff, for the years the
  ``chinesecalendar`` package does not cover and for corrections; read by ``zaozhuang_titles.workdays``.
- ``SmsMessage``: a text message as the development SMS backend keeps it (``zaozhuang_titles.sms``).
- ``OneTimeCode``: a 6-digit code sent by SMS to confirm an act such as signing a nomination; only its
  salted HMAC is stored (``zaozhuang_titles.otp``).
- ``FailedTask``: a Celery task that failed after its last retry, shown to city staff who may retry it.
"""

import string

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zaozhuang_titles.identifiers import CodeCharField, canonical_code, foreign_character_error
from zaozhuang_titles.masking import mask_id_number, mask_mobile
from zaozhuang_titles.validators import validate_id_number

#: ASCII digits only: ``\d`` would take any Unicode digit, and "１３８…" would be a second account.
MOBILE_PATTERN = r"^1[3-9][0-9]{9}$"
_mobile_shape = RegexValidator(
    MOBILE_PATTERN,
    _("Enter an 11-digit mainland mobile number starting with 1, for example 13800000000."),
)


def mobile_validator(value):
    """An 11-digit mainland mobile number in ASCII digits; a character that is no digit is named."""
    error = foreign_character_error(value or "", string.digits, what=_("a mobile number"), code="mobile_characters")
    if error is not None:
        raise error
    _mobile_shape(value)


class Role(models.TextChoices):
    """The roles of MISSION.md. Order matters: a user with several lands on the first one's home."""

    ADMINISTRATOR = "administrator", _("Administrator")
    CITY_STAFF = "city_staff", _("City HR staff")
    DISTRICT_STAFF = "district_staff", _("District HR staff")
    EXPERT = "expert", _("Expert")
    COMMISSIONER = "commissioner", _("Service commissioner")
    CHAIRMAN = "chairman", _("Chairman")
    ENTERPRISE_CONTACT = "enterprise_contact", _("Enterprise contact")
    APPLICANT = "applicant", _("Applicant")


#: Roles a person may take by registering online; every other role is granted by city staff.
SELF_REGISTERED_ROLES = (Role.APPLICANT, Role.ENTERPRISE_CONTACT)
#: Roles whose holders work in Django admin (``is_staff``): district staff see their own division there.
ADMIN_SITE_ROLES = (Role.ADMINISTRATOR, Role.CITY_STAFF, Role.DISTRICT_STAFF)
#: Roles only administrators grant (city staff grant the others, district staff among them).
ADMIN_GRANTED_ROLES = (Role.ADMINISTRATOR, Role.CITY_STAFF)


class Division(models.Model):
    """区(市) — a district or county-level city of Zaozhuang, or the 高新区 functional zone."""

    code = models.CharField(
        _("division code"),
        max_length=6,
        unique=True,
        help_text=_("The 6-digit administrative code, or a local code for a functional zone without one."),
    )
    name = models.CharField(_("name"), max_length=50, unique=True)
    has_standard_code = models.BooleanField(
        _("has a standard administrative code"),
        default=True,
        help_text=_("False for a functional zone such as 枣庄高新区, which has no GB/T 2260 code."),
    )
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)

    class Meta:
        verbose_name = _("division (区/市)")
        verbose_name_plural = _("divisions (区/市)")
        ordering = ["ordering", "code"]

    def __str__(self):
        return self.name


class Town(models.Model):
    """镇/街 — a town or subdistrict inside a division."""

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="towns", verbose_name=_("division"))
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("town or subdistrict (镇/街)")
        verbose_name_plural = _("towns and subdistricts (镇/街)")
        ordering = ["division__ordering", "name"]
        constraints = [models.UniqueConstraint(fields=["division", "name"], name="town_unique_name_per_division")]

    def __str__(self):
        return f"{self.division.name} {self.name}"


class PortalUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(**{self.model.USERNAME_FIELD: username})


class User(AbstractUser):
    """A person who logs in. ``real_name`` is the legal name shown everywhere (姓名)."""

    # Username, mobile and ID number are stored canonical (``zaozhuang_titles.identifiers``): the login
    # names are unique as typed and as canonical, and no account's mobile is another account's username.
    username = CodeCharField(
        _("username"),
        upper=False,
        max_length=150,
        unique=True,
        help_text=_("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."),
        validators=[AbstractUser.username_validator],
        error_messages={"unique": _("A user with that username already exists.")},
    )
    real_name = models.CharField(_("real name"), max_length=50)
    mobile = CodeCharField(
        _("mobile number"), max_length=11, unique=True, null=True, blank=True, validators=[mobile_validator]
    )
    id_number = CodeCharField(
        _("ID number"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_id_number],
        help_text=_("居民身份证号码, 18 characters. Shown masked to anyone who does not need it whole."),
    )

    staff_digest = models.BooleanField(
        _("daily digest of pending work (每日待办提醒)"),
        default=True,
        help_text=_("HR staff receive a notice each working day listing what waits for them; they may turn it off."),
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            # The database refuses a mobile that is not 11 ASCII digits (a full-width or Arabic-Indic one).
            models.CheckConstraint(
                condition=models.Q(mobile__isnull=True) | models.Q(mobile__regex=MOBILE_PATTERN),
                name="user_mobile_canonical",
                violation_error_message=_("Enter an 11-digit mainland mobile number starting with 1."),
            ),
        ]

    def __str__(self):
        return self.real_name or self.username

    def get_full_name(self):
        return self.real_name or self.username

    def clean(self):
        super().clean()
        # One login name, one account: this account's mobile may not be another's username or mobile,
        # nor its username another's mobile (else logging in with it would reach the wrong account).
        others = User.objects.exclude(pk=self.pk) if self.pk else User.objects.all()
        mobile, username = canonical_code(self.mobile), canonical_code(self.username, upper=False)
        if mobile and others.filter(models.Q(username=mobile) | models.Q(mobile=mobile)).exists():
            raise ValidationError(
                {"mobile": _("This mobile number is the login name of another account; use your own number.")},
                code="mobile_taken",
            )
        if username and others.filter(mobile=username).exists():
            raise ValidationError(
                {"username": _("This username is the mobile number of another account.")}, code="username_taken"
            )

    @property
    def masked_id_number(self):
        return mask_id_number(self.id_number)

    @property
    def masked_mobile(self):
        return mask_mobile(self.mobile)

    @cached_property
    def role_assignments(self):
        """The user's roles, loaded in one query and kept for the request."""
        if not self.pk:
            return []
        return list(self.roles.select_related("division").all())

    @cached_property
    def role_set(self):
        return frozenset(assignment.role for assignment in self.role_assignments)

    def has_role(self, role):
        return self.is_active and role in self.role_set

    @property
    def primary_role(self):
        for role in Role:
            if role in self.role_set:
                return role
        return None

    @property
    def district(self):
        """The division a district staff member is bound to, or None."""
        for assignment in self.role_assignments:
            if assignment.role == Role.DISTRICT_STAFF:
                return assignment.division
        return None


class RoleAssignment(models.Model):
    """One role held by one user; district staff name their division."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_roles",
        verbose_name=_("division"),
        help_text=_("Required for district HR staff, who see only their own division."),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    granted_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_assignment_unique_role_per_user"),
            models.CheckConstraint(
                condition=models.Q(role=Role.DISTRICT_STAFF, division__isnull=False)
                | (~models.Q(role=Role.DISTRICT_STAFF) & models.Q(division__isnull=True)),
                name="role_assignment_division_only_for_district_staff",
            ),
        ]

    def __str__(self):
        if self.division_id:
            return f"{self.get_role_display()} ({self.division})"
        return str(self.get_role_display())

    def clean(self):
        if self.role == Role.DISTRICT_STAFF and not self.division_id:
            raise ValidationError({"division": _("District HR staff must be bound to one division.")})
        if self.role != Role.DISTRICT_STAFF and self.division_id:
            raise ValidationError({"division": _("Only district HR staff are bound to a division.")})


class AuditEvent(models.Model):
    """One security event. Append-only: rows are never changed or deleted, with one exception: a
    refusal repeated by one user on one URL pattern within one minute is counted on that minute's
    event (``count``, ``rollup_key``; ``zaozhuang_titles.audit.audit_denial``) rather than written
    again, so that a sweep cannot flood the log."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKOUT = "lockout", _("Account locked")
        LOGOUT = "logout", _("Logout")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset")
        REGISTERED = "registered", _("Registered")
        ROLE_GRANTED = "role_granted", _("Role granted")
        PERMISSION_DENIED = "permission_denied", _("Permission denied")
        ID_NUMBER_VIEWED = "id_number_viewed", _("Unmasked ID number viewed")
        FILE_DOWNLOADED = "file_downloaded", _("File downloaded")
        EXPORTED = "exported", _("Data exported")
        PREFERENCE_CHANGED = "preference_changed", _("Preference changed")
        API_CLIENT = "api_client", _("API client changed")
        CERTIFICATE_REVOKED = "certificate_revoked", _("Certificate revoked")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    username = models.CharField(
        _("username as entered"), max_length=150, blank=True, help_text=_("Kept for failed logins of unknown users.")
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    count = models.PositiveIntegerField(
        _("occurrences"), default=1, help_text=_("Refusals of one user on one URL pattern within the minute.")
    )
    # NULL for every event but a refusal: a unique index that both SQLite and PostgreSQL use for the
    # roll-up's lookup (an empty string would collide, a partial index SQLite would not use for it).
    rollup_key = models.CharField(_("roll-up key"), max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("Audit events are append-only and cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audit events are append-only and cannot be deleted."))


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("holiday (休)")
    MAKEUP_WORKING_DAY = "makeup_working_day", _("make-up working day (调休上班)")


class CalendarDay(models.Model):
    """节假日安排 — one day of the State Council's holiday notice, entered by city staff.

    ``zaozhuang_titles.workdays`` reads these entries: on its date an entry overrides the
    ``chinesecalendar`` package (so a wrong day can be corrected), and for a year the package does not
    cover, the year's entries plus weekends are the calendar. A year without any entry falls back to
    the statutory holidays and is reported as provisional. Changes are kept in the history table,
    since they move legal deadlines (公示 and 补正 periods).
    """

    Kind = CalendarDayKind

    date = models.DateField(
        _("date"),
        unique=True,
        help_text=_(
            "An entry overrides the built-in calendar on its date. For a year the built-in calendar does not "
            "cover, enter the whole State Council notice: every holiday and every make-up working day. A year "
            "with no entry is counted with statutory holidays and weekends only, as provisional."
        ),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name = models.CharField(
        _("holiday name"),
        max_length=50,
        help_text=_("The holiday the day belongs to, for example 春节 or 国庆节; make-up days name theirs too."),
    )
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_(
            "Where the day comes from, for example the State Council notice (国务院办公厅通知) and its number."
        ),
    )
    history = HistoricalRecords(verbose_name=_("historical calendar day"))

    class Meta:
        verbose_name = _("holiday or make-up working day (节假日安排)")
        verbose_name_plural = _("holidays and make-up working days (节假日安排)")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CalendarDayKind.values),
                name="calendar_day_kind_valid",
            )
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name} ({self.get_kind_display()})"


class SmsMessage(models.Model):
    """One text message, as the development backend (``ConsoleAndDatabaseBackend``) records it.

    ``send_sms`` builds an unsaved instance and hands it to the configured backend; a real gateway
    backend need not store it (and should not store codes).
    """

    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    mobile = models.CharField(_("mobile number"), max_length=20)
    text = models.TextField(_("text"))
    purpose = models.CharField(_("purpose"), max_length=50)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    backend = models.CharField(_("backend"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SENT)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.mobile} {self.purpose}"


#: Wrong tries after which a one-time code is locked.
OTP_MAX_ATTEMPTS = 5


class OneTimeCode(models.Model):
    """A one-time code for one user, purpose and object (``key``, e.g. ``nomination:42``).

    Only the latest code of a (user, purpose, key) counts. The code itself is never stored: ``code_hash``
    is an HMAC (keyed by SECRET_KEY) of the row's salt, user, purpose, key and code.
    """

    MAX_ATTEMPTS = OTP_MAX_ATTEMPTS

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    purpose = models.CharField(_("purpose"), max_length=50)
    key = models.CharField(_("object"), max_length=100)
    salt = models.CharField(_("salt"), max_length=32)
    code_hash = models.CharField(_("code hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "purpose", "key", "-created_at"], name="otp_latest_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(attempts__lte=OTP_MAX_ATTEMPTS), name="otp_attempts_at_most_max"),
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("created_at")), name="otp_expires_later"),
        ]

    def __str__(self):
        return f"{self.user} {self.purpose} {self.key} {self.created_at:%Y-%m-%d %H:%M:%S}"


class Notice(models.Model):
    """站内消息 — a message to one user in the portal, and the state of its email copy.

    Notices are written in the same transaction as the change they tell about (an outbox): queuing the
    email happens on commit, and a periodic sweep sends what a dead broker left unsent. ``key`` makes
    each notice unique (for example ``transition:42:applicant``), so a task that runs twice, or the
    sweep and a worker racing, never tells anyone twice."""

    class Email(models.TextChoices):
        PENDING = "pending", _("to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        NONE = "none", _("no email")

    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="notices", verbose_name=_("recipient"))
    key = models.CharField(_("key"), max_length=100, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email = models.CharField(_("email"), max_length=16, choices=Email.choices, default=Email.PENDING, db_index=True)
    email_sent_at = models.DateTimeField(_("email sent at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("email attempts"), default=0)
    email_error = models.CharField(_("last email error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("notice (站内消息)")
        verbose_name_plural = _("notices (站内消息)")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread_idx"),
            # The user's notices, newest first, a keyset page at a time.
            models.Index(fields=["recipient", "created_at", "id"], name="notice_recipient_order_idx"),
        ]

    def __str__(self):
        return self.subject


class FailedTask(models.Model):
    """A background task that failed for good (after its last retry), for city staff to see and retry.

    Written by the ``task_failure`` receiver (``zaozhuang_titles.failed_tasks``). Tasks take IDs only,
    so ``kwargs`` holds no personal data; a retry queues the task again by name with the same kwargs."""

    task_name = models.CharField(_("task"), max_length=200, db_index=True)
    task_id = models.CharField(_("task ID"), max_length=64, blank=True)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    exception = models.TextField(_("error"), blank=True)
    traceback = models.TextField(_("traceback (excerpt)"), blank=True)
    failed_at = models.DateTimeField(_("failed at"), default=timezone.now, db_index=True)
    retried_at = models.DateTimeField(_("retried at"), null=True, blank=True)
    retried_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("retried by")
    )
    retry_task_id = models.CharField(_("task ID of the retry"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")
        ordering = ["-failed_at", "-id"]

    def __str__(self):
        return f"{self.task_name} {self.failed_at:%Y-%m-%d %H:%M:%S}"


class IdentifierIssue(models.Model):
    """标识号问题 — a stored identifier that was not in its canonical form when the portal began to
    normalise them (``zaozhuang_titles.identifiers``), as the data migration found it.

    Nothing was merged or deleted: an account's mobile number was rewritten to its canonical ASCII form
    when that form was free, and set aside (kept here, the column emptied) when another account already
    had it; every other column was left as it was for staff to correct. Read-only; written by the
    migration only."""

    class Action(models.TextChoices):
        REPORTED = "reported", _("Reported, left unchanged")
        REWRITTEN = "rewritten", _("Rewritten to the canonical form")
        SET_ASIDE = "set_aside", _("Set aside: another record has the canonical form")

    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    model = models.CharField(_("model"), max_length=100)
    object_id = models.CharField(_("object ID"), max_length=64)
    field = models.CharField(_("field"), max_length=64)
    stored_value = models.CharField(_("value as stored"), max_length=200)
    canonical_value = models.CharField(_("canonical form"), max_length=200, blank=True)
    same_as = models.CharField(
        _("same canonical value as"),
        max_length=64,
        blank=True,
        help_text=_("The ID of the other record of the same model with this canonical value: maybe one person twice."),
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)

    class Meta:
        verbose_name = _("identifier not in canonical form (标识号问题)")
        verbose_name_plural = _("identifiers not in canonical form (标识号问题)")
        ordering = ["model", "field", "object_id"]

    def __str__(self):
        return f"{self.model} #{self.object_id} {self.field}: {self.stored_value}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be built")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Removed after the keeping period")


class Export(models.Model):
    """导出 — one Excel file of a filtered list (applications, enterprises, experts, service log), asked by
    one user. ``zaozhuang_titles.exports`` builds it: in the request for a small list, by a Celery task
    with ``progress`` for a large one. ``params`` are the list's query parameters and ``description``
    the filter in words, as the audit log records them. The file lives in the default storage (private
    media, never served by the web server) for ``EXPORT_KEEP_DAYS`` days; then beat removes it and the
    row stays, ``expired``, as the record of what was exported."""

    Status = ExportStatus

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="exports", verbose_name=_("asked by"))
    kind = models.CharField(_("what is exported"), max_length=50)
    source = models.CharField(_("list"), max_length=100)
    description = models.CharField(_("filter"), max_length=500, blank=True)
    params = models.JSONField(_("query parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    progress = models.PositiveIntegerField(_("rows written"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("file"), upload_to="exports/", max_length=200, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("export (导出)")
        verbose_name_plural = _("exports (导出)")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at", "-id"], name="export_user_latest_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ExportStatus.values), name="export_status_valid"),
            # A file is kept only for a finished export; a failed or removed one never serves half a file.
            models.CheckConstraint(
                condition=models.Q(status=ExportStatus.DONE) | models.Q(file=""), name="export_file_only_when_done"
            ),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind} ({self.user})"

    @property
    def percent(self):
        """How far the build has got, 0-100."""
        if self.status == ExportStatus.DONE:
            return 100
        if not self.row_count:
            return 0
        return min(99, self.progress * 100 // self.row_count)

    @property
    def is_working(self):
        return self.status in (ExportStatus.PENDING, ExportStatus.RUNNING)
