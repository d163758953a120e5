"""The list a user sees and the object checks of the pages come from one definition, and agree.

In a small generated world (two divisions with two enterprises each, a user of every role, and an
application in every status in every enterprise), for every (user, object) pair: the object is in the
user's scoped queryset exactly when the object permission holds; and each scope's Python check on one
object agrees with its ``Q``.
"""

import pytest

from applications.models import Application, Status
from applications.rules import (
    APPLICATION_SCOPES,
    AUDIT_SCOPES,
    OF_CHAIRMAN,
    OF_CITY,
    OF_ENTERPRISE_CONTACT,
    OF_STAFF_DIVISION,
    OWN,
)
from applications.selectors import applications_for_user
from enterprises.models import Enterprise
from enterprises.rules import ENTERPRISE_SCOPES
from enterprises.selectors import enterprises_assigned_to, enterprises_for_staff, enterprises_for_user
from tests.applications.factories import ApplicantFactory, ApplicationFactory
from tests.enterprises.factories import CommissionerFactory, ContactFactory, EnterpriseFactory
from tests.factories import BatchFactory, DivisionFactory, UserFactory
from zaozhuang_titles.models import Role, RoleAssignment
from zaozhuang_titles.scopes import any_of, visible


@pytest.fixture
def world(db):
    divisions = [DivisionFactory(code="370481", name="滕州市"), DivisionFactory(code="370402", name="市中区")]
    batch = BatchFactory()
    users = {
        "city": UserFactory(roles=[Role.CITY_STAFF]),
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
        "expert": UserFactory(roles=[Role.EXPERT]),
        "nobody": UserFactory(roles=[]),
        "inactive_city": UserFactory(roles=[Role.CITY_STAFF], is_active=False),
    }
    enterprises = []
    for d, division in enumerate(divisions):
        users[f"district{d}"] = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=division)
        for e in range(2):
            chairman = UserFactory(roles=[Role.CHAIRMAN])
            enterprise = EnterpriseFactory(division=division, chairman=chairman)
            enterprises.append(enterprise)
            users[f"chairman{d}{e}"] = chairman
            users[f"contact{d}{e}"] = ContactFactory(enterprise=enterprise).user
    served = CommissionerFactory()
    enterprises[0].commissioner = served
    enterprises[0].save(update_fields=["commissioner"])
    users["commissioner"] = served.user
    users["idle_commissioner"] = CommissionerFactory().user
    for enterprise in enterprises:
        for status in Status.values:
            ApplicationFactory(
                batch=batch,
                enterprise=enterprise,
                status=status,
                applicant=ApplicantFactory(roles=[Role.APPLICANT]),
            )
    applications = list(Application.objects.select_related("enterprise").order_by("id"))
    users["applicant"] = applications[0].applicant
    # One account in two roles: the applicant of an application in another enterprise is also a
    # contact of the first one (both relations must count, neither may leak into the other).
    both = applications[-1].applicant
    RoleAssignment.objects.create(user=both, role=Role.ENTERPRISE_CONTACT)
    ContactFactory(enterprise=enterprises[0], user=both)
    users["applicant_and_contact"] = both
    # City staff who are also an enterprise's contact see every enterprise, not only theirs (an empty
    # ``Q()`` of the city-wide scope would vanish when OR-ed with the contact's).
    city_contact = UserFactory(roles=[Role.CITY_STAFF, Role.ENTERPRISE_CONTACT])
    ContactFactory(enterprise=enterprises[0], user=city_contact)
    users["city_and_contact"] = city_contact
    return {
        # Fresh user objects: nothing cached from the setup.
        "users": {key: type(user).objects.get(pk=user.pk) for key, user in users.items()},
        "applications": applications,
        "enterprises": list(Enterprise.objects.order_by("id")),
    }


def _pairs(world, objects):
    for key, user in world["users"].items():
        for obj in objects:
            yield key, user, obj


def test_application_scope_equals_open_application_permission(world):
    seen = {key: set(applications_for_user(user).values_list("pk", flat=True)) for key, user in world["users"].items()}

    disagreements = [
        (key, application.number, application.status)
        for key, user, application in _pairs(world, world["applications"])
        if (application.pk in seen[key]) != user.has_perm("applications.open_application", application)
    ]

    assert disagreements == []
    # The world is not trivial: each kind of reader sees some and not all.
    assert 0 < len(seen["district0"]) < len(seen["city"]) < len(world["applications"])
    assert 0 < len(seen["contact00"]) < len(seen["city"])
    assert seen["nobody"] == seen["expert"] == seen["inactive_city"] == set()


def test_audit_scope_equals_audit_application_permission(world):
    disagreements = [
        (key, application.number)
        for key, user, application in _pairs(world, world["applications"])
        if (
            visible(Application.objects.all(), user, AUDIT_SCOPES).filter(pk=application.pk).exists()
            != user.has_perm("applications.audit_application", application)
        )
    ]

    assert disagreements == []


def test_enterprise_scopes_equal_their_permissions(world):
    users, enterprises = world["users"], world["enterprises"]
    can_see = any_of(ENTERPRISE_SCOPES)
    scoped = {
        key: (
            set(enterprises_for_user(user).values_list("pk", flat=True)),
            set(enterprises_for_staff(user).values_list("pk", flat=True)),
            set(enterprises_assigned_to(user).values_list("pk", flat=True)),
        )
        for key, user in users.items()
    }

    disagreements = [
        (key, enterprise.name)
        for key, user, enterprise in _pairs(world, enterprises)
        if (
            (enterprise.pk in scoped[key][0]) != can_see(user, enterprise)
            or (enterprise.pk in scoped[key][1]) != user.has_perm("enterprises.verify_enterprise", enterprise)
            or (enterprise.pk in scoped[key][2]) != user.has_perm("enterprises.log_service", enterprise)
        )
    ]

    assert disagreements == []
    assert scoped["district0"][1] == {enterprises[0].pk, enterprises[1].pk}
    assert scoped["commissioner"][2] == {enterprises[0].pk}
    assert scoped["contact10"][0] == {enterprises[2].pk}


@pytest.mark.parametrize(
    "scope",
    [OWN, OF_ENTERPRISE_CONTACT, OF_CHAIRMAN, OF_STAFF_DIVISION, OF_CITY, *APPLICATION_SCOPES],
    ids=lambda scope: scope.name,
)
def test_application_scope_check_agrees_with_its_query(world, scope):
    disagreements = [
        (key, application.number)
        for key, user, application in _pairs(world, world["applications"])
        if scope.holds(user, application)
        != visible(Application.objects.all(), user, (scope,)).filter(pk=application.pk).exists()
    ]

    assert disagreements == []


@pytest.mark.parametrize("scope", ENTERPRISE_SCOPES, ids=lambda scope: scope.name)
def test_enterprise_scope_check_agrees_with_its_query(world, scope):
    disagreements = [
        (key, enterprise.name)
        for key, user, enterprise in _pairs(world, world["enterprises"])
        if scope.holds(user, enterprise)
        != visible(Enterprise.objects.all(), user, (scope,)).filter(pk=enterprise.pk).exists()
    ]

    assert disagreements == []


@pytest.mark.django_db
def test_a_city_wide_scope_is_not_narrowed_by_another_role_of_the_same_user():
    """City staff who also serve as commissioners see every enterprise, not only those they serve: the
    empty ``Q()`` of the city-wide scope is "everything", which Django drops when OR-ed with another Q."""
    user = UserFactory(roles=[Role.CITY_STAFF, Role.COMMISSIONER])
    CommissionerFactory(user=user)
    enterprises = [EnterpriseFactory(), EnterpriseFactory()]

    assert sorted(visible(Enterprise.objects.all(), user, ENTERPRISE_SCOPES).values_list("pk", flat=True)) == sorted(
        e.pk for e in enterprises
    )
