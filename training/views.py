"""Pages of continuing-education hours: the person's yearly totals and its entries, the staff's list,
one entry with its recognition, and the import of the training platform's workbook."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from training import excel, selectors, services
from training.forms import DecisionForm, EntryForm, ImportForm, StaffFilterForm
from training.models import EntryStatus
from training.requirement import HOURS_PER_YEAR, SPECIALTY_SHARE
from training.rules import workplace
from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.forms import add_errors
from zaozhuang_titles.keyset import keyset_page_for_request
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.rules import is_applicant, is_city_admin, is_hr_staff
from zaozhuang_titles.uploads import CONTENT_TYPES, file_response

PAGE_SIZE = 50


def _requirement():
    numerator, denominator = SPECIALTY_SHARE
    return {"required_hours": HOURS_PER_YEAR, "share_numerator": numerator, "share_denominator": denominator}


# --- The person ------------------------------------------------------------------------------------


class MyHoursView(PermissionRequiredMixin, View):
    """我的继续教育学时 — the person's yearly totals against the requirement, and every entry."""

    permission_required = "training.view_own_hours"

    def get(self, request):
        user = request.user
        return render(
            request,
            "training/my_hours.html",
            {
                "years": selectors.person_years(user),
                "entries": list(selectors.entries_of_person(user)),
                **_requirement(),
            },
        )


class EntryAddView(PermissionRequiredMixin, View):
    """The person enters hours with their certificate; staff recognise them."""

    permission_required = "training.add_own_entry"
    template_name = "training/entry_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": EntryForm()})

    def post(self, request):
        form = EntryForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.entry_add(person=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The hours are entered; HR staff will recognise them."))
                return redirect("training:my_hours")
        return render(request, self.template_name, {"form": form}, status=200)


class EntryMixin(ObjectPermissionMixin):
    """Loads the entry of the URL among those the reader may see (404 for any other)."""

    def load_object(self):
        return selectors.entry_for(self.request.user, self.kwargs["pk"])

    @property
    def entry(self):
        return self.permission_object


class EntryWithdrawView(EntryMixin, View):
    """The person takes back an entry it made, before staff decide on it."""

    role_required = is_applicant
    permission_required = "training.withdraw_trainingentry"
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            services.entry_withdraw(entry=self.entry, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The entry is withdrawn."))
        return redirect("training:my_hours")


class CertificateView(EntryMixin, View):
    """The certificate of an entry, for its person and the staff in charge; each download is logged."""

    role_required = is_applicant | is_hr_staff
    permission_required = "training.open_trainingentry"
    http_method_names = ["get"]

    def get(self, request, pk):
        entry = self.entry
        if not entry.has_certificate:
            raise Http404
        inline = request.GET.get("inline") == "1" and entry.certificate_type in CONTENT_TYPES.values()
        audit_record(
            kind=AuditEvent.Kind.FILE_DOWNLOADED,
            request=request,
            obj=entry,
            detail={"training_entry": entry.pk, "sha256": entry.certificate_sha256, "inline": inline},
        )
        return file_response(
            entry.certificate_storage_name,
            download_name=entry.certificate_name,
            content_type=entry.certificate_type,
            inline=inline,
        )


# --- Staff -----------------------------------------------------------------------------------------


class StaffEntriesView(PermissionRequiredMixin, View):
    """学时认定 — the entries of the people the staff member is in charge of, pending first by filter."""

    permission_required = "training.list_entries"

    def get(self, request):
        form = StaffFilterForm(request.GET or {"status": EntryStatus.PENDING})
        filters = form.cleaned_data if form.is_valid() else {"status": EntryStatus.PENDING}
        queryset = selectors.staff_entries(
            request.user,
            status=filters.get("status") or None,
            year=filters.get("year"),
            query=(filters.get("q") or "").strip(),
            training_import=filters.get("batch"),
        )
        page = keyset_page_for_request(request, queryset, fields=selectors.STAFF_ORDER, size=PAGE_SIZE)
        for entry in page.rows:
            entry.workplace = workplace(entry)
        kept = {key: value for key, value in filters.items() if value not in (None, "")}
        return render(
            request,
            "training/staff_list.html",
            {
                "form": form,
                "page": page,
                "query": urlencode(kept),
                "training_import": selectors.import_for(filters["batch"]) if filters.get("batch") else None,
                "may_import": is_city_admin(request.user),
            },
        )


class EntryDetailView(EntryMixin, View):
    """One entry for the staff in charge: the person, the certificate, the log; recognise or refuse."""

    role_required = is_hr_staff
    permission_required = "training.decide_trainingentry"
    template_name = "training/entry_detail.html"

    def render_page(self, form, status=200):
        entry = self.entry
        return render(
            self.request,
            self.template_name,
            {
                "entry": entry,
                "workplace": workplace(entry),
                "form": form,
                "decisions": selectors.entry_decisions(entry),
                "person_years": selectors.person_years(entry.person),
                **_requirement(),
            },
            status=status,
        )

    def get(self, request, pk):
        return self.render_page(DecisionForm())

    def post(self, request, pk):
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.entry_decide(
                    entry=self.entry,
                    actor=request.user,
                    recognise=form.cleaned_data["decision"] == "recognise",
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect("training:entry_detail", pk=pk)
        return self.render_page(form)


class ImportView(PermissionRequiredMixin, View):
    """Import the training platform's workbook: every row checked, all imported or none."""

    permission_required = "training.import_entries"
    template_name = "training/import.html"

    def render_page(self, form, problems=()):
        return render(
            self.request,
            self.template_name,
            {"form": form, "problems": problems, "imports": selectors.recent_imports()},
        )

    def get(self, request):
        return self.render_page(ImportForm())

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form)
        upload = form.cleaned_data["file"]
        try:
            raw_rows = excel.parse_workbook(upload)
        except ValidationError as error:
            add_errors(form, error)
            return self.render_page(form)
        try:
            training_import = services.entries_import(raw_rows=raw_rows, file_name=upload.name, actor=request.user)
        except ValidationError as error:
            # One message per problem, each naming its row: nothing was written.
            return self.render_page(form, error.messages)
        messages.success(
            request,
            _("%(count)d rows of hours imported; they wait for recognition.") % {"count": training_import.row_count},
        )
        return redirect(f"{reverse('training:staff_entries')}?{urlencode({'batch': training_import.pk})}")


class ImportTemplateView(PermissionRequiredMixin, View):
    """An empty workbook with the import's columns and a sheet explaining them."""

    permission_required = "training.import_entries"

    def get(self, request):
        response = HttpResponse(
            excel.template_workbook(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="training-hours-template.xlsx"'
        return response


class ImportRecogniseView(PermissionRequiredMixin, View):
    """Recognise every pending entry of one import at once."""

    permission_required = "training.import_entries"
    http_method_names = ["post"]

    def post(self, request, pk):
        training_import = selectors.import_for(pk)
        count = services.import_recognise_pending(training_import=training_import, actor=request.user)
        messages.success(request, _("%(count)d entries recognised.") % {"count": count})
        return redirect(f"{reverse('training:staff_entries')}?{urlencode({'batch': training_import.pk, 'status': ''})}")
