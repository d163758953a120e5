"""Pages of the applicant: 我的申报 (home), the profile (个人档案) and its records, the application with
its achievements and evidence files, eligibility, submission, the answer to a return for correction,
withdrawal; and two pages every participant of an application uses: the timeline (办件进度) and the
evidence download.

Every application is loaded through ``selectors.application_detail`` (404 outside the reader's scope);
the applicant's own pages further require that the reader is its applicant (404 otherwise). Writes go
through ``applications.services``; their ``ValidationError`` is shown on the form or as a message.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applications import guards, services
from applications.eligibility import Outcome
from applications.evidence import CONTENT_TYPES, file_response
from applications.forms_applicant import (
    ApplicationForm,
    EducationForm,
    EvidenceForm,
    KindForm,
    PhotoForm,
    ProfileForm,
    SkillForm,
    TitleForm,
    WithdrawForm,
    WorkForm,
    achievement_form,
)
from applications.models import (
    Achievement,
    AchievementKind,
    ApplicantProfile,
    Application,
    Batch,
    CorrectionRequest,
    EducationRecord,
    Evidence,
    SkillRecord,
    Status,
    TitleRecord,
    WorkRecord,
)
from applications.rules import takes_part_in_applications
from applications.selectors import (
    application_detail,
    application_eligibility,
    application_timeline,
    applications_of_applicant,
    batches_accepting,
    correction_open,
    corrections_of,
    live_evidence,
    nomination_signatures,
    photo_of,
)
from applications.validators import id_number_birth_date, id_number_sex
from applications.views.common import add_errors, date_text, eligibility_rows, error_messages
from applications.workflow import MOVES, TransitionConflict, available_actions
from enterprises.models import Enterprise
from zaozhuang_titles.audit import audit_record, client_ip
from zaozhuang_titles.models import AuditEvent, Role
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.rules import is_applicant

APPLICANT_PERMISSION = "applications.view_applicant_home"

# --- What happens next ----------------------------------------------------------------------------

#: What the applicant waits for in each state (DRAFT and RETURNED are worded with their dates).
NEXT_STEP = {
    Status.ENTERPRISE_REVIEW: gettext_lazy(
        "Your enterprise makes the application known inside the enterprise (单位内部公示) for at least 5 "
        "working days, then forwards it to the district HR bureau."
    ),
    Status.NOMINATED: gettext_lazy(
        "The chairman has nominated you; your enterprise forwards the application to the district HR bureau "
        "after the internal notice."
    ),
    Status.DISTRICT_AUDIT: gettext_lazy("The district HR bureau audits the application (区县初审)."),
    Status.CITY_AUDIT: gettext_lazy("The city HR bureau audits the application (市级复审)."),
    Status.ACCEPTED: gettext_lazy("The application is accepted; it waits for the expert panel's review."),
    Status.IN_REVIEW: gettext_lazy("The expert panel reviews the application."),
    Status.PASSED: gettext_lazy("The panel passed the application; the result will be published for objections."),
    Status.NOT_PASSED: gettext_lazy("The panel did not pass the application. Nothing more to do in this batch."),
    Status.PUBLICITY: gettext_lazy(
        "The result is published for objections for at least 5 working days; then it is filed with the province."
    ),
    Status.FILED: gettext_lazy("The result is filed with the province; the certificate follows."),
    Status.CERTIFIED: gettext_lazy("The certificate is issued. Congratulations."),
    Status.REJECTED: gettext_lazy("The application was rejected (不予受理); the progress page shows the reason."),
    Status.WITHDRAWN: gettext_lazy("You withdrew the application."),
}


def _datetime(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def next_step(application, correction=None):
    """One sentence: what the applicant does, or waits for, now."""
    if application.status == Status.DRAFT:
        if application.batch.is_accepting():
            return _("Complete the application and submit it before %(closes)s.") % {
                "closes": _datetime(application.batch.closes_at)
            }
        return _("The call closed on %(closes)s; this draft can no longer be submitted.") % {
            "closes": _datetime(application.batch.closes_at)
        }
    if application.status == Status.RETURNED:
        if correction is None:
            return _("Correct the application and resubmit it.")
        if correction.deadline_provisional:
            text = _(
                "Answer the return for correction by %(deadline)s (provisional: the holiday calendar of that "
                "year is not confirmed)."
            )
        else:
            text = _("Answer the return for correction by %(deadline)s.")
        return text % {"deadline": date_text(correction.deadline)}
    return str(NEXT_STEP.get(application.status, ""))


# --- Mixins ---------------------------------------------------------------------------------------


class ApplicantMixin(PermissionRequiredMixin):
    """Applicants only (403 for other roles, login for nobody)."""

    permission_required = APPLICANT_PERMISSION

    def get_permission_object(self):
        return None


class OwnApplicationMixin(ObjectPermissionMixin):
    """Applicants only (403 for other roles); loads the application of the URL's ``pk`` in the reader's
    scope (404 otherwise), which must be its own (``applications.manage_own_application``)."""

    role_required = is_applicant
    permission_required = "applications.manage_own_application"

    def load_object(self):
        return application_detail(self.request.user, self.kwargs["pk"])

    @property
    def application(self):
        return self.permission_object

    def application_url(self):
        return reverse("applications:my_application", args=[self.application.pk])


class EditableMixin:
    """Put right of ``OwnApplicationMixin``: runs after the permission check; sends back to the
    application page, with a message, when the application cannot be changed now."""

    def dispatch(self, request, *args, **kwargs):
        if not self.application.is_editable:
            messages.info(
                request,
                _("The application is “%(status)s” and cannot be changed now.")
                % {"status": self.application.get_status_display()},
            )
            return redirect(self.application_url())
        return super().dispatch(request, *args, **kwargs)


# --- 我的申报 -------------------------------------------------------------------------------------


def profile_gaps(profile, counts):
    """What the profile still lacks to apply, as sentences."""
    gaps = []
    if profile is None or profile.enterprise_id is None:
        gaps.append(_("Choose your employer, an active enterprise registered on the portal."))
    elif profile.enterprise.status != Enterprise.Status.ACTIVE:
        gaps.append(
            _("Your employer %(name)s is not an active registered enterprise; choose it again once it is verified.")
            % {"name": profile.enterprise.name}
        )
    if not counts.get("educations"):
        gaps.append(_("Add your education (学历)."))
    if not counts.get("titles") and not counts.get("skills"):
        gaps.append(_("Add the title you hold (职称) or your vocational skill level (职业技能等级)."))
    return gaps


def profile_with_counts(user):

    return (
        ApplicantProfile.objects.filter(user=user)
        .select_related("enterprise__division")
        .annotate(
            education_count=Count("educations", distinct=True),
            title_count=Count("titles", distinct=True),
            skill_count=Count("skills", distinct=True),
            work_count=Count("work_history", distinct=True),
        )
        .first()
    )


def _counts(profile):
    if profile is None:
        return {}
    return {
        "educations": profile.education_count,
        "titles": profile.title_count,
        "skills": profile.skill_count,
        "work": profile.work_count,
    }


class ApplicantHomeView(ApplicantMixin, TemplateView):
    """我的申报 — the applicant's applications with what to do next, and the calls it can answer."""

    template_name = "applications/applicant_home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        applications = list(
            applications_of_applicant(user).prefetch_related(
                Prefetch(
                    "corrections",
                    queryset=CorrectionRequest.objects.filter(answered_at__isnull=True).order_by("-id"),
                    to_attr="open_corrections",
                ),
            )
        )
        signatures = nomination_signatures(applications)
        for application in applications:
            correction = application.open_corrections[0] if application.open_corrections else None
            application.open_correction_request = correction
            application.next_step = next_step(application, correction)
            application.nomination = signatures[application.pk]
        applied = {application.batch_id for application in applications}
        profile = profile_with_counts(user)
        return super().get_context_data(
            applications=applications,
            batches=[batch for batch in batches_accepting() if batch.pk not in applied],
            profile_gaps=profile_gaps(profile, _counts(profile)),
            **kwargs,
        )


# --- 个人档案 -------------------------------------------------------------------------------------

#: The records of the profile: URL section → (model, form, related name, title).
SECTIONS = {
    "educations": (EducationRecord, EducationForm, "educations", gettext_lazy("Education (学历)")),
    "titles": (TitleRecord, TitleForm, "titles", gettext_lazy("Titles held (专业技术职称)")),
    "skills": (SkillRecord, SkillForm, "skills", gettext_lazy("Vocational skill level (职业技能等级)")),
    "work": (WorkRecord, WorkForm, "work_history", gettext_lazy("Work history (工作经历)")),
}


#: The profile item a return for correction names for continuing-education hours (``profile:training``):
#: the hours live in the training app, whose page the profile links to.
TRAINING_SECTION = "training"


def profile_marks(user):
    """{section: [reasons]} of the profile items (``profile:<section>``) an open return for correction
    of one of the user's applications asks to fix."""
    returned = Application.objects.filter(applicant=user, status=Status.RETURNED).order_by("-id").first()
    return correction_marks(correction_open(returned) if returned else None)["profile"]


def active_enterprises():
    return Enterprise.objects.filter(status=Enterprise.Status.ACTIVE).select_related("division").order_by("name", "id")


class ProfileView(ApplicantMixin, View):
    """个人档案 — who the applicant is (fixed at registration), where it works, how to reach it."""

    template_name = "applications/applicant/profile.html"

    def get_form(self, profile, lock_reason, data=None):
        user = self.request.user
        initial = {"mobile": user.mobile or "", "email": user.email}
        if profile is not None:
            initial.update(
                enterprise=profile.enterprise_id,
                department=profile.department,
                position=profile.position,
                specialty=profile.specialty,
            )
        return ProfileForm(data, initial=initial, enterprises=active_enterprises(), locked=bool(lock_reason))

    def render(self, form, profile, lock_reason):
        user = self.request.user
        counts = _counts(profile)
        id_number = user.id_number or ""
        marks = profile_marks(user)
        sections = [
            (key, title, counts.get(key, 0), marks.get(key, [])) for key, (_m, _f, _r, title) in SECTIONS.items()
        ]
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "profile": profile,
                "lock_reason": lock_reason,
                "masked_id_number": user.masked_id_number,
                "sex": {"M": _("Male"), "F": _("Female")}.get(id_number_sex(id_number)) if id_number else "",
                "birth_date": id_number_birth_date(id_number) if id_number else None,
                "sections": sections,
                # Hours are kept by the training app: a return naming them links there.
                "training_marks": marks.get(TRAINING_SECTION, []),
                "other_marks": [
                    reason
                    for key, reasons in marks.items()
                    if key not in SECTIONS and key != TRAINING_SECTION
                    for reason in reasons
                ],
                "profile_gaps": profile_gaps(profile, counts),
                "photo_form": PhotoForm(),
            },
        )

    def get(self, request):
        profile = profile_with_counts(request.user)
        lock_reason = services.profile_lock_reason(user=request.user)
        return self.render(self.get_form(profile, lock_reason), profile, lock_reason)

    def post(self, request):
        profile = profile_with_counts(request.user)
        lock_reason = services.profile_lock_reason(user=request.user)
        form = self.get_form(profile, lock_reason, data=request.POST)
        if form.is_valid() and not lock_reason:
            data = form.cleaned_data
            try:
                services.profile_update(
                    user=request.user,
                    enterprise=data["enterprise"],
                    department=data["department"],
                    position=data["position"],
                    specialty=data["specialty"],
                    email=data["email"],
                    mobile=data["mobile"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("applications:profile")
        elif lock_reason:
            form.add_error(None, lock_reason)
        return self.render(form, profile, lock_reason)


class ProfilePhotoView(ApplicantMixin, View):
    """The applicant's own photo (证件照): GET sends it (the profile page shows it), POST replaces it with
    an uploaded JPEG or PNG (``services.profile_photo_set`` checks and re-encodes it)."""

    def get(self, request):
        photo = photo_of(request.user)
        if not photo:
            raise Http404
        return file_response(photo, download_name="photo.jpg", content_type="image/jpeg", inline=True)

    def post(self, request):
        form = PhotoForm(request.POST, request.FILES)
        if not form.is_valid():
            error_messages(request, ValidationError(form.errors["photo"]))
            return redirect("applications:profile")
        try:
            services.profile_photo_set(user=request.user, uploaded_file=form.cleaned_data["photo"])
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("Your photo is saved; certificates issued from now on show it."))
        return redirect("applications:profile")


class ProfilePhotoRemoveView(ApplicantMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        try:
            services.profile_photo_remove(user=request.user)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("Your photo is removed."))
        return redirect("applications:profile")


class SectionMixin(ApplicantMixin):
    """One section of the profile's records, named by the URL (404 for an unknown one)."""

    @cached_property
    def section(self):
        if self.kwargs["section"] not in SECTIONS:
            raise Http404
        return SECTIONS[self.kwargs["section"]]

    @property
    def model(self):
        return self.section[0]

    @property
    def form_class(self):
        return self.section[1]

    @property
    def title(self):
        return self.section[3]

    @cached_property
    def lock_reason(self):
        return services.profile_lock_reason(user=self.request.user)

    def records(self):
        return self.model.objects.filter(profile__user=self.request.user)

    def section_url(self):
        return reverse("applications:profile_section", args=[self.kwargs["section"]])

    def save(self, form, instance=None):
        if self.lock_reason:
            form.add_error(None, self.lock_reason)
            return None
        try:
            return services.profile_record_save(
                user=self.request.user, model=self.model, data=form.cleaned_data, instance=instance
            )
        except ValidationError as error:
            add_errors(form, error)
            return None


class ProfileSectionView(SectionMixin, View):
    """One kind of record of the profile: the list, and a form to add one."""

    template_name = "applications/applicant/profile_section.html"

    def render(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "section": self.kwargs["section"],
                "title": self.title,
                "records": list(self.records()),
                "form": form,
                "lock_reason": self.lock_reason,
                "correction_reasons": profile_marks(self.request.user).get(self.kwargs["section"], []),
            },
        )

    def get(self, request, section):
        return self.render(self.form_class(locked=bool(self.lock_reason)))

    def post(self, request, section):
        form = self.form_class(request.POST, locked=bool(self.lock_reason))
        if form.is_valid() and self.save(form) is not None:
            messages.success(request, _("The record is added."))
            return redirect(self.section_url())
        if self.lock_reason and not form.non_field_errors():
            form.add_error(None, self.lock_reason)
        return self.render(form)


class RecordMixin(ObjectPermissionMixin, SectionMixin):
    """One record of the profile, the reader's own (404 for any other)."""

    role_required = is_applicant
    permission_required = "applications.change_profile_record"

    def load_object(self):
        return get_object_or_404(self.records().select_related("profile"), pk=self.kwargs["record_pk"])

    def record(self):
        return self.permission_object


class ProfileRecordEditView(RecordMixin, View):
    template_name = "applications/applicant/profile_record.html"

    def render(self, form, record):
        return render(
            self.request,
            self.template_name,
            {"section": self.kwargs["section"], "title": self.title, "form": form, "record": record},
        )

    def get(self, request, section, record_pk):
        record = self.record()
        return self.render(self.form_class(instance=record, locked=bool(self.lock_reason)), record)

    def post(self, request, section, record_pk):
        record = self.record()
        form = self.form_class(request.POST, instance=record, locked=bool(self.lock_reason))
        if form.is_valid() and self.save(form, instance=record) is not None:
            messages.success(request, _("The record is saved."))
            return redirect(self.section_url())
        if self.lock_reason and not form.non_field_errors():
            form.add_error(None, self.lock_reason)
        return self.render(form, record)


class ProfileRecordRemoveView(RecordMixin, View):
    def post(self, request, section, record_pk):
        record = self.record()
        try:
            services.profile_record_remove(user=request.user, instance=record)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The record is removed."))
        return redirect(self.section_url())


# --- Starting and editing an application ----------------------------------------------------------


class ApplicationStartView(ObjectPermissionMixin, View):
    """Start an application in an open call: the specialty and the summary, then achievements."""

    role_required = is_applicant
    permission_required = "applications.add_application"
    template_name = "applications/applicant/start.html"

    def load_object(self):
        return get_object_or_404(Batch.objects.exclude(status=Batch.Status.DRAFT), pk=self.kwargs["batch_pk"])

    @property
    def batch(self):
        return self.permission_object

    def existing(self):
        return applications_of_applicant(self.request.user).filter(batch=self.batch).first()

    def render(self, form, needs_employer=False):
        batch = self.batch
        return render(
            self.request,
            self.template_name,
            {
                "batch": batch,
                "form": form,
                "accepting": batch.is_accepting(),
                "needs_employer": needs_employer,
            },
        )

    @cached_property
    def profile(self):
        return ApplicantProfile.objects.filter(user=self.request.user).select_related("enterprise").first()

    def _needs_employer(self):
        profile = self.profile
        return profile is None or profile.enterprise is None or profile.enterprise.status != Enterprise.Status.ACTIVE

    def get(self, request, batch_pk):
        existing = self.existing()
        if existing is not None:
            messages.info(request, _("You already have an application in this batch."))
            return redirect("applications:my_application", existing.pk)
        profile = self.profile
        form = ApplicationForm(initial={"specialty": profile.specialty if profile else ""})
        return self.render(form, needs_employer=self._needs_employer())

    def post(self, request, batch_pk):
        form = ApplicationForm(request.POST)
        if form.is_valid():
            try:
                application = services.application_create(
                    applicant=request.user,
                    batch=self.batch,
                    specialty=form.cleaned_data["specialty"],
                    summary=form.cleaned_data["summary"],
                )
            except ValidationError as error:
                add_errors(form, error)
                if getattr(error, "code", None) == "duplicate" and self.existing() is not None:
                    messages.info(request, _("You already have an application in this batch."))
                    return redirect("applications:my_application", self.existing().pk)
            else:
                messages.success(
                    request, _("Your application is started. Add your achievements with their evidence, then submit.")
                )
                return redirect("applications:my_application", application.pk)
        return self.render(form, needs_employer=self._needs_employer())


def correction_marks(correction):
    """The items of an open correction request by what they mark: fields, achievements, files, profile."""
    marks = {"field": {}, "achievement": {}, "evidence": {}, "profile": {}}
    if correction is None:
        return marks
    for item in correction.items.all():
        kind, _sep, key = item.target.partition(":")
        if kind in ("achievement", "evidence"):
            try:
                key = int(key)
            except ValueError:
                continue
        if kind in marks:
            marks[kind].setdefault(key, []).append(item.reason)
    return marks


def mark_items(application, marks):
    """Set ``correction_reasons`` on the application's achievements and evidence files; returns the
    achievements (with their ``files``) and the general files of the application."""
    files_by_achievement = {}
    for item in application.evidence.all():
        item.correction_reasons = marks["evidence"].get(item.pk, [])
        files_by_achievement.setdefault(item.achievement_id, []).append(item)
    achievements = list(application.achievements.all())
    for achievement in achievements:
        achievement.correction_reasons = marks["achievement"].get(achievement.pk, [])
        achievement.files = files_by_achievement.get(achievement.pk, [])
        achievement.flagged_files = any(f.correction_reasons for f in achievement.files)
    return achievements, files_by_achievement.get(None, [])


class ApplicationView(OwnApplicationMixin, TemplateView):
    """The applicant's application: its state and next step, an open correction request, the chairman's
    signature, the text, the achievements, the eligibility and what keeps it from being submitted."""

    template_name = "applications/applicant/application.html"

    def get_context_data(self, **kwargs):
        application = self.application
        user = self.request.user
        correction = correction_open(application) if application.status == Status.RETURNED else None
        marks = correction_marks(correction)
        achievements, general_files = mark_items(application, marks)
        nomination = nomination_signatures([application])[application.pk]  # kept: eligibility reads it too
        evaluation = application_eligibility(application)
        editable = application.is_editable
        rows = eligibility_rows(evaluation)
        for row in rows:
            if row["result"].code == "nomination" and row["result"].outcome == Outcome.PENDING and editable:
                # The chairman signs after the applicant submits: the draft's own words for the wait.
                row["label"] = _("After you submit")
        actions = available_actions(application, user)
        return super().get_context_data(
            application=application,
            editable=editable,
            actions=actions,
            correction=correction,
            marks=marks,
            field_marks=marks["field"],
            achievements=achievements,
            general_files=general_files,
            nomination=nomination,
            eligibility=rows,
            problems=guards.submission_problems(application) if editable else [],
            next_step=next_step(application, correction),
            **kwargs,
        )


class ApplicationEditView(OwnApplicationMixin, EditableMixin, View):
    template_name = "applications/applicant/application_form.html"

    def get(self, request, pk):
        return render(
            request,
            self.template_name,
            {"application": self.application, "form": ApplicationForm(instance=self.application)},
        )

    def post(self, request, pk):
        application = self.application
        form = ApplicationForm(request.POST)
        if form.is_valid():
            try:
                services.application_update(
                    application=application,
                    actor=request.user,
                    specialty=form.cleaned_data["specialty"],
                    summary=form.cleaned_data["summary"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The application is saved."))
                return redirect(self.application_url())
        return render(request, self.template_name, {"application": application, "form": form})


# --- Achievements and evidence --------------------------------------------------------------------


class AchievementListView(OwnApplicationMixin, TemplateView):
    """业绩成果 — the achievements with their evidence files, and the general files of the application."""

    template_name = "applications/applicant/achievements.html"

    def get_context_data(self, **kwargs):
        application = self.application
        correction = correction_open(application) if application.status == Status.RETURNED else None
        achievements, general_files = mark_items(application, correction_marks(correction))
        return super().get_context_data(
            application=application,
            editable=application.is_editable,
            achievements=achievements,
            general_files=general_files,
            correction=correction,
            total_size=sum(e.size for e in application.evidence.all()),
            **kwargs,
        )


class AchievementKindView(OwnApplicationMixin, EditableMixin, TemplateView):
    """Choose the kind of a new achievement; its form then asks for what that kind needs."""

    template_name = "applications/applicant/achievement_kind.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            application=self.application, kinds=AchievementKind.choices, form=KindForm(), **kwargs
        )


class AchievementFormMixin(OwnApplicationMixin, EditableMixin):
    template_name = "applications/applicant/achievement_form.html"

    def achievements_url(self):
        return reverse("applications:achievements", args=[self.application.pk])

    def render(self, form, achievement=None):
        return render(
            self.request,
            self.template_name,
            {"application": self.application, "form": form, "achievement": achievement, "kind": form.kind},
        )

    def save(self, form, achievement=None):
        try:
            return services.achievement_save(
                application=self.application,
                actor=self.request.user,
                data=form.achievement_data(),
                achievement=achievement,
            )
        except ValidationError as error:
            add_errors(form, error)
            return None


class AchievementAddView(AchievementFormMixin, View):
    def form_class(self):
        try:
            return achievement_form(AchievementKind(self.kwargs["kind"]))
        except ValueError:
            raise Http404 from None

    def get(self, request, pk, kind):
        return self.render(self.form_class()())

    def post(self, request, pk, kind):
        form = self.form_class()(request.POST)
        if form.is_valid():
            achievement = self.save(form)
            if achievement is not None:
                messages.success(
                    request,
                    _("“%(title)s” is added. Upload its evidence (证明材料) below.") % {"title": achievement.title},
                )
                return redirect(f"{self.achievements_url()}#achievement-{achievement.pk}")
        return self.render(form)


class AchievementEditView(AchievementFormMixin, View):
    def achievement(self):
        return get_object_or_404(
            Achievement.objects.filter(application=self.application), pk=self.kwargs["achievement_pk"]
        )

    def get(self, request, pk, achievement_pk):
        achievement = self.achievement()
        return self.render(achievement_form(achievement.kind)(instance=achievement), achievement)

    def post(self, request, pk, achievement_pk):
        achievement = self.achievement()
        form = achievement_form(achievement.kind)(request.POST, instance=achievement)
        if form.is_valid() and self.save(form, achievement) is not None:
            messages.success(request, _("“%(title)s” is saved.") % {"title": achievement.title})
            return redirect(f"{self.achievements_url()}#achievement-{achievement.pk}")
        return self.render(form, achievement)


class AchievementRemoveView(OwnApplicationMixin, View):
    def post(self, request, pk, achievement_pk):
        achievement = get_object_or_404(Achievement.objects.filter(application=self.application), pk=achievement_pk)
        try:
            services.achievement_remove(application=self.application, actor=request.user, achievement=achievement)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("“%(title)s” is removed.") % {"title": achievement.title})
        return redirect("applications:achievements", self.application.pk)


class EvidenceAddView(OwnApplicationMixin, EditableMixin, View):
    """Upload one evidence file, of an achievement (``achievement_pk``) or of the application as a whole."""

    template_name = "applications/applicant/evidence_form.html"

    @cached_property
    def achievement(self):
        if "achievement_pk" not in self.kwargs:
            return None
        return get_object_or_404(
            Achievement.objects.filter(application=self.application), pk=self.kwargs["achievement_pk"]
        )

    def render(self, form):
        return render(
            self.request,
            self.template_name,
            {"application": self.application, "achievement": self.achievement, "form": form},
        )

    def get(self, request, pk, achievement_pk=None):
        return self.render(EvidenceForm())

    def post(self, request, pk, achievement_pk=None):
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                item = services.evidence_add(
                    application=self.application,
                    actor=request.user,
                    uploaded_file=form.cleaned_data["file"],
                    achievement=self.achievement,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                messages.success(request, _("%(name)s is uploaded.") % {"name": item.original_name})
                anchor = f"#achievement-{self.achievement.pk}" if self.achievement else "#general-evidence"
                return redirect(reverse("applications:achievements", args=[self.application.pk]) + anchor)
        return self.render(form)


class EvidenceRemoveView(OwnApplicationMixin, View):
    def post(self, request, pk, evidence_pk):
        evidence = get_object_or_404(
            Evidence.objects.filter(application=self.application, removed_at__isnull=True), pk=evidence_pk
        )
        try:
            services.evidence_remove(application=self.application, actor=request.user, evidence=evidence)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("%(name)s is removed.") % {"name": evidence.original_name})
        return redirect("applications:achievements", self.application.pk)


class EvidenceDownloadView(ObjectPermissionMixin, View):
    """Send one evidence file to someone who may see its application; the download is logged. A file
    the applicant removed is 404 here for everyone; staff open it from the submission that named it
    (``applications.views.audit.SubmissionFileView``).

    ``?inline=1`` opens a PDF or an image in the browser instead of saving it."""

    role_required = takes_part_in_applications
    permission_required = "applications.open_application"

    @cached_property
    def evidence(self):
        return live_evidence(self.kwargs["pk"])

    def load_object(self):
        # Scoped through the application: whoever may not see it gets the same 404 as for no file.
        return application_detail(self.request.user, self.evidence.application_id)

    def get(self, request, pk):
        evidence, application = self.evidence, self.permission_object
        inline = request.GET.get("inline") == "1" and evidence.content_type in CONTENT_TYPES.values()
        audit_record(
            kind=AuditEvent.Kind.FILE_DOWNLOADED,
            request=request,
            obj=evidence,
            detail={"application": application.number, "sha256": evidence.sha256, "inline": inline},
        )
        return file_response(
            evidence.storage_name,
            download_name=evidence.original_name,
            content_type=evidence.content_type,
            inline=inline,
        )


# --- The applicant's moves ------------------------------------------------------------------------


class MoveView(OwnApplicationMixin, View):
    """A POST that moves the application. A second click finds the state changed: it gets a message, and
    nothing happens twice."""

    #: The states the move starts from; outside them the POST is answered with ``done_message``.
    sources = ()
    done_message = ""
    success_message = ""

    def perform(self, application):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def post(self, request, pk):
        application = self.application
        if application.status not in self.sources:
            messages.info(request, self.done_message % {"status": application.get_status_display()})
            return redirect(self.application_url())
        try:
            self.perform(application)
        except TransitionConflict as conflict:
            messages.info(request, " ".join(conflict.messages))
        except ValidationError as error:
            if getattr(error, "code", None) == "not_allowed":
                messages.info(request, " ".join(error.messages))
            else:
                error_messages(request, error)
        else:
            messages.success(request, self.success_message)
        return redirect(self.application_url())


class SubmitView(MoveView):
    sources = (Status.DRAFT,)
    done_message = gettext_lazy("The application is already submitted; it is now “%(status)s”.")
    success_message = gettext_lazy(
        "Your application is submitted to your enterprise. You can follow it on its progress page."
    )

    def perform(self, application):
        services.application_submit(application=application, actor=self.request.user, ip=client_ip(self.request))


class ResubmitView(MoveView):
    sources = (Status.RETURNED,)
    done_message = gettext_lazy("The corrected application is already resubmitted; it is now “%(status)s”.")
    success_message = gettext_lazy("Your corrected application is resubmitted to the step that returned it.")

    def perform(self, application):
        services.application_resubmit(application=application, actor=self.request.user, ip=client_ip(self.request))


class WithdrawView(OwnApplicationMixin, View):
    """Withdraw the application (撤回), with the reason; asked for on a confirmation page."""

    template_name = "applications/applicant/withdraw.html"

    def can_withdraw(self):
        return "withdraw" in available_actions(self.application, self.request.user)

    def refuse(self):
        messages.info(
            self.request,
            _("The application is “%(status)s”; it can no longer be withdrawn.")
            % {"status": self.application.get_status_display()},
        )
        return redirect(self.application_url())

    def get(self, request, pk):
        if not self.can_withdraw():
            return self.refuse()
        return render(request, self.template_name, {"application": self.application, "form": WithdrawForm()})

    def post(self, request, pk):
        if not self.can_withdraw():
            return self.refuse()
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.application_withdraw(
                    application=self.application,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    ip=client_ip(request),
                )
            except TransitionConflict as conflict:
                messages.info(request, " ".join(conflict.messages))
                return redirect(self.application_url())
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The application is withdrawn."))
                return redirect(self.application_url())
        return render(request, self.template_name, {"application": self.application, "form": form})


# --- 办件进度 --------------------------------------------------------------------------------------

#: Moves whose reason the applicant does not read on its timeline.
HIDDEN_FROM_APPLICANT = {"nominate"}
MOVE_LABELS = {(move.action, move.source, move.target): move.label for move in MOVES}


def role_label(role):
    if role in Role.values:
        return Role(role).label
    if role == "system":
        return _("the portal")
    return role


class TimelineView(ObjectPermissionMixin, TemplateView):
    """办件进度 — every move of the application: what, who (and in which role), when, why; the returns
    for correction with their items; the current state and what happens next. For everyone who may
    see the application."""

    role_required = takes_part_in_applications
    permission_required = "applications.open_application"
    template_name = "applications/applicant/timeline.html"

    def load_object(self):
        return application_detail(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        application = self.permission_object
        corrections = {c.transition_id: c for c in corrections_of(application)}
        open_correction = next((c for c in corrections.values() if c.answered_at is None), None)
        is_own = application.applicant_id == self.request.user.pk
        steps = []
        for transition in application_timeline(application):
            steps.append(
                {
                    "transition": transition,
                    # The chairman's reason names the rank; the applicant is not told its rank.
                    "reason": "" if is_own and transition.action in HIDDEN_FROM_APPLICANT else transition.reason,
                    "label": MOVE_LABELS.get(
                        (transition.action, transition.from_status, transition.to_status), transition.action
                    ),
                    "role": role_label(transition.actor_role),
                    "to_label": Status(transition.to_status).label,
                    "correction": corrections.get(transition.pk),
                }
            )
        return super().get_context_data(
            application=application,
            steps=steps,
            next_step=next_step(application, open_correction),
            **kwargs,
        )
