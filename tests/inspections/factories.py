"""A world for inspection tests: a population of enterprises, a pool of staff and experts, a plan."""

from inspections.models import InspectionPlan
from inspections.services.draw import plan_draw
from inspections.services.plans import plan_announce, plan_create
from tests.enterprises.factories import ContactFactory, EnterpriseFactory, RecognitionFactory
from tests.factories import DivisionFactory, UserFactory
from tests.reviews.factories import ExpertFactory
from zaozhuang_titles.models import Role

CHECKLIST = ["专业技术人员花名册建立情况", "职称申报材料真实性审核", "继续教育学时落实情况"]


class InspectionWorld:
    """``enterprises`` active enterprises of one division (key, with a recognition), ``staff`` city
    staff and ``experts`` experts in the pool; ``plan`` drafted by ``city`` to draw ``count`` of them."""

    def __init__(self, *, enterprises=6, staff=2, experts=3, count=3, team_size=2, division=None):
        self.division = division or DivisionFactory(code="370481", name="滕州市")
        self.city = UserFactory(roles=[Role.CITY_STAFF], real_name="张明")
        self.enterprises = []
        for _ in range(enterprises):
            enterprise = EnterpriseFactory(division=self.division)
            RecognitionFactory(enterprise=enterprise)
            self.enterprises.append(enterprise)
        self.staff = [UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=self.division) for _ in range(staff)]
        self.experts = [ExpertFactory() for _ in range(experts)]
        self.count = count
        self.team_size = team_size
        self.plan = self.create_plan()

    def create_plan(self, **overrides):
        arguments = {
            "actor": self.city,
            "name": "2022年度专业技术人才管理双随机抽查",
            "subject": "专业技术人才管理与职称申报工作",
            "divisions": [self.division],
            "sample_count": self.count,
            "team_size": self.team_size,
            "staff": self.staff,
            "experts": self.experts,
            "items": CHECKLIST,
        }
        arguments.update(overrides)
        return plan_create(**arguments)

    def announce(self):
        self.plan = plan_announce(plan=self.plan, actor=self.city)
        return self.plan

    def draw(self):
        if self.plan.status == InspectionPlan.Status.DRAFT:
            self.announce()
        self.plan = plan_draw(plan=self.plan, actor=self.city)
        return self.plan

    def contact_of(self, enterprise):
        return ContactFactory(enterprise=enterprise, user=UserFactory(roles=[Role.ENTERPRISE_CONTACT])).user
