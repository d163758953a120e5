"""Who may read the library's documents and who may see, build and acknowledge a 一企一策 package.

Declared once as scopes (``zaozhuang_titles.scopes``), so that the selectors' querysets and the object
predicates cannot disagree:

- a public document is read by anyone, logged in or not; an internal one by HR staff and service
  commissioners, and by the contacts of an enterprise whose sent package holds it;
- a package is seen by the HR staff in charge of its enterprise (city staff, its division's district
  staff), by the commissioner serving the enterprise, and — once sent — by the enterprise's contacts;
  the commissioner builds and sends it, a contact acknowledges it.
"""

import rules
from django.db.models import Q

from enterprises.rules import (
    CITY_WIDE,
    COMMISSIONER_OF,
    CONTACT_OF,
    IN_STAFF_DIVISION,
    contact_enterprise_id,
    no_object,
)
from zaozhuang_titles.rules import is_city_admin, is_commissioner, is_enterprise_contact, is_hr_staff
from zaozhuang_titles.scopes import Scope, any_of

PUBLIC = "public"
SENT = "sent"


def _documents_held_by(enterprise_id):
    from library.models import PackageItem  # deferred: the models declare their permissions from here

    return PackageItem.objects.filter(package__enterprise_id=enterprise_id, package__status=SENT).values("document_id")


#: HR staff and service commissioners read every document, internal ones included.
#: (Not ``Q()``: an empty ``Q`` vanishes when OR-ed with the public documents' condition.)
STAFF_READERS = Scope(
    "library_is_staff_reader",
    role=is_hr_staff | is_commissioner,
    where=lambda user: Q(pk__isnull=False),
    holds=lambda user, document: True,
)
#: The contacts of an enterprise read the internal documents its sent packages hold.
HELD_BY_CONTACT = Scope(
    "library_is_held_by_contacts_enterprise",
    role=is_enterprise_contact,
    where=lambda user: (
        Q(pk__in=_documents_held_by(contact_enterprise_id(user))) if contact_enterprise_id(user) else None
    ),
)
#: Who may read documents that are not public.
INTERNAL_READER_SCOPES = (STAFF_READERS, HELD_BY_CONTACT)


@rules.predicate
def is_public_document(user, document):
    return document is not None and document.visibility == PUBLIC


can_read_document = is_public_document | any_of(INTERNAL_READER_SCOPES)

#: A package is its enterprise's: the enterprises' scopes carried to it.
PACKAGE_STAFF = (
    CITY_WIDE.through("enterprise", name="library_is_city_wide_package"),
    IN_STAFF_DIVISION.through("enterprise", name="library_is_in_staff_division_package"),
)
PACKAGE_COMMISSIONER = COMMISSIONER_OF.through("enterprise", name="library_is_commissioner_of_package")
#: Contacts see their enterprise's packages once sent, never one in preparation.
PACKAGE_CONTACT = CONTACT_OF.through("enterprise", name="library_is_contact_of_package").narrowed(
    name="library_is_contact_of_sent_package",
    where=Q(status=SENT),
    holds=lambda package: package.status == SENT,
)
PACKAGE_SCOPES = (*PACKAGE_STAFF, PACKAGE_COMMISSIONER, PACKAGE_CONTACT)

DOCUMENT_PERMISSIONS = {
    "view": is_city_admin,
    "add": is_city_admin,
    "change": is_city_admin,
    #: The public page of a document and its file.
    "read": can_read_document,
}
PACKAGE_PERMISSIONS = {
    #: Without an object: Django admin's list of packages, HR staff's (scoped by ``PACKAGE_STAFF``).
    "view": (is_hr_staff & no_object) | any_of(PACKAGE_SCOPES),
    "add": PACKAGE_COMMISSIONER.predicate,
    #: Change its selection and note, and send it: the commissioner serving the enterprise.
    "change": PACKAGE_COMMISSIONER.predicate,
    #: Acknowledge receipt: a contact of the enterprise, once it is sent.
    "acknowledge": PACKAGE_CONTACT.predicate,
}

#: The staff pages of the library: city staff keep it.
rules.add_perm("library.manage_library", is_city_admin)
#: The commissioner's list of the enterprises it serves, with their packages.
rules.add_perm("library.list_packages", is_commissioner)
#: Starting a package for an enterprise (object: the enterprise): the commissioner serving it.
rules.add_perm("library.start_package", COMMISSIONER_OF.predicate)

# Django admin: city staff read documents and packages there, district staff their division's packages
# (``PACKAGE_STAFF``); documents are published and packages built on the portal's pages, through the
# services (the admin classes are read only).
rules.add_perm("library", is_hr_staff)
