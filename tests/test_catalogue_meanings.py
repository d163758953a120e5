"""One English msgid, one Chinese meaning: where two apps meant different things by the same English word,
each meaning has its own msgid context, and the page reads the Chinese that was meant.

Merges gave "Results", "Summary", "Created", "sent at", "Category", "recognition", "summary" and
"from"/"to" two or three Chinese meanings each, and the catalogue kept one: inspections read 结果统计
and 汇总, a revocation 科目类别, a training decision's statuses 起始时间. These pins read each place in
Chinese (the pages rendered, the form labels and column names as the pages show them)."""

import pytest
from django.urls import reverse
from django.utils import translation

from applications.admin import ApplicationAdmin
from inspections.forms import ConcludeForm
from inspections.models import Finding, Inspection, InspectionPlan
from inspections.services.fieldwork import findings_record, inspection_conclude
from inspections.services.plans import plan_publish
from library.forms import DocumentForm
from library.models import Document, Package
from results.forms_filing import RevokeForm
from surveys.forms import DispatchForm
from surveys.models import Dispatch
from tests.inspections.factories import InspectionWorld
from tests.surveys.factories import QuestionnaireFactory
from training.forms import EntryForm
from training.models import TrainingDecision
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


def chinese(value):
    with translation.override("zh-hans"):
        return str(value)


def zh_page(client, url, **params):
    client.cookies.load({"django_language": "zh-hans"})
    return client.get(url, params).content.decode()


def test_inspection_pages_read_their_own_results_summary_and_created(client, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = InspectionWorld(enterprises=2, count=1, staff=1, experts=2, team_size=1)
    plan = world.draw()
    inspection = plan.inspections.get()
    findings_record(
        inspection=inspection,
        actor=world.city,
        results={item.pk: (Finding.Result.COMPLIANT, "") for item in plan.items.all()},
    )
    inspection_conclude(inspection=inspection, actor=world.city, requirement="")
    plan_publish(plan=plan, actor=world.city)

    public = zh_page(client, reverse("inspections:public_plan", args=[plan.pk]))
    plans = zh_page(client_for(world.city), reverse("inspections:plans"))

    assert ">检查结果</a>" in public and "结果统计" not in public
    assert ">创建时间</th>" in plans
    assert chinese(ConcludeForm().fields["summary"].label) == "检查小结"
    assert chinese(Inspection._meta.get_field("summary").verbose_name) == "检查小结"
    assert chinese(InspectionPlan._meta.get_field("recognition_kind").verbose_name) == "认定类型"


def test_questionnaire_pages_keep_theirs(client_for, make_user):
    city = make_user(Role.CITY_STAFF)
    QuestionnaireFactory(created_by=city)

    page = zh_page(client_for(city), reverse("surveys:questionnaires"))

    assert ">创建</th>" in page
    assert chinese(Dispatch._meta.get_field("sent_at").verbose_name) == "发放时间"
    assert chinese(DispatchForm.base_fields["divisions"].label) == "区(市)"


def test_library_revocation_training_and_the_application_list_read_what_was_meant():
    assert chinese(DocumentForm.base_fields["summary"].label) == "摘要"
    assert chinese(Document._meta.get_field("summary").verbose_name) == "摘要"
    assert chinese(Package._meta.get_field("sent_at").verbose_name) == "发送时间"
    assert chinese(RevokeForm.base_fields["category"].label) == "撤销类别"
    assert chinese(EntryForm.base_fields["category"].label) == "科目类别"
    decision = TrainingDecision._meta
    assert (
        chinese(decision.get_field("from_status").verbose_name),
        chinese(decision.get_field("to_status").verbose_name),
    ) == (
        "原状态",
        "新状态",
    )
    # The application list's column of the enterprise's recognitions (认定), not the plan's kind.
    assert chinese(ApplicationAdmin.recognition_kinds.short_description) == "认定"
