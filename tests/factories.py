"""factory_boy factories shared by the whole suite."""

import datetime
import itertools

import factory
from django.utils import timezone

from applications.models import Batch
from zaozhuang_titles.models import ADMIN_SITE_ROLES, Division, Role, RoleAssignment, Town, User
from zaozhuang_titles.validators import id_number_check_char

PASSWORD = "Test@Pass2022"

_id_serials = itertools.count(100)


def make_id_number(region="370402", birth=datetime.date(1985, 6, 18), serial=None):
    serial = next(_id_serials) % 1000 if serial is None else serial
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_number_check_char(first17)


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("code",)

    code = "370481"
    name = factory.LazyAttribute(
        lambda o: {"370402": "市中区", "370403": "薛城区", "370481": "滕州市"}.get(o.code, o.code)
    )
    ordering = 0


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town

    division = factory.SubFactory(DivisionFactory)
    name = factory.Sequence(lambda n: f"第{n}街道")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"测试用户{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """``UserFactory(roles=[Role.APPLICANT])``; district staff get ``division`` (default 滕州市)."""
        if not create:
            return
        self.save()
        for role in extracted or []:
            division = None
            if role == Role.DISTRICT_STAFF:
                division = kwargs.get("division") or DivisionFactory()
            RoleAssignment.objects.create(user=self, role=role, division=division)
            if role in ADMIN_SITE_ROLES and not self.is_staff:
                self.is_staff = True
                self.save(update_fields=["is_staff"])


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch

    name = factory.Sequence(lambda n: f"2022年度专精特新企业工程技术副高级专项评审({n})")
    year = 2022
    status = Batch.Status.OPEN
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
