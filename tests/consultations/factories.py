"""Builders of the consultations tests: a world of an enterprise of 滕州市 served by a commissioner, with
its contact, an applicant employed there, the division's district staff, city staff, and outsiders (another
division's district staff, another enterprise's contact and commissioner)."""

from consultations import services
from consultations.models import AskedAs, Category
from tests.applications.factories import ProfileFactory
from tests.enterprises.factories import CommissionerFactory, ContactFactory, EnterpriseFactory
from tests.factories import DivisionFactory, UserFactory
from zaozhuang_titles.models import Role


class ConsultationWorld:
    def __init__(self):
        self.division = DivisionFactory(code="370481", name="滕州市")
        self.other_division = DivisionFactory(code="370402", name="市中区")
        self.commissioner = CommissionerFactory(
            user=UserFactory(username="zhaomin", real_name="赵敏", roles=[Role.COMMISSIONER]), division=self.division
        )
        self.enterprise = EnterpriseFactory(
            division=self.division, name="滕州鲁信精工机械有限公司", commissioner=self.commissioner
        )
        self.contact = ContactFactory(
            enterprise=self.enterprise,
            user=UserFactory(
                username="zhouli", real_name="周丽", mobile="13906320006", roles=[Role.ENTERPRISE_CONTACT]
            ),
        ).user
        self.applicant = ProfileFactory(
            enterprise=self.enterprise, user__username="chenzhiyuan", user__real_name="陈志远"
        ).user
        self.city = UserFactory(username="zhangming", real_name="张明", roles=[Role.CITY_STAFF])
        self.district = UserFactory(
            username="lihua", real_name="李华", roles=[Role.DISTRICT_STAFF], roles__division=self.division
        )
        self.other_district = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=self.other_division)
        self.other_commissioner = CommissionerFactory(user=UserFactory(roles=[Role.COMMISSIONER]))
        self.other_enterprise = EnterpriseFactory(division=self.division, commissioner=self.other_commissioner)
        self.other_contact = ContactFactory(
            enterprise=self.other_enterprise, user__roles=[Role.ENTERPRISE_CONTACT]
        ).user

    def ask(
        self,
        *,
        asker=None,
        title="专项通道申报是否还需要论文？",
        body="我单位工程师主要成果是专利和技术改造，没有论文。",
        **kwargs,
    ):
        asker = asker or self.contact
        default = AskedAs.CONTACT if asker.has_role(Role.ENTERPRISE_CONTACT) else AskedAs.APPLICANT
        asked_as = kwargs.pop("asked_as", default)
        return services.consultation_ask(
            asker=asker,
            asked_as=asked_as,
            category=kwargs.pop("category", Category.REVIEW),
            title=title,
            body=body,
            **kwargs,
        )

    def answered(self, **kwargs):
        consultation = self.ask(**kwargs)
        return services.consultation_answer(
            consultation=consultation,
            actor=self.commissioner.user,
            answer="专项通道评实绩，不要求论文，专利、成果转化和工作业绩均可作为代表性成果。",
        )

    def problem(self, consultation=None, *, owner=None, due_days=5, **kwargs):
        consultation = consultation or self.ask(title="上传专利证书时提示文件格式不正确", category=Category.SYSTEM)
        return services.problem_create(
            consultation=consultation,
            actor=kwargs.pop("actor", self.commissioner.user),
            category=kwargs.pop("category", Category.SYSTEM),
            title=kwargs.pop("title", consultation.title),
            description=kwargs.pop("description", "扫描件为 TIFF 格式，系统不接收。"),
            owner=owner or self.commissioner.user,
            due_days=due_days,
            **kwargs,
        )

    def published_problem(self):
        """An answered question published to the FAQ and followed as a problem with a progress note: one
        object of every model of the app."""
        consultation = self.answered()
        services.faq_publish(
            consultation=consultation,
            actor=self.city,
            category=Category.REVIEW,
            question="专项通道申报是否还需要论文？",
            answer="不需要，专项通道评实绩。",
        )
        problem = self.problem(consultation)
        services.problem_note_add(problem=problem, actor=self.commissioner.user, text="已联系企业。")
        return problem
