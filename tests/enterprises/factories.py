"""factory_boy factories of the enterprises app."""

import datetime
import itertools

import factory
from django.utils import timezone

from enterprises.models import Enterprise, EnterpriseContact, Recognition, ServiceCommissioner, ServiceLog
from enterprises.validators import credit_code_check_char
from tests.factories import DivisionFactory, UserFactory
from zaozhuang_titles.models import Role

_serials = itertools.count(1)


def make_credit_code(region="370481", serial=None):
    """A valid 统一社会信用代码 of a company (91) registered in ``region``."""
    serial = next(_serials) if serial is None else serial
    first17 = f"91{region}MA{serial:07d}"
    return first17 + credit_code_check_char(first17)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"枣庄测试科技有限公司{n}")
    division = factory.SubFactory(DivisionFactory)
    credit_code = factory.LazyAttribute(
        lambda o: make_credit_code(o.division.code if o.division.code.isdigit() else "370400")
    )
    legal_representative = "张三"
    chairman_name = "李四"
    industry = "装备制造"
    is_key = True
    status = Enterprise.Status.ACTIVE
    verified_at = factory.LazyAttribute(lambda o: timezone.now() if o.status == Enterprise.Status.ACTIVE else None)


class RecognitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recognition

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = Recognition._meta.get_field("kind").choices[1][0]
    level = "provincial"
    year_granted = 2022
    certificate_number = factory.Sequence(lambda n: f"鲁工信-2022-{n:04d}")
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseContact

    enterprise = factory.SubFactory(EnterpriseFactory)
    user = factory.SubFactory(UserFactory, roles=[Role.ENTERPRISE_CONTACT])
    name = factory.LazyAttribute(lambda o: o.user.real_name if o.user else "联系人")
    mobile = factory.Sequence(lambda n: f"137{n:08d}")


class CommissionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCommissioner

    user = factory.SubFactory(UserFactory, roles=[Role.COMMISSIONER])
    division = None
    work_phone = "0632-3311000"


class ServiceLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceLog

    enterprise = factory.SubFactory(EnterpriseFactory)
    commissioner = factory.SubFactory(CommissionerFactory)
    kind = ServiceLog.Kind.VISIT
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    summary = "走访企业，了解职称申报需求"
