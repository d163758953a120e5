"""Pages of the audit: the queues of district staff (区县初审) and city staff (市级复审), the application's
page shared by everyone who takes part in its life, the generic action view (pass, reject, forward),
the return for correction (退回补正) and the changes between submissions.

Every application is loaded through ``selectors.application_detail`` (404 outside the reader's scope);
which buttons a reader sees comes from ``workflow.available_actions``; every move goes through
``applications.services``, which check the actor again, lock the row and log the move.
"""

from itertools import pairwise

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applications import services
from applications.evidence import CONTENT_TYPES, file_response
from applications.forms_audit import ALL, QueueFilterForm, ReasonForm, ReturnForm
from applications.models import (
    Achievement,
    BulkRun,
    EducationRecord,
    SkillRecord,
    Status,
    TitleRecord,
    WorkRecord,
)
from applications.rules import BULK_RUN_SCOPES, takes_part_in_applications
from applications.selectors import (
    QUEUE_ORDER,
    QUEUE_STATUS,
    QUEUE_STATUSES,
    application_detail,
    application_eligibility,
    batches_accepting,
    corrections_of,
    duplicate_patents,
    last_diff,
    nomination_signatures,
    patent_claimed_elsewhere,
    queue_counts,
    queue_rows,
    submission_evidence,
    submission_files,
    submissions_of,
)
from applications.services.bulk import bulk_run_summary
from applications.snapshots import snapshot_diff
from applications.validators import id_number_birth_date, id_number_sex
from applications.views.common import date_text, eligibility_rows, safe_next
from applications.workflow import ADMIN, CHAIRMAN, CITY, CONTACT, DISTRICT, TransitionConflict, actor_role, why_not
from applications.workflow import available_actions as workflow_actions
from training.selectors import recognised_years
from zaozhuang_titles.audit import audit_record, client_ip
from zaozhuang_titles.keyset import keyset_page_for_request
from zaozhuang_titles.masking import mask_id_number, mask_mobile
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.rules import is_hr_staff
from zaozhuang_titles.scopes import visible
from zaozhuang_titles.views import export_response
from zaozhuang_titles.workdays import add_working_days

PAGE_SIZE = 50
FULL_ID_PERMISSION = "zaozhuang_titles.view_full_id_number"
STAFF_ROLES = {DISTRICT, CITY, ADMIN}
#: Who may read the chairman's ranking and recommendation, and the enterprise's internal objections.
INSIDER_ROLES = STAFF_ROLES | {CONTACT, CHAIRMAN}
#: The actions this page offers; the others (review, publicity, filing) have their own pages.
PAGE_ACTIONS = ("pass", "reject", "forward", "return", "withdraw")


def _roles(application, user):
    roles = actor_role(application, user)
    return {roles} if isinstance(roles, str) else set(roles or [])


def _conflict_message(application):
    # The same sentence as the transition function's, so that both cases read alike.
    return _("This application has just been moved to “%(status)s” by someone else; nothing was changed.") % {
        "status": application.get_status_display()
    }


def _observe(request, application):
    """Set the status the actor saw when the page was drawn (the form's ``status``), so that the
    transition function reports a conflict when the application moved on meanwhile."""
    observed = request.POST.get("status")
    if observed in Status.values:
        application.status = observed


# --- Queues ---------------------------------------------------------------------------------------


class QueueView(PermissionRequiredMixin, TemplateView):
    """A queue of one audit step, with the other applications of its scope behind status tabs.

    The default tab lists what waits for the reader, oldest first; the tabs' counts come from the kept
    counts (``selectors.queue_counts``) and follow the batch and division filters (a search leaves them
    out: it would mean counting); the pages are keyset pages (``?after=``/``?before=`` a row), so a
    deep page costs what the first does; the duplicate-patent flag looks up the page's patents."""

    stage = ""
    with_division = False

    @property
    def statuses(self):
        return Status.in_order(QUEUE_STATUSES[self.stage])

    def get_context_data(self, **kwargs):
        user = self.request.user
        waiting = QUEUE_STATUS[self.stage]
        form = QueueFilterForm(self.request.GET or None, statuses=self.statuses, with_division=self.with_division)
        filters = form.filters()
        common = {"batch": filters["batch"], "division": filters["division"], "query": filters["query"]}
        counts = (
            None
            if filters["query"]
            else queue_counts(user, self.stage, batch=common["batch"], division=common["division"])
        )
        tab = filters["status"] or waiting
        status = None if tab == ALL else tab
        page = self.page(queue_rows(user, self.stage, status=status, **common))
        rows = page.rows
        self.flag_duplicates(rows)
        signatures = nomination_signatures(rows)
        for row in rows:
            row.nomination = signatures[row.pk]
        query = self.request.GET.copy()
        for cursor in ("after", "before", "page"):
            query.pop(cursor, None)
        tab_query = query.copy()
        tab_query.pop("status", None)
        return super().get_context_data(
            form=form,
            page=page,
            rows=rows,
            total=None if counts is None else self.total(counts, tab),
            tabs=self.tabs(counts, waiting, tab),
            tab=tab,
            waiting=waiting,
            query=query.urlencode(),
            tab_query=tab_query.urlencode(),
            filtered=any(common.values()),
            export_url=reverse(f"applications:{self.stage}_queue_export"),
            export_query=query.urlencode(),
            **kwargs,
        )

    def page(self, queryset):
        """The keyset page the request names; a cursor that does not parse says so and starts over."""
        return keyset_page_for_request(self.request, queryset, fields=QUEUE_ORDER, size=PAGE_SIZE)

    def total(self, counts, tab):
        if tab == ALL:
            return sum(counts.get(status, 0) for status in self.statuses)
        return counts.get(tab, 0)

    def tabs(self, counts, waiting, active):
        """The status tabs; ``count`` is None when the counts are not known (a search)."""
        known = counts is not None
        counts = counts or {}

        def tab(value, label, count, is_active):
            return {"value": value, "label": label, "count": count if known else None, "active": is_active}

        tabs = [tab("", Status(waiting).label, counts.get(waiting, 0), active == waiting)]
        for status in self.statuses:
            if status != waiting and (counts.get(status) or active == status or not known):
                tabs.append(tab(status, Status(status).label, counts.get(status, 0), active == status))
        tabs.append(
            tab(ALL, gettext_lazy("All in my scope"), sum(counts.get(s, 0) for s in self.statuses), active == ALL)
        )
        return tabs

    @staticmethod
    def flag_duplicates(rows):
        """Mark each row with the patents another submitted application also claims."""
        duplicates = duplicate_patents(rows) if rows else {}
        by_number = {}
        for patent, numbers in duplicates.items():
            for number in numbers:
                by_number.setdefault(number, []).append(patent)
        for row in rows:
            row.duplicate_patents = sorted(by_number.get(row.number, []))


class DistrictQueueView(QueueView):
    """区县初审 — applications from the staff member's own division waiting for first audit."""

    permission_required = "applications.view_district_queue"
    template_name = "applications/district_queue.html"
    stage = "district"


class CityQueueView(QueueView):
    """市级复审 — applications waiting for the city's second audit, and the campaign's tools."""

    permission_required = "applications.view_city_queue"
    template_name = "applications/city_queue.html"
    stage = "city"
    with_division = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(batches=list(batches_accepting()), **kwargs)


class QueueExportView(PermissionRequiredMixin, View):
    """导出 Excel of a queue's tab as filtered (the filters in the query string), by POST; the rows are
    those the queue lists (``applications.exports``)."""

    http_method_names = ["post"]
    stage = ""

    def post(self, request):
        return export_response(request, source=f"applications.{self.stage}_queue")


class DistrictQueueExportView(QueueExportView):
    permission_required = "applications.view_district_queue"
    stage = "district"


class CityQueueExportView(QueueExportView):
    permission_required = "applications.view_city_queue"
    stage = "city"


# --- The application's page ------------------------------------------------------------------------

#: The profile's sections as a return for correction names them (``profile:<section>``); the keys are
#: the applicant's profile pages' sections, so that its page can link to each.
PROFILE_SECTIONS = (
    ("educations", "educations", gettext_lazy("Education (学历)")),
    ("titles", "titles", gettext_lazy("Titles held (专业技术职称)")),
    ("skills", "skills", gettext_lazy("Vocational skill level (职业技能等级)")),
    ("work", "work_history", gettext_lazy("Work history (工作经历)")),
    # Kept by the training app (recognised hours), not a record of the profile: nothing to prefetch.
    ("training", None, gettext_lazy("Continuing education (继续教育)")),
)


def _profile(application):
    """The applicant's profile with its records (five queries), or None."""
    try:
        profile = application.applicant.applicant_profile
    except ObjectDoesNotExist:
        return None
    prefetch_related_objects([profile], *[related for _key, related, _label in PROFILE_SECTIONS if related])
    return profile


def achievements_with_files(application):
    """The achievements, each with its live ``files``, and the files of the application as a whole."""
    files = {}
    for item in application.evidence.all():  # live files only (the selector's prefetch)
        files.setdefault(item.achievement_id, []).append(item)
    achievements = list(application.achievements.all())
    for achievement in achievements:
        achievement.files = files.get(achievement.pk, [])
    return achievements, files.get(None, [])


def _eligibility(application, training_years):
    evaluation = application_eligibility(application, training=training_years)
    return evaluation, eligibility_rows(evaluation)


_SECTION_MODELS = {
    "achievements": Achievement,
    "educations": EducationRecord,
    "titles": TitleRecord,
    "skills": SkillRecord,
    "work": WorkRecord,
}
_MASKED = {"id_number": mask_id_number, "mobile": mask_mobile}


def _shown(change, value):
    """A snapshot value as staff read it: choices by their label, personal numbers masked."""
    if value in (None, ""):
        return None
    if change.field in _MASKED:
        return _MASKED[change.field](value)
    model = _SECTION_MODELS.get(change.section)
    if model is not None and change.field:
        try:
            field = model._meta.get_field(change.field)
        except FieldDoesNotExist:  # a field of an older snapshot version
            field = None
        # Only a concrete field has choices; "evidence" of an achievement is a relation, its value a file name.
        if field is not None and field.concrete and field.choices:
            return dict(field.flatchoices).get(value, value)
    return value


def diff_rows(changes):
    return [{"change": c, "old": _shown(c, c.old), "new": _shown(c, c.new)} for c in changes or []]


class ApplicationMixin(ObjectPermissionMixin):
    """Loads the application of the URL among those the reader may see (404 for any other); which
    move the reader may make on it is the move table's to say (``workflow.actor_role``)."""

    role_required = takes_part_in_applications
    permission_required = "applications.open_application"

    def load_object(self):
        return application_detail(self.request.user, self.kwargs["pk"])

    @property
    def application(self):
        return self.permission_object

    def detail_url(self):
        return reverse("applications:detail", args=[self.application.pk])


class ApplicantPhotoView(ApplicationMixin, View):
    """The applicant's photo (证件照) for the staff who audit its application (district staff of its
    division, city staff), who compare it with the person and with the certificate; 404 without one.
    Personal data: no public URL serves it, and every view is in the audit log."""

    role_required = is_hr_staff
    permission_required = "applications.audit_application"
    http_method_names = ["get"]

    def get(self, request, pk):
        application = self.application
        profile = getattr(application.applicant, "applicant_profile", None)
        if profile is None or not profile.photo:
            raise Http404
        audit_record(
            kind=AuditEvent.Kind.FILE_DOWNLOADED,
            request=request,
            obj=profile,
            detail={"file": "photo", "application": application.number},
        )
        return file_response(
            profile.photo, download_name=f"photo-{application.number}.jpg", content_type="image/jpeg", inline=True
        )


class ApplicationDetailView(ApplicationMixin, View):
    """申报详情 — one application as everyone who takes part in its life sees it, with the buttons of
    the moves the reader may make. Staff also see the eligibility, the same patent claimed by others
    and what changed since the previous submission; the whole ID number only after asking for it
    (a POST with ``reveal=1``), which is logged."""

    template_name = "applications/audit/detail.html"

    def get(self, request, pk):
        return render(request, self.template_name, self.context(reveal=False))

    def post(self, request, pk):
        if request.POST.get("reveal") != "1":
            return redirect(self.detail_url())
        if not request.user.has_perm(FULL_ID_PERMISSION):
            raise PermissionDenied(_("You may not see whole ID numbers."))
        application = self.application
        audit_record(
            kind=AuditEvent.Kind.ID_NUMBER_VIEWED,
            request=request,
            obj=application.applicant,
            detail={"application": application.number},
        )
        return render(request, self.template_name, self.context(reveal=True))

    def context(self, *, reveal):
        application, user = self.application, self.request.user
        roles = _roles(application, user)
        staff = bool(roles & STAFF_ROLES)
        applicant = application.applicant
        full_numbers = user.has_perm(FULL_ID_PERMISSION)
        # First: kept on the application for the eligibility facts and the guards of why_not (read once).
        signature = nomination_signatures([application])[application.pk]
        achievements, general_files = achievements_with_files(application)
        profile = _profile(application)
        # Read once for the profile's card and the eligibility rule.
        training_years = recognised_years(applicant)
        evaluation, eligibility = _eligibility(application, training_years)
        actions = [a for a in workflow_actions(application, user) if a in PAGE_ACTIONS]
        corrections = corrections_of(application)
        return {
            "application": application,
            "applicant": applicant,
            "insider": bool(roles & INSIDER_ROLES),
            "can_reveal": full_numbers and bool(applicant.id_number) and not reveal,
            "id_number": applicant.id_number if reveal else applicant.masked_id_number,
            "revealed": reveal,
            "mobile": applicant.mobile if full_numbers else applicant.masked_mobile,
            "birth_date": id_number_birth_date(applicant.id_number) if full_numbers and applicant.id_number else None,
            "sex": id_number_sex(applicant.id_number) if full_numbers and applicant.id_number else None,
            "profile": profile,
            "show_photo": staff and profile is not None and bool(profile.photo),
            "training_years": training_years,
            "can_recognise_hours": is_hr_staff(user),
            "achievements": achievements,
            "general_files": general_files,
            "claimed_elsewhere": patent_claimed_elsewhere(application) if staff else {},
            "eligibility": eligibility,
            "eligible": evaluation.eligible,
            # Nothing failed, a step is still ahead (the chairman's signature): not a red "not met".
            "eligibility_waiting": not evaluation.blocking and bool(evaluation.pending),
            # Checked against the content as the pass checks it; a broken signature is shown, never voided.
            "nomination": signature if signature.state != "not_needed" else None,
            "pass_refused": why_not(application, user, "pass") if "pass" in actions else None,
            "forward_refused": why_not(application, user, "forward") if "forward" in actions else None,
            "notice": application.internal_notice,
            "objections": list(application.internal_objections.all()) if roles & INSIDER_ROLES else [],
            "corrections": corrections,
            "open_correction": next((c for c in corrections if c.answered_at is None), None),
            "changes": diff_rows(last_diff(application)) if staff and application.revision > 1 else None,
            "actions": actions,
        }


# --- Actions --------------------------------------------------------------------------------------

#: The simple moves of the audit and of the enterprise, each by its service.
ACTIONS = {
    "pass": services.application_pass,
    "reject": services.application_reject,
    "forward": services.application_forward,
}


class ActionView(ApplicationMixin, View):
    """POST ``pass``, ``reject`` (with a reason) or ``forward`` for the application; back to where the
    reader came from with a message. Two staff acting at once: the second is told what happened."""

    def post(self, request, pk, action):
        if action not in ACTIONS:
            raise Http404
        application = self.application
        back = safe_next(request, self.detail_url())
        reason = ""
        if action == "reject":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(form.errors["reason"]))
                return redirect(back)
            reason = form.cleaned_data["reason"]
        _observe(request, application)
        try:
            ACTIONS[action](application=application, actor=request.user, reason=reason, ip=client_ip(request))
        except TransitionConflict as conflict:
            messages.error(request, " ".join(conflict.messages))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Application %(number)s is now “%(status)s”.")
                % {"number": application.number, "status": application.get_status_display()},
            )
        return redirect(back)


def correction_items(application):
    """``[(target, label, group)]``: what a return for correction may mark on ``application`` (its
    fields, achievements and files, and the profile's sections), for ``ReturnForm`` on the portal's
    page and in Django admin alike."""
    group_application = _("The application")
    group_achievements = _("Achievements and their files")
    group_files = _("Files of the application as a whole")
    group_profile = _("Profile (个人档案)")
    items = [
        ("field:specialty", _("Specialty (申报专业)"), group_application),
        ("field:summary", _("Summary of achievements"), group_application),
    ]
    achievements, general_files = achievements_with_files(application)
    for achievement in achievements:
        items.append(
            (
                f"achievement:{achievement.pk}",
                _("Achievement: %(title)s") % {"title": achievement.title},
                group_achievements,
            )
        )
        for item in achievement.files:
            items.append(
                (
                    f"evidence:{item.pk}",
                    _("File “%(name)s” of “%(title)s”") % {"name": item.original_name, "title": achievement.title},
                    group_achievements,
                )
            )
    for item in general_files:
        items.append((f"evidence:{item.pk}", _("File “%(name)s”") % {"name": item.original_name}, group_files))
    for key, _related, label in PROFILE_SECTIONS:
        items.append((f"profile:{key}", str(label), group_profile))
    return items


class ReturnView(ApplicationMixin, View):
    """退回补正 — mark the fields, achievements, files and profile sections to correct, each with its
    reason, and set the deadline (by default the batch's working days from today)."""

    template_name = "applications/audit/return.html"

    def items(self):
        return correction_items(self.application)

    def default_deadline(self):

        return add_working_days(timezone.localdate(), self.application.batch.correction_working_days)

    def can_return(self):
        return "return" in workflow_actions(self.application, self.request.user)

    def refuse(self):
        messages.error(
            self.request,
            _("The application is “%(status)s”; you cannot return it for correction now.")
            % {"status": self.application.get_status_display()},
        )
        return redirect(self.detail_url())

    def render(self, form, default):
        return render(
            self.request,
            self.template_name,
            {"application": self.application, "form": form, "default": default, "groups": form.rows()},
        )

    def get(self, request, pk):
        if not self.can_return():
            return self.refuse()
        default = self.default_deadline()
        return self.render(ReturnForm(items=self.items(), default_deadline=default.end), default)

    def post(self, request, pk):
        application = self.application
        observed = request.POST.get("status")
        if observed in Status.values and observed != application.status:
            messages.error(request, _conflict_message(application))
            return redirect(self.detail_url())
        if not self.can_return():
            return self.refuse()
        default = self.default_deadline()
        form = ReturnForm(request.POST, items=self.items(), default_deadline=default.end)
        if form.is_valid():
            try:
                correction = services.application_return(
                    application=application,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    items=form.marked_items(),
                    deadline=form.chosen_deadline(),
                    ip=client_ip(request),
                )
            except TransitionConflict as conflict:
                messages.error(request, " ".join(conflict.messages))
                return redirect(self.detail_url())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Application %(number)s is returned for correction; the applicant answers by %(date)s.")
                    % {"number": application.number, "date": date_text(correction.deadline)},
                )
                return redirect(self.detail_url())
        return self.render(form, default)


# --- What changed between submissions ---------------------------------------------------------------


class DiffView(ApplicationMixin, TemplateView):
    """What changed from each submission to the next, newest first, and the files each submission named,
    those the applicant removed since then labelled so (staff in scope)."""

    role_required = is_hr_staff
    permission_required = "applications.audit_application"
    template_name = "applications/audit/diff.html"

    def get_context_data(self, **kwargs):
        submissions = submissions_of(self.application)
        pairs = [
            {"old": old, "new": new, "rows": diff_rows(snapshot_diff(old.data, new.data))}
            for old, new in pairwise(submissions)
        ]
        pairs.reverse()
        return super().get_context_data(
            application=self.application,
            submissions=submissions,
            pairs=pairs,
            submission_files=submission_files(submissions),
            **kwargs,
        )


class SubmissionFileView(ApplicationMixin, View):
    """One evidence file as a submission named it, for staff in scope, even after the applicant removed
    it (the applicant's pages no longer serve it); the download is logged with the submission and
    whether the file was removed. ``?inline=1`` opens a PDF or an image in the browser."""

    role_required = is_hr_staff
    permission_required = "applications.audit_application"
    http_method_names = ["get"]

    def get(self, request, pk, revision, evidence_pk):
        submission, evidence = submission_evidence(self.application, revision, evidence_pk)
        inline = request.GET.get("inline") == "1" and evidence.content_type in CONTENT_TYPES.values()
        audit_record(
            kind=AuditEvent.Kind.FILE_DOWNLOADED,
            request=request,
            obj=evidence,
            detail={
                "application": self.application.number,
                "submission": submission.revision,
                "removed": evidence.removed_at is not None,
                "sha256": evidence.sha256,
                "inline": inline,
            },
        )
        return file_response(
            evidence.storage_name,
            download_name=evidence.original_name,
            content_type=evidence.content_type,
            inline=inline,
        )


# --- A bulk action's progress -----------------------------------------------------------------------


class BulkRunStatusView(ObjectPermissionMixin, TemplateView):
    """The progress of a bulk action of Django admin, as a fragment its result page polls (htmx) while
    the Celery task works; finished, the fragment is the result and the polling stops. Its run is the
    staff member's own (city staff see every run); another's is a 404."""

    role_required = is_hr_staff
    permission_required = "applications.view_bulkrun"
    template_name = "admin/applications/application/bulk_progress.html"
    http_method_names = ["get"]

    def load_object(self):
        run = visible(BulkRun.objects.all(), self.request.user, BULK_RUN_SCOPES).filter(pk=self.kwargs["pk"]).first()
        if run is None:
            raise Http404
        return run

    def get_context_data(self, **kwargs):
        run = self.permission_object
        return super().get_context_data(run=run, summary=bulk_run_summary(run), **kwargs)
