import pytest
from django.test import Client
from django.urls import reverse
from tests.applications.factories import World
from tests.factories import UserFactory
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db

def test_smoke(division):
    world = World(division=division)
    a = world.at_district()
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(world.district, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    r = c.get(reverse("admin:index"))
    assert r.status_code == 200, r
    print(r.content.decode()[-3000:])
    r = c.get(reverse("admin:applications_application_changelist"))
    assert r.status_code == 200
    r = c.get(reverse("admin:applications_application_change", args=[a.pk]))
    assert r.status_code == 200
    print(r.content.decode()[-4000:])
