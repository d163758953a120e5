"""Pages of the library: the public search and document pages with their files (byte ranges), the
staff's documents and versions, and the 一企一策 packages (the commissioner's list and editor, the
package's page, the contact's acknowledgement).

Everything is loaded through the reader's scope (``library.selectors``); outside it, a 404. Writes go
through ``library.services``: their ``ValidationError`` becomes a form error or a message.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from enterprises.models import Enterprise
from enterprises.selectors import enterprises_assigned_to
from library import selectors, services
from library.files import ranged_response
from library.forms import DocumentCreateForm, DocumentForm, LibrarySearchForm, PackageForm, VersionForm
from library.models import Document, DocumentKind, DocumentVersion, Package
from library.proposals import TAG_DIMENSIONS, propose
from zaozhuang_titles.audit import audit_denial, audit_record
from zaozhuang_titles.forms import add_errors
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.rules import is_city_admin, is_commissioner, is_enterprise_contact, is_hr_staff


def _tag_labels(document):
    """[(dimension label, [value labels])] of a document's tags, for its page."""
    labels = []
    for field, _attribute, choices in TAG_DIMENSIONS:
        values = getattr(document, field) or []
        names = dict(choices.choices)
        labels.append((Document._meta.get_field(field).verbose_name, [str(names.get(v, v)) for v in values]))
    return labels


# --- Public --------------------------------------------------------------------------------------


class LibraryIndexView(TemplateView):
    """政策文库 — searchable by anyone; internal documents only for the readers they are for."""

    template_name = "library/index.html"

    def get_context_data(self, **kwargs):
        form = LibrarySearchForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        documents = selectors.library_documents(
            self.request.user,
            query=filters.get("q", ""),
            kind=filters.get("kind", ""),
            level=filters.get("level", ""),
            channel=filters.get("channel", ""),
        )
        return super().get_context_data(
            form=form, documents=documents, searched=bool(filters.get("q")), today=timezone.localdate(), **kwargs
        )


class PublicObjectMixin:
    """A page anyone may open for an object its reader may see; 404 (audited) for any other."""

    def get_object(self):
        if not hasattr(self, "_object"):
            try:
                self._object = self.load_object()
            except (Document.DoesNotExist, DocumentVersion.DoesNotExist):
                audit_denial(self.request, status=404)
                raise Http404 from None
        return self._object


class DocumentView(PublicObjectMixin, TemplateView):
    """One document: its current version (file, video, flow chart, text), tags and earlier versions."""

    template_name = "library/document.html"

    def load_object(self):
        return selectors.document_detail(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        document = self.get_object()
        return super().get_context_data(
            document=document,
            version=document.current_version,
            versions=list(document.versions.all()),
            tags=_tag_labels(document),
            today=timezone.localdate(),
            **kwargs,
        )


class DocumentFileView(PublicObjectMixin, View):
    """The file of one version, whole or by byte ranges (a video player seeks with them)."""

    http_method_names = ["get", "head"]

    def load_object(self):
        return selectors.document_version(self.request.user, self.kwargs["pk"], self.kwargs["number"])

    def get(self, request, pk, number):
        version = self.get_object()
        if not version.file:
            raise Http404
        if not version.document.is_public and not request.headers.get("Range"):
            # Internal files are logged when fetched whole; a player's range requests are one viewing.
            audit_record(kind=AuditEvent.Kind.FILE_DOWNLOADED, request=request, obj=version)
        return ranged_response(
            request,
            storage_name=version.file,
            size=version.size,
            etag=version.sha256,
            content_type=version.content_type,
            download_name=version.original_name,
        )


# --- Staff: documents and versions ---------------------------------------------------------------


class ManageMixin(PermissionRequiredMixin):
    permission_required = "library.manage_library"


class ManageView(ManageMixin, TemplateView):
    """The staff's list of every document, public and internal, with its current version."""

    template_name = "library/manage.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            documents=list(selectors.documents_for_staff()), today=timezone.localdate(), **kwargs
        )


class DocumentCreateView(ManageMixin, FormView):
    """A new document and its first version."""

    template_name = "library/document_form.html"
    form_class = DocumentCreateForm

    def get_initial(self):
        return {"effective_from": timezone.localdate()}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            document = services.document_create(
                actor=self.request.user,
                kind=data["kind"],
                title=data["title"],
                summary=data["summary"],
                visibility=data["visibility"],
                series=data["series"],
                levels=data["levels"],
                channels=data["channels"],
                version=form.version_data(),
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("%(title)s is published in the library.") % {"title": document.title})
        return redirect("library:document_edit", pk=document.pk)


class StaffDocumentMixin(ObjectPermissionMixin):
    """City staff (403 for other roles); the document of the URL (404 when there is none)."""

    role_required = is_city_admin
    permission_required = "library.change_document"

    def load_object(self):
        try:
            return selectors.document_for_staff(self.kwargs["pk"])
        except Document.DoesNotExist:
            raise Http404 from None

    def get_document(self):
        return self.permission_object


class DocumentEditView(StaffDocumentMixin, FormView):
    """Change what describes a document; its versions, with the link to publish a new one."""

    template_name = "library/document_edit.html"
    form_class = DocumentForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["editing"] = True
        return kwargs

    def get_initial(self):
        document = self.get_document()
        return {
            "title": document.title,
            "summary": document.summary,
            "visibility": document.visibility,
            "series": document.series,
            "levels": document.levels,
            "channels": document.channels,
        }

    def get_context_data(self, **kwargs):
        document = self.get_document()
        return super().get_context_data(
            document=document, versions=list(document.versions.all()), today=timezone.localdate(), **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.document_update(
                document=self.get_document(),
                actor=self.request.user,
                title=data["title"],
                summary=data["summary"],
                visibility=data["visibility"],
                series=data["series"],
                levels=data["levels"],
                channels=data["channels"],
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The document is saved."))
        return redirect("library:document_edit", pk=self.get_document().pk)


class VersionCreateView(StaffDocumentMixin, FormView):
    """Publish a new version: it replaces the current one, and the enterprises holding it are told."""

    template_name = "library/version_form.html"
    form_class = VersionForm

    def get_initial(self):
        return {"effective_from": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(document=self.get_document(), **kwargs)

    def form_valid(self, form):
        document = self.get_document()
        try:
            version = services.document_version_publish(
                document=document, actor=self.request.user, **form.version_data()
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Version %(number)s of %(title)s is published; enterprises holding an earlier one are told.")
            % {"number": version.number, "title": document.title},
        )
        return redirect("library:document_edit", pk=document.pk)


# --- 一企一策 packages ------------------------------------------------------------------------------


class PackagesView(PermissionRequiredMixin, TemplateView):
    """The commissioner's enterprises, each with its package in hand and the one being prepared."""

    permission_required = "library.list_packages"
    template_name = "library/packages.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            enterprises=list(selectors.served_enterprises_with_packages(self.request.user)), **kwargs
        )


class PackageStartView(ObjectPermissionMixin, View):
    """Start (or go back to) the package being prepared for an enterprise the commissioner serves."""

    role_required = is_commissioner
    permission_required = "library.start_package"
    http_method_names = ["post"]

    def load_object(self):
        enterprise = (
            enterprises_assigned_to(self.request.user)
            .select_related("commissioner")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if enterprise is None:
            raise Http404
        return enterprise

    def post(self, request, pk):
        enterprise = self.permission_object
        if enterprise.status != Enterprise.Status.ACTIVE:
            messages.error(
                request, _("%(name)s is not verified yet; its package waits until it is.") % {"name": enterprise}
            )
            return redirect("library:packages")
        package, created = services.package_start(enterprise=enterprise, actor=request.user)
        if created:
            messages.success(
                request,
                _("Version %(version)s is prepared from %(name)s's staff structure; check the selection and send it.")
                % {"version": package.version, "name": enterprise.name},
            )
        return redirect("library:package_edit", pk=package.pk)


class PackageObjectMixin(ObjectPermissionMixin):
    role_required = is_hr_staff | is_commissioner | is_enterprise_contact
    permission_required = "library.view_package"

    def load_object(self):
        try:
            return selectors.package_detail(self.request.user, self.kwargs["pk"])
        except Package.DoesNotExist:
            raise Http404 from None

    def get_package(self):
        return self.permission_object


class PackageView(PackageObjectMixin, TemplateView):
    """One version of a package: its documents (and whether a newer version of one is out), the note,
    who sent it and who acknowledged it."""

    template_name = "library/package.html"

    def get_context_data(self, **kwargs):
        package = self.get_package()
        user = self.request.user
        return super().get_context_data(
            package=package,
            items=list(package.items.all()),
            events=list(package.events.all()),
            can_acknowledge=not package.is_draft
            and package.acknowledged_at is None
            and user.has_perm("library.acknowledge_package", package),
            can_edit=package.is_draft and user.has_perm("library.change_package", package),
            **kwargs,
        )


class PackageEditView(PackageObjectMixin, FormView):
    """The commissioner edits the selection (proposals marked, with why) and the note, then sends."""

    role_required = is_commissioner
    permission_required = "library.change_package"
    template_name = "library/package_edit.html"
    form_class = PackageForm

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission() and not self.get_package().is_draft:
            messages.info(request, _("This version was sent already; start a new version to change the package."))
            return redirect("library:package", pk=self.get_package().pk)
        return super().dispatch(request, *args, **kwargs)

    def get_documents(self):
        if not hasattr(self, "_documents"):
            self._documents = list(selectors.current_documents().order_by("kind", "title", "id"))
        return self._documents

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["documents"] = self.get_documents()
        kwargs["initial"] = {
            "documents": [str(item.document_id) for item in self.get_package().items.all()],
            "note": self.get_package().note,
        }
        return kwargs

    def get_context_data(self, **kwargs):
        package = self.get_package()
        today = timezone.localdate()
        structure = selectors.enterprise_staff_structure(package.enterprise, today=today)
        proposals = {document.pk: reason for document, reason in propose(self.get_documents(), structure, today=today)}
        if "form" not in kwargs:
            kwargs["form"] = self.get_form()
        chosen = {str(value) for value in kwargs["form"]["documents"].value() or []}
        rows = [
            {
                "document": document,
                "checked": str(document.pk) in chosen,
                "reason": proposals.get(document.pk, ""),
                "kind_label": DocumentKind(document.kind).label,
            }
            for document in self.get_documents()
        ]
        return super().get_context_data(package=package, rows=rows, structure=_structure_labels(structure), **kwargs)

    def form_valid(self, form):
        package = self.get_package()
        send = self.request.POST.get("action") == "send"
        try:
            services.package_update(
                package=package,
                actor=self.request.user,
                document_ids=form.document_ids(),
                note=form.cleaned_data["note"],
            )
            if send:
                services.package_send(package=package, actor=self.request.user)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        if send:
            messages.success(self.request, _("The package is sent; the enterprise's contacts are told."))
            return redirect("library:package", pk=package.pk)
        messages.success(self.request, _("The selection is saved."))
        return redirect("library:package_edit", pk=package.pk)


def _structure_labels(structure):
    labels = []
    for field, attribute, choices in TAG_DIMENSIONS:
        names = dict(choices.choices)
        values = sorted(getattr(structure, attribute))
        labels.append((Document._meta.get_field(field).verbose_name, [str(names.get(v, v)) for v in values]))
    return labels


class PackageAcknowledgeView(PackageObjectMixin, View):
    """A contact confirms the enterprise received the package (POST only; logged once)."""

    role_required = is_enterprise_contact
    permission_required = "library.acknowledge_package"
    http_method_names = ["post"]

    def post(self, request, pk):
        package = self.get_package()
        if services.package_acknowledge(package=package, actor=request.user):
            messages.success(request, _("Receipt of the policy package is confirmed. Thank you."))
        else:
            messages.info(request, _("Receipt of this package was confirmed already."))
        next_url = request.POST.get("next", "")
        if next_url == "home":
            return redirect("enterprises:contact_home")
        return redirect("library:package", pk=package.pk)
