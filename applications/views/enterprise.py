"""Pages of the enterprise: the contact's list of applications, internal notice (单位内部公示),
objections and forwarding; the chairman's ranked, signed nomination (董事长署名举荐) and its letter.

Everything is loaded through the reader's scope: the contact's enterprise (``enterprise_for_contact``),
the chairman's (``enterprise_for_chairman``), and ``applications_for_user``; anything outside it is a
404. Writes go through ``applications.services``; their ``ValidationError`` becomes a message or a
form error, their ``PermissionDenied`` a 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applications import services
from applications.evidence import file_response
from applications.forms_enterprise import (
    ApplicationFilterForm,
    InternalNoticeForm,
    NominationForm,
    NoticePreviewForm,
    ObjectionForm,
    ObjectionResolveForm,
)
from applications.models import (
    Application,
    Batch,
    Channel,
    InternalNotice,
    InternalObjection,
    Nomination,
    Status,
)
from applications.rules import NOMINATION_SCOPES, NOTICE_OF_CONTACT, OBJECTION_OF_CONTACT, reads_nomination_letters
from applications.selectors import (
    application_detail,
    applications_for_user,
    nomination_signature,
    nomination_signatures,
    with_list_data,
)
from applications.views.common import add_errors, date_text, safe_next
from applications.workflow import TransitionConflict, available_actions, why_not
from enterprises.selectors import enterprise_for_chairman, enterprise_for_contact
from zaozhuang_titles.audit import audit_record, client_ip
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.otp import ttl_seconds
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.rules import is_chairman, is_enterprise_contact
from zaozhuang_titles.scopes import visible
from zaozhuang_titles.workdays import period_end

#: Error codes of ``zaozhuang_titles.otp``: shown beside the code field rather than above the form.
CODE_ERRORS = {"none", "used", "locked", "expired", "wrong", "too_soon", "no_mobile", "sms_failed"}
DRAFT_SESSION_KEY = "nomination_draft"


def _messages_of(error):
    return [str(message) for message in error.messages]


# --- Reads of this area (scoped; they build on applications.selectors) ----------------------------


def _with_enterprise_state(queryset):
    """``with_list_data`` plus what the enterprise's pages show: open and upheld internal objections
    (the forward guard reads these annotations rather than asking again for each row)."""
    objections = InternalObjection.objects.filter(application=OuterRef("pk"))
    return with_list_data(queryset).annotate(
        open_objections=Count(
            "internal_objections", filter=Q(internal_objections__resolved_at__isnull=True), distinct=True
        ),
        upheld_objection=Exists(objections.filter(upheld=True)),
    )


def _described(applications, user, today):
    """The applications of a list, each with what the lists show: its notice state, its signature
    (``nomination_signatures``), whether it can be returned or forwarded and, if it cannot be forwarded,
    the forward guard's own reason (``why_not``); in a fixed number of queries."""
    applications = list(applications)
    nomination_signatures(applications)
    for application in applications:
        notice = application.internal_notice
        if notice is None:
            application.notice_state = "none"
        elif today > notice.ends_on:
            application.notice_state = "ended"
        elif today < notice.starts_on:
            application.notice_state = "upcoming"
        else:
            application.notice_state = "running"
        application.nomination = nomination_signature(application)
        actions = available_actions(application, user)
        application.can_return = "return" in actions
        application.can_forward = "forward" in actions
        application.forward_blocked = (why_not(application, user, "forward") or "") if application.can_forward else ""
    return applications


def _nominations_for(user):
    """The nominations ``user`` may read: its enterprise's as chairman or contact; as HR staff, those
    naming an application within its audit scope (the scopes of ``applications.rules``)."""
    return Nomination.objects.filter(pk__in=visible(Nomination.objects.all(), user, NOMINATION_SCOPES).values("pk"))


# --- Enterprise contact (企业经办人) --------------------------------------------------------------


class ContactMixin(PermissionRequiredMixin):
    """The contact's own enterprise, or 404 when the account keeps none."""

    permission_required = "applications.run_internal_notice"

    def get_enterprise(self, *, required=True):
        if not hasattr(self, "_enterprise"):
            self._enterprise = enterprise_for_contact(self.request.user)
        if self._enterprise is None and required:
            raise Http404
        return self._enterprise


class ContactObjectMixin(ObjectPermissionMixin, ContactMixin):
    """A contact's page about one object of its enterprise: the object is loaded in the contact's scope
    (404 otherwise), then ``permission_required`` is checked on it."""

    role_required = is_enterprise_contact


class EnterpriseApplicationsView(ContactMixin, TemplateView):
    """本单位申报 — the enterprise's submitted applications, per batch, with their notice and nomination."""

    permission_required = "applications.view_enterprise_applications"
    template_name = "applications/enterprise/applications.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        enterprise = self.get_enterprise(required=False)
        context = super().get_context_data(enterprise=enterprise, **kwargs)
        if enterprise is None:
            return context
        batches = Batch.objects.filter(applications__enterprise=enterprise).distinct().order_by("-year", "-opens_at")
        form = ApplicationFilterForm(self.request.GET or None, batches=batches)
        queryset = applications_for_user(user).filter(enterprise=enterprise).exclude(status=Status.DRAFT)
        if form.is_valid():
            if form.cleaned_data["batch"]:
                queryset = queryset.filter(batch=form.cleaned_data["batch"])
            if form.cleaned_data["status"]:
                queryset = queryset.filter(status=form.cleaned_data["status"])
        today = timezone.localdate()
        applications = _described(
            _with_enterprise_state(queryset).order_by(
                "-batch__year", "-batch__opens_at", "batch_id", "applicant__real_name", "id"
            ),
            user,
            today,
        )
        notices = list(
            InternalNotice.objects.filter(enterprise=enterprise)
            .select_related("batch")
            .annotate(application_count=Count("applications", distinct=True))
            .order_by("-starts_on", "-id")
        )
        nominations = {}
        for nomination in (
            Nomination.objects.filter(enterprise=enterprise).select_related("signed_by").order_by("-signed_at", "-id")
        ):
            nominations.setdefault(nomination.batch_id, nomination)
        groups = []
        for application in applications:
            if not groups or groups[-1]["batch"].pk != application.batch_id:
                groups.append({"batch": application.batch, "applications": [], "can_notice": False})
            groups[-1]["applications"].append(application)
            if application.is_under_enterprise and application.internal_notice_id is None:
                groups[-1]["can_notice"] = True
        for group in groups:
            group["notices"] = [n for n in notices if n.batch_id == group["batch"].pk]
            group["nomination"] = nominations.get(group["batch"].pk)
        return {**context, "form": form, "groups": groups, "count": len(applications), "today": today}


class InternalNoticeStartView(ContactObjectMixin, FormView):
    """Start the internal notice (单位内部公示) of applications of one batch."""

    permission_required = "applications.start_internal_notice"
    template_name = "applications/enterprise/notice_start.html"
    form_class = InternalNoticeForm

    def dispatch(self, request, *args, **kwargs):
        self.batch = Batch.objects.filter(pk=kwargs["batch_pk"]).first()
        return super().dispatch(request, *args, **kwargs)

    def waiting(self):
        """The enterprise's applications of the batch under enterprise review and in no notice yet."""
        if self.batch is None:
            raise Http404
        return (
            applications_for_user(self.request.user)
            .filter(
                enterprise=self.get_enterprise(),
                batch=self.batch,
                status__in=Status.UNDER_ENTERPRISE,
                internal_notice__isnull=True,
            )
            .select_related("applicant")
            .order_by("applicant__real_name", "id")
        )

    def load_object(self):
        return self.get_enterprise()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "applications": self.waiting()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        starts_on = form.initial.get("starts_on")
        if form.is_bound and form.is_valid():
            starts_on = form.cleaned_data["starts_on"]
        return {
            **context,
            "batch": self.batch,
            "enterprise": self.get_enterprise(),
            "has_waiting": form.fields["applications"].queryset.exists(),
            "preview": period_end(starts_on, self.batch.notice_working_days) if starts_on else None,
        }

    def form_valid(self, form):
        try:
            notice = services.internal_notice_start(
                enterprise=self.get_enterprise(),
                batch=self.batch,
                applications=form.cleaned_data["applications"],
                actor=self.request.user,
                starts_on=form.cleaned_data["starts_on"],
                location=form.cleaned_data["location"],
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        message = _("The internal notice runs from %(start)s to %(end)s (%(days)d working days).") % {
            "start": date_text(notice.starts_on),
            "end": date_text(notice.ends_on),
            "days": notice.working_days,
        }
        messages.success(self.request, message)
        if notice.provisional:
            messages.warning(
                self.request,
                period_end(notice.starts_on, notice.working_days).notice or _("The end date is provisional."),
            )
        return redirect("applications:internal_notice", pk=notice.pk)


class InternalNoticePreviewView(ContactObjectMixin, TemplateView):
    """The last day of a notice starting on the day typed (an htmx partial of the start page)."""

    permission_required = "applications.start_internal_notice"
    template_name = "applications/enterprise/includes/notice_preview.html"

    def load_object(self):
        return self.get_enterprise()

    def get_context_data(self, **kwargs):
        batch = Batch.objects.filter(pk=kwargs["batch_pk"]).first()
        if batch is None:
            raise Http404
        form = NoticePreviewForm(self.request.GET)
        preview = None
        if form.is_valid():
            preview = period_end(form.cleaned_data["starts_on"], batch.notice_working_days)
        return super().get_context_data(batch=batch, preview=preview, **kwargs)


class NoticeMixin(ContactObjectMixin):
    permission_required = "applications.manage_internal_notice"

    def load_object(self):
        notice = (
            visible(InternalNotice.objects.all(), self.request.user, (NOTICE_OF_CONTACT,))
            .select_related("batch", "enterprise", "started_by")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if notice is None:
            raise Http404
        return notice

    def get_notice(self):
        return self.permission_object


class InternalNoticeDetailView(NoticeMixin, TemplateView):
    """One internal notice: its dates, where it is posted, its applications and their objections."""

    template_name = "applications/enterprise/notice_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        notice = self.get_notice()
        today = timezone.localdate()
        applications = _described(
            _with_enterprise_state(applications_for_user(user).filter(internal_notice=notice)).order_by(
                "applicant__real_name", "id"
            ),
            user,
            today,
        )
        objections = list(
            notice.objections.select_related("application__applicant", "recorded_by").order_by("raised_on", "id")
        )
        for application in applications:
            application.notice_objections = [o for o in objections if o.application_id == application.pk]
        return super().get_context_data(
            notice=notice,
            applications=applications,
            objections=objections,
            state="ended" if notice.has_ended(today) else ("running" if today >= notice.starts_on else "upcoming"),
            today=today,
            **kwargs,
        )


class InternalObjectionRecordView(NoticeMixin, FormView):
    """Record an objection raised inside the enterprise during the notice."""

    template_name = "applications/enterprise/objection_form.html"
    form_class = ObjectionForm

    def get_form_kwargs(self):
        notice = self.get_notice()
        applications = Application.objects.filter(internal_notice=notice).select_related("applicant").order_by("id")
        return {**super().get_form_kwargs(), "notice": notice, "applications": applications}

    def get_initial(self):
        initial = super().get_initial()
        application = self.request.GET.get("application")
        if application and application.isascii() and application.isdigit():
            initial["application"] = int(application)
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(notice=self.get_notice(), **kwargs)

    def form_valid(self, form):
        notice = self.get_notice()
        try:
            services.internal_objection_record(
                notice=notice,
                application=form.cleaned_data["application"],
                actor=self.request.user,
                raised_on=form.cleaned_data["raised_on"],
                raised_by=form.cleaned_data["raised_by"],
                content=form.cleaned_data["content"],
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The objection is recorded. Application %(number)s cannot be forwarded until it is settled.")
            % {"number": form.cleaned_data["application"].number},
        )
        return redirect("applications:internal_notice", pk=notice.pk)


class InternalObjectionResolveView(ContactObjectMixin, FormView):
    """Settle an internal objection: upheld or not, and how."""

    permission_required = "applications.settle_internal_objection"
    template_name = "applications/enterprise/objection_resolve.html"
    form_class = ObjectionResolveForm

    def load_object(self):
        objection = (
            visible(InternalObjection.objects.all(), self.request.user, (OBJECTION_OF_CONTACT,))
            .select_related("notice__enterprise", "notice__batch", "application__applicant")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if objection is None:
            raise Http404
        return objection

    def get_objection(self):
        return self.permission_object

    def get_context_data(self, **kwargs):
        return super().get_context_data(objection=self.get_objection(), **kwargs)

    def form_valid(self, form):
        objection = self.get_objection()
        try:
            services.internal_objection_resolve(
                objection=objection,
                actor=self.request.user,
                upheld=form.cleaned_data["upheld"],
                resolution=form.cleaned_data["resolution"],
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "settled":
                messages.error(self.request, _messages_of(error)[0])
                return redirect("applications:internal_notice", pk=objection.notice_id)
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The objection is settled."))
        return redirect("applications:internal_notice", pk=objection.notice_id)


class ApplicationForwardView(ContactObjectMixin, View):
    """Forward one application to the district audit after the internal notice (POST only)."""

    permission_required = "applications.forward_application"
    http_method_names = ["post"]

    def load_object(self):
        return application_detail(self.request.user, self.kwargs["pk"])

    def post(self, request, pk):
        application = self.permission_object
        back = safe_next(request, reverse("applications:enterprise_applications"))
        try:
            services.application_forward(application=application, actor=request.user, ip=client_ip(request))
        except TransitionConflict as conflict:
            messages.error(request, _messages_of(conflict)[0])
        except ValidationError as error:
            messages.error(
                request,
                _("Application %(number)s was not forwarded: %(reason)s")
                % {"number": application.number, "reason": " ".join(_messages_of(error))},
            )
        else:
            messages.success(
                request,
                _("Application %(number)s of %(name)s is forwarded to the district audit.")
                % {"number": application.number, "name": application.applicant.real_name},
            )
        return redirect(back)


# --- Chairman (董事长) ------------------------------------------------------------------------------


def _candidates(enterprise, batch):
    """The nominees of ``batch`` with what the chairman's pages show, each with its ``nomination``
    (``nomination_signatures``: signed, broken, voided or unsigned), in a fixed number of queries."""
    candidates = list(
        services.nomination_candidates(enterprise=enterprise, batch=batch).annotate(
            achievement_count=Count("achievements", distinct=True)
        )
    )
    signatures = nomination_signatures(candidates)
    for application in candidates:
        application.nomination = signatures[application.pk]
        application.entry = application.nomination.entry  # the latest signature, to prefill the next one
    return candidates


class ChairmanMixin(PermissionRequiredMixin):
    permission_required = "applications.view_chairman_home"

    def get_enterprise(self, *, required=True):
        if not hasattr(self, "_enterprise"):
            self._enterprise = enterprise_for_chairman(self.request.user)
        if self._enterprise is None and required:
            raise Http404
        return self._enterprise


class ChairmanHomeView(ChairmanMixin, TemplateView):
    """署名举荐 — the nominees of each dedicated-channel batch, their signatures, and the signed letters."""

    template_name = "applications/chairman_home.html"

    def get_context_data(self, **kwargs):
        enterprise = self.get_enterprise(required=False)
        context = super().get_context_data(enterprise=enterprise, **kwargs)
        if enterprise is None:
            return context
        batches = list(
            Batch.objects.filter(channel=Channel.DEDICATED, applications__enterprise=enterprise)
            .distinct()
            .order_by("-year", "-opens_at")
        )
        latest = {}
        for nomination in Nomination.objects.filter(enterprise=enterprise, batch__in=batches).order_by(
            "-signed_at", "-id"
        ):
            latest.setdefault(nomination.batch_id, nomination)
        groups = []
        for batch in batches:
            nominees = _candidates(enterprise, batch)
            if not nominees:
                continue
            groups.append(
                {
                    "batch": batch,
                    "nominees": nominees,
                    "nomination": latest.get(batch.pk),
                    "needs_signature": any(not n.nomination.valid for n in nominees),
                    "voided": [n for n in nominees if n.nomination.needs_new_signature],
                }
            )
        return {**context, "groups": groups}


class NominationSignView(ObjectPermissionMixin, ChairmanMixin, TemplateView):
    """Rank the nominees of one batch, write a recommendation for each, and sign with a one-time code.

    What the chairman types is kept in the session at every POST (never the code), so that neither a
    code request, an error nor a reload after reading the text message loses it."""

    role_required = is_chairman
    permission_required = "applications.sign_nomination"
    template_name = "applications/enterprise/nomination_sign.html"

    def load_object(self):
        return self.get_enterprise()

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.batch = None

    def load(self):
        enterprise = self.get_enterprise()
        batch = Batch.objects.filter(pk=self.kwargs["batch_pk"], channel=Channel.DEDICATED).first()
        if batch is None:
            raise Http404
        candidates = _candidates(enterprise, batch)
        if not candidates:
            raise Http404
        self.enterprise, self.batch, self.candidates = enterprise, batch, candidates
        #: The latest signed nomination of this enterprise and batch (the ranking last signed), or None.
        self.nomination = (
            Nomination.objects.filter(enterprise=enterprise, batch=batch).order_by("-signed_at", "-id").first()
        )

    def draft_key(self):
        return f"{DRAFT_SESSION_KEY}:{self.enterprise.pk}:{self.batch.pk}"

    def initial(self):
        """The draft kept in the session, else the ranking last signed, else the listed order.

        The ranking last signed is the order of the nominees in the latest nomination (their ranks there);
        nominees it did not name follow, in the listed order. ``self.prefilled_from_signature`` says
        whether the page starts from it (the page then says so)."""
        self.prefilled_from_signature = False
        draft = self.request.session.get(self.draft_key())
        if draft:
            return draft
        initial = {}
        latest = self.nomination.pk if self.nomination is not None else None
        signed = sorted(
            (a for a in self.candidates if a.entry is not None and a.entry.nomination_id == latest),
            key=lambda a: (a.entry.rank, a.pk),
        )
        unsigned = [a for a in self.candidates if a not in signed]
        for position, application in enumerate(signed + unsigned, start=1):
            initial[f"rank_{application.pk}"] = position
        for application in self.candidates:
            if application.entry is not None:
                initial[f"recommendation_{application.pk}"] = application.entry.recommendation
        self.prefilled_from_signature = bool(signed)
        return initial

    def get(self, request, *args, **kwargs):
        self.load()
        form = NominationForm(initial=self.initial(), candidates=self.candidates)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            enterprise=self.enterprise,
            batch=self.batch,
            nominees=self.candidates,
            nomination=self.nomination,
            masked_mobile=self.request.user.masked_mobile,
            minutes=max(1, ttl_seconds() // 60),
            prefilled_from_signature=getattr(self, "prefilled_from_signature", False),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.load()
        known = {str(a.pk) for a in self.candidates}
        if NominationForm.named_applications(request.POST) - known:
            # A ranking naming another enterprise's (or another batch's) application: refused whole.
            raise PermissionDenied(_("The ranking names an application that is not your enterprise's in this batch."))
        form = NominationForm(request.POST, candidates=self.candidates)
        request.session[self.draft_key()] = form.draft()
        if request.POST.get("action") == "send_code":
            return self.send_code()
        return self.sign(form)

    def send_code(self):
        request = self.request
        try:
            otp = services.nomination_request_code(
                chairman=request.user, enterprise=self.enterprise, batch=self.batch, request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(_messages_of(error)))
        else:
            messages.success(
                request,
                _("A code was sent to %(mobile)s; it is valid for %(minutes)d minutes, until %(time)s.")
                % {
                    "mobile": request.user.masked_mobile,
                    "minutes": max(1, ttl_seconds() // 60),
                    "time": formats.time_format(timezone.localtime(otp.expires_at), "H:i"),
                },
            )
        return redirect(f"{reverse('applications:nomination_sign', args=[self.batch.pk])}#code")

    def sign(self, form):
        request = self.request
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        code = form.cleaned_data["code"].strip()
        if not code:
            form.add_error("code", _("Enter the code texted to you. No code yet? Press “Send me a code” first."))
            return self.render_to_response(self.get_context_data(form=form))
        try:
            nomination = services.nomination_sign(
                chairman=request.user,
                enterprise=self.enterprise,
                batch=self.batch,
                ranking=form.ranking(),
                code=code,
                ip=client_ip(request),
            )
        except ValidationError as error:
            for item in getattr(error, "error_list", [error]):
                for message in item.messages:
                    form.add_error("code" if item.code in CODE_ERRORS else None, message)
            return self.render_to_response(self.get_context_data(form=form))
        request.session.pop(self.draft_key(), None)
        messages.success(
            request,
            _("You signed the nomination of %(count)d nominees at %(time)s. The nomination letter is ready.")
            % {
                "count": len(self.candidates),
                "time": formats.date_format(timezone.localtime(nomination.signed_at), "DATETIME_FORMAT"),
            },
        )
        return redirect(f"{reverse('applications:chairman_home')}#batch-{self.batch.pk}")


class NominationLetterView(ObjectPermissionMixin, View):
    """The nomination letter (举荐信) PDF: for the enterprise's chairman and contact, and HR staff
    within their scope; every download is in the audit log."""

    http_method_names = ["get"]
    role_required = reads_nomination_letters
    permission_required = "applications.open_nomination"

    def load_object(self):
        nomination = (
            _nominations_for(self.request.user)
            .select_related("enterprise", "batch")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if nomination is None or not nomination.letter:
            raise Http404
        return nomination

    def get(self, request, pk):
        nomination = self.permission_object
        audit_record(
            kind=AuditEvent.Kind.FILE_DOWNLOADED,
            request=request,
            obj=nomination,
            detail={"file": "nomination_letter", "storage_name": nomination.letter, "sha256": nomination.letter_sha256},
        )
        name = _("Nomination letter %(enterprise)s %(date)s.pdf") % {
            "enterprise": nomination.enterprise.name,
            "date": timezone.localtime(nomination.signed_at).strftime("%Y%m%d"),
        }
        return file_response(nomination.letter, download_name=name, content_type="application/pdf")
