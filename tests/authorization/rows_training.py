"""Matrix rows of the training app (continuing-education hours).

The matrix's applicant owns the entry of each setup and works at an enterprise of the matrix's
division, whose district staff are in charge of its hours; city staff and administrators of everyone's."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.applications.factories import ProfileFactory, tiny_pdf
from tests.authorization.matrix import REDIRECT, Row, hidden, outcome, refused_by_role
from tests.enterprises.factories import EnterpriseFactory
from tests.training.factories import EntryFactory, TrainingImportFactory
from training.models import Source
from zaozhuang_titles.models import Role

APPLICANT = [Role.APPLICANT]
STAFF = [Role.DISTRICT_STAFF, Role.CITY_STAFF, Role.ADMINISTRATOR]
CITY = [Role.CITY_STAFF, Role.ADMINISTRATOR]


def own_entry(ctx):
    """A pending entry of the matrix applicant, with a stored certificate, and an import with a pending row."""
    users = ctx["users"]
    applicant = users[Role.APPLICANT.value]
    division = users[Role.DISTRICT_STAFF.value].district
    ProfileFactory(user=applicant, enterprise=EnterpriseFactory(division=division))
    stored = default_storage.save("training/matrix/certificate.pdf", ContentFile(tiny_pdf("hours")))
    ctx["entry"] = EntryFactory(person=applicant, certificate_storage_name=stored)
    ctx["import"] = TrainingImportFactory(imported_by=users[Role.CITY_STAFF.value])
    EntryFactory(
        person=applicant,
        source=Source.IMPORTED,
        training_import=ctx["import"],
        platform_record="MATRIX-1",
        certificate_storage_name="",
    )


def entry_pk(ctx):
    return {"pk": ctx["entry"].pk}


def import_pk(ctx):
    return {"pk": ctx["import"].pk}


ROWS = [
    Row("training:my_hours", get=outcome(allowed=APPLICANT), post=outcome(allowed=APPLICANT, ok=405)),
    # An empty POST re-renders the form with its errors.
    Row("training:entry_add", get=outcome(allowed=APPLICANT), post=outcome(allowed=APPLICANT)),
    Row(
        "training:entry_withdraw",
        get=outcome(allowed=APPLICANT, ok=405),
        post=outcome(allowed=APPLICANT, ok=REDIRECT),
        setup=own_entry,
        kwargs=entry_pk,
        outsiders=hidden(Role.APPLICANT, get=405),
    ),
    Row(
        "training:certificate",
        get=outcome(allowed=[*APPLICANT, *STAFF]),
        post=outcome(allowed=[*APPLICANT, *STAFF], ok=405),
        setup=own_entry,
        kwargs=entry_pk,
        outsiders=hidden(Role.APPLICANT, Role.DISTRICT_STAFF, post=405),
    ),
    Row("training:staff_entries", get=outcome(allowed=STAFF), post=outcome(allowed=STAFF, ok=405)),
    # An empty POST re-renders the page with the form's errors: nothing is decided.
    Row(
        "training:entry_detail",
        get=outcome(allowed=STAFF),
        post=outcome(allowed=STAFF),
        setup=own_entry,
        kwargs=entry_pk,
        outsiders=hidden(Role.DISTRICT_STAFF),
    ),
    Row("training:import", get=outcome(allowed=CITY), post=outcome(allowed=CITY)),
    Row("training:import_template", get=outcome(allowed=CITY), post=outcome(allowed=CITY, ok=405)),
    Row(
        "training:import_recognise",
        get=outcome(allowed=CITY, ok=405),
        post=outcome(allowed=CITY, ok=REDIRECT),
        setup=own_entry,
        kwargs=import_pk,
        outsiders=refused_by_role(),
    ),
]
