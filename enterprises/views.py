"""Pages of the registry: staff lists and details, registration and verification, the archive,
commissioners' service log and statistics, Excel in and out, and the public QR page (码上看)."""

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from enterprises import excel
from enterprises.forms import (
    AssignCommissionerForm,
    EnterpriseRegistrationForm,
    ImportForm,
    ServiceLogForm,
    SolveProblemForm,
    StatisticsFilterForm,
    VerifyForm,
    staff_filter_form,
)
from enterprises.models import Enterprise, ServiceLog
from enterprises.selectors import (
    active_contacts_prefetch,
    commissioner_for_user,
    commissioners_for_enterprise,
    enterprise_detail,
    enterprise_for_contact,
    enterprise_timeline,
    enterprises_assigned_to,
    enterprises_for_staff,
    enterprises_served_by,
    filter_enterprises,
    service_logs_for_enterprise,
    service_statistics,
    with_list_data,
)
from enterprises.services import (
    DuplicateEnterprise,
    can_verify,
    commissioner_assign,
    enterprise_register,
    enterprise_verify,
    enterprises_import,
    service_log_record,
    service_log_solve,
)
from enterprises.validators import credit_code_warnings
from zaozhuang_titles.forms import add_errors
from zaozhuang_titles.keyset import keyset_page_for_request
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.rules import is_city_admin, is_commissioner, is_hr_staff
from zaozhuang_titles.views import export_response

PAGE_SIZE = 50
#: The registry's order; ``id`` breaks ties between equal names (keyset pages need it unique).
LIST_ORDER = ("name", "id")
IMPORT_SESSION_KEY = "enterprises_import_rows"


class ContactHomeView(PermissionRequiredMixin, TemplateView):
    """本单位 — the enterprise contact's enterprise, its registration status and recognitions."""

    permission_required = "enterprises.view_contact_home"
    template_name = "enterprises/contact_home.html"

    def get_context_data(self, **kwargs):
        enterprise = enterprise_for_contact(self.request.user)
        if enterprise is not None:
            enterprise = with_list_data(Enterprise.objects.filter(pk=enterprise.pk)).get()
        return super().get_context_data(enterprise=enterprise, today=timezone.localdate(), **kwargs)


class CommissionerHomeView(PermissionRequiredMixin, TemplateView):
    """一企一员 — the enterprises a service commissioner serves."""

    permission_required = "enterprises.view_commissioner_home"
    template_name = "enterprises/commissioner_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            commissioner=commissioner_for_user(self.request.user),
            enterprises=list(enterprises_served_by(self.request.user)),
            **kwargs,
        )


class EnterpriseRegisterView(PermissionRequiredMixin, FormView):
    """新增注册 — an enterprise contact registers its enterprise for district verification."""

    permission_required = "enterprises.register_enterprise"
    template_name = "enterprises/register.html"
    form_class = EnterpriseRegistrationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and enterprise_for_contact(request.user) is not None:
            messages.info(request, _("Your account already keeps the record of an enterprise."))
            return redirect("enterprises:contact_home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            enterprise_register(
                contact_user=self.request.user,
                enterprise_data=form.enterprise_data(),
                recognition_data=form.recognition_data(),
            )
        except DuplicateEnterprise as duplicate:
            existing = Enterprise.objects.prefetch_related(active_contacts_prefetch()).get(pk=duplicate.enterprise.pk)
            return render(
                self.request,
                "enterprises/register_duplicate.html",
                {"enterprise": existing, "contacts": existing.active_contacts},
                status=409,
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your enterprise is registered. District HR staff will verify it; you will see its status here."),
        )
        return redirect("enterprises:contact_home")


class StaffListMixin:
    """The filtered registry a staff member may see, and its filter form."""

    def get_filter_form(self):
        return staff_filter_form(self.request.user, self.request.GET or None)

    def get_filtered(self, form):
        queryset = enterprises_for_staff(self.request.user)
        if form.is_bound and form.is_valid():
            queryset = filter_enterprises(queryset, filters=form.cleaned_data)
        return with_list_data(queryset).order_by(*LIST_ORDER)


class EnterpriseListView(PermissionRequiredMixin, StaffListMixin, TemplateView):
    """企业名录 — the registry with filters; district staff see their own division only."""

    permission_required = "enterprises.list_enterprises"
    template_name = "enterprises/list.html"

    def get_context_data(self, **kwargs):
        form = self.get_filter_form()
        filtered = self.get_filtered(form)
        page = keyset_page_for_request(self.request, filtered, fields=LIST_ORDER, size=PAGE_SIZE)
        query = self.request.GET.copy()
        for cursor in ("after", "before", "page"):
            query.pop(cursor, None)
        return super().get_context_data(
            form=form,
            page=page,
            # The registry's size (10,000 at most): counting it is an index-only count, not a page.
            total=filtered.order_by().values("pk").count(),
            enterprises=page.rows,
            query=query.urlencode(),
            today=timezone.localdate(),
            **kwargs,
        )


class EnterpriseExportView(PermissionRequiredMixin, View):
    """导出 Excel of the registry as filtered (the filters in the query string), by POST: the rows
    ``enterprises.exports`` defines, in the import's columns, so an export can be corrected and sent back."""

    permission_required = "enterprises.export_enterprises"
    http_method_names = ["post"]

    def post(self, request):
        return export_response(request, source="enterprises.list")


class EnterpriseObjectMixin(ObjectPermissionMixin):
    """HR staff and commissioners (403 for other roles); loads the enterprise of the URL among those
    the user may see (404 for any other), then checks ``permission_required`` on it."""

    role_required = is_hr_staff | is_commissioner
    permission_required = "enterprises.open_enterprise"

    def load_object(self):
        try:
            return enterprise_detail(self.request.user, self.kwargs["pk"])
        except Enterprise.DoesNotExist:
            raise Http404 from None

    def get_enterprise(self):
        return self.permission_object


class EnterpriseDetailView(EnterpriseObjectMixin, TemplateView):
    """一企一档 — one enterprise: its record, recognitions, contacts, commissioner and service log."""

    template_name = "enterprises/detail.html"

    def get_context_data(self, **kwargs):
        enterprise = self.get_enterprise()
        user = self.request.user
        return super().get_context_data(
            enterprise=enterprise,
            recognitions=list(enterprise.recognitions.all()),
            contacts=list(enterprise.contacts.all()),
            logs=list(service_logs_for_enterprise(enterprise)[:50]),
            today=timezone.localdate(),
            warnings=credit_code_warnings(enterprise.credit_code),
            verify_form=VerifyForm(),
            can_verify=enterprise.status == Enterprise.Status.PENDING and can_verify(user, enterprise),
            **kwargs,
        )


class EnterpriseHistoryView(EnterpriseObjectMixin, TemplateView):
    """The archive timeline (一企一档): who changed what, when, old and new value."""

    template_name = "enterprises/history.html"

    def get_context_data(self, **kwargs):
        enterprise = self.get_enterprise()
        return super().get_context_data(enterprise=enterprise, timeline=enterprise_timeline(enterprise), **kwargs)


class EnterpriseVerifyView(ObjectPermissionMixin, View):
    """District staff of the enterprise's division verify its registration (POST only)."""

    role_required = is_hr_staff
    permission_required = "enterprises.verify_enterprise"
    http_method_names = ["post"]

    def load_object(self):
        enterprise = enterprises_for_staff(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if enterprise is None:
            raise Http404
        return enterprise

    def post(self, request, pk):
        enterprise = self.permission_object
        form = VerifyForm(request.POST)
        form.is_valid()
        try:
            enterprise_verify(
                enterprise=enterprise,
                actor=request.user,
                accept_outside_region=form.cleaned_data.get("accept_outside_region", False),
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("%(name)s is verified; its employees can now apply.") % {"name": enterprise})
        return redirect("enterprises:detail", pk=enterprise.pk)


class AssignCommissionerView(EnterpriseObjectMixin, FormView):
    """City staff assign or reassign the enterprise's service commissioner (一企一员)."""

    role_required = is_city_admin
    permission_required = "enterprises.assign_commissioner"
    template_name = "enterprises/assign.html"
    form_class = AssignCommissionerForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["commissioners"] = commissioners_for_enterprise(self.get_enterprise())
        kwargs["initial"] = {"commissioner": self.get_enterprise().commissioner_id}
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(enterprise=self.get_enterprise(), **kwargs)

    def form_valid(self, form):
        try:
            commissioner_assign(
                enterprise=self.get_enterprise(),
                commissioner=form.cleaned_data["commissioner"],
                actor=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The service commissioner is saved."))
        return redirect("enterprises:detail", pk=self.get_enterprise().pk)


class ServedEnterpriseMixin(ObjectPermissionMixin):
    """Commissioners only; the enterprise of the URL among those assigned to the requesting one."""

    role_required = is_commissioner
    permission_required = "enterprises.log_service"

    def load_object(self):
        enterprise = (
            enterprises_assigned_to(self.request.user)
            .filter(pk=self.kwargs["pk"])
            .select_related("commissioner__user", "division")
            .first()
        )
        if enterprise is None:
            raise Http404
        return enterprise

    def get_enterprise(self):
        return self.permission_object


class ServiceLogCreateView(ServedEnterpriseMixin, FormView):
    """The commissioner records a visit, consultation, policy explanation or problem."""

    template_name = "enterprises/service_log_form.html"
    form_class = ServiceLogForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(enterprise=self.get_enterprise(), **kwargs)

    def form_valid(self, form):
        enterprise = self.get_enterprise()
        try:
            service_log_record(enterprise=enterprise, commissioner=enterprise.commissioner, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The service log entry is saved."))
        return redirect("enterprises:detail", pk=enterprise.pk)


class ServiceLogSolveView(ObjectPermissionMixin, FormView):
    """The commissioner records how and when a problem was solved."""

    role_required = is_commissioner
    permission_required = "enterprises.solve_problem"
    template_name = "enterprises/service_log_solve.html"
    form_class = SolveProblemForm

    def load_object(self):
        entry = (
            ServiceLog.objects.filter(
                pk=self.kwargs["pk"],
                kind=ServiceLog.Kind.PROBLEM,
                enterprise__in=enterprises_assigned_to(self.request.user).values("pk"),
            )
            .select_related("enterprise__commissioner__user")
            .first()
        )
        if entry is None:
            raise Http404
        return entry

    def get_entry(self):
        return self.permission_object

    def get_context_data(self, **kwargs):
        return super().get_context_data(entry=self.get_entry(), **kwargs)

    def form_valid(self, form):
        entry = self.get_entry()
        try:
            service_log_solve(entry=entry, commissioner=entry.enterprise.commissioner, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The problem is marked solved."))
        return redirect("enterprises:detail", pk=entry.enterprise_id)


class StatisticsView(PermissionRequiredMixin, TemplateView):
    """一企一员 figures: enterprises served, consultations (人次), problems solved — by commissioner,
    division and month, over what the user may see."""

    permission_required = "enterprises.view_service_statistics"
    template_name = "enterprises/statistics.html"

    def get_context_data(self, **kwargs):
        form = StatisticsFilterForm(self.request.GET or None)
        dates = form.cleaned_data if form.is_bound and form.is_valid() else {}
        user = self.request.user
        return super().get_context_data(
            form=form,
            stats=service_statistics(user, date_from=dates.get("date_from"), date_to=dates.get("date_to")),
            unassigned=enterprises_for_staff(user).filter(is_key=True, commissioner__isnull=True).count(),
            key_total=enterprises_for_staff(user).filter(is_key=True).count(),
            **kwargs,
        )


class ImportView(PermissionRequiredMixin, FormView):
    """Import step 1: upload, validate every row, preview. Nothing is written here."""

    permission_required = "enterprises.import_enterprises"
    template_name = "enterprises/import.html"
    form_class = ImportForm

    def form_valid(self, form):
        try:
            raw_rows = excel.parse_workbook(form.cleaned_data["file"])
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        rows, problems, warnings = excel.validate_rows(raw_rows)
        if problems:
            self.request.session.pop(IMPORT_SESSION_KEY, None)
        else:
            self.request.session[IMPORT_SESSION_KEY] = raw_rows
        return self.render_to_response(
            self.get_context_data(
                form=form, rows=rows, problems=problems, warnings=warnings, previewed=True, row_count=len(raw_rows)
            )
        )


class ImportConfirmView(PermissionRequiredMixin, View):
    """Import step 2: write the previewed rows in one transaction (all or nothing)."""

    permission_required = "enterprises.import_enterprises"
    http_method_names = ["post"]

    def post(self, request):
        raw_rows = request.session.get(IMPORT_SESSION_KEY)
        if not raw_rows:
            messages.error(request, _("There is no checked file to import; upload it again."))
            return redirect("enterprises:import")
        try:
            created = enterprises_import(raw_rows=[tuple(row) for row in raw_rows], actor=request.user)
        except ValidationError as error:
            for message in error.messages[:20]:
                messages.error(request, message)
            return redirect("enterprises:import")
        finally:
            request.session.pop(IMPORT_SESSION_KEY, None)
        messages.success(request, _("%(count)d enterprises imported.") % {"count": len(created)})
        return redirect("enterprises:list")


class ImportTemplateView(PermissionRequiredMixin, View):
    """An empty workbook with the import's columns."""

    permission_required = "enterprises.import_enterprises"

    def get(self, request):
        response = HttpResponse(
            excel.template_workbook(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="enterprise-import-template.xlsx"'
        return response


def _public_enterprise(token):
    enterprise = (
        Enterprise.objects.filter(public_token=token)
        .exclude(status=Enterprise.Status.CLOSED)
        .select_related("commissioner__user", "division")
        .first()
    )
    if enterprise is None:
        raise Http404
    return enterprise


class PublicEnterpriseView(TemplateView):
    """码上看 — opened by an enterprise's QR code: its commissioner's contact and the open calls.
    Shows no personal data of applicants."""

    template_name = "enterprises/public.html"

    def get_context_data(self, **kwargs):
        # The open calls are applications data: the template shows them with applications' {% open_calls %}.
        return super().get_context_data(enterprise=_public_enterprise(self.kwargs["token"]), **kwargs)


class EnterpriseQRCodeView(View):
    """The QR code (SVG, generated here, no external service) that opens the public page."""

    def get(self, request, token):
        enterprise = _public_enterprise(token)
        url = request.build_absolute_uri(reverse("enterprises:public", kwargs={"token": enterprise.public_token}))
        image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
        buffer = io.BytesIO()
        image.save(buffer)
        return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
