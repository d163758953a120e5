"""The public FAQ: publishing an answered question in a wording that names nobody, editing, withdrawing,
searching; the asker's name, enterprise and personal numbers never reach the public."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from consultations import services
from consultations.anonymity import mask_personal_numbers, personal_numbers, public_draft, public_text_errors
from consultations.models import Category, ConsultationEvent, FaqEntry
from consultations.selectors import faq_public
from zaozhuang_titles.masking import mask_id_number, mask_mobile
from zaozhuang_titles.validators import id_number_check_char

pytestmark = pytest.mark.django_db

ID_17 = "37048119850618213"
ID_NUMBER = ID_17 + id_number_check_char(ID_17)
BODY = f"我是周丽，身份证号{ID_NUMBER}，电话13906320006，滕州鲁信精工机械有限公司的工程师没有论文，能否申报？"


def publish(world, consultation, **wording):
    return services.faq_publish(
        consultation=consultation,
        actor=world.city,
        category=wording.pop("category", Category.REVIEW),
        question=wording.pop("question", "专项通道申报是否还需要论文？"),
        answer=wording.pop("answer", "专项通道评实绩，不要求论文。"),
    )


def test_personal_numbers_are_found_however_typed():
    typed = (
        f"身份证 {ID_NUMBER[:6]} {ID_NUMBER[6:14]} {ID_NUMBER[14:]}，手机１３９-0632-0006，学时90，专利ZL202210123456.7"
    )

    assert personal_numbers(typed) == [("id", ID_NUMBER), ("mobile", "13906320006")]
    assert personal_numbers("每年90学时，专业科目不少于三分之二，电话0632-12333") == []


def test_masking_uses_the_portals_masks():
    masked = mask_personal_numbers(f"号码{ID_NUMBER}，手机13906320006。")

    assert masked == f"号码{mask_id_number(ID_NUMBER)}，手机{mask_mobile('13906320006')}。"
    assert personal_numbers(masked) == []


def test_the_public_wording_may_not_name_the_asker_the_enterprise_or_hold_numbers(world):
    consultation = world.answered(body=BODY)

    errors = public_text_errors(BODY, consultation=consultation)

    joined = " ".join(errors)
    assert mask_id_number(ID_NUMBER) in joined
    assert "139****0006" in joined
    assert "周丽" in joined
    assert "滕州鲁信精工机械有限公司" in joined
    # The name without its legal form, spaced out, identifies the enterprise as well.
    assert public_text_errors("滕州 鲁信精工机械 的问题", consultation=consultation)
    assert public_text_errors("专项通道申报是否还需要论文？", consultation=consultation) == []


def test_the_draft_replaces_names_and_masks_numbers(world):
    consultation = world.answered(body=BODY)

    draft = public_draft(BODY, consultation=consultation)

    assert public_text_errors(draft, consultation=consultation) == []
    assert "某企业" in draft and "某同志" in draft


def test_publishing_refuses_a_wording_that_identifies_the_asker(world):
    consultation = world.answered(body=BODY)

    with pytest.raises(ValidationError) as refusal:
        publish(world, consultation, answer=f"周丽您好，请致电13906320006。{ID_NUMBER}")

    assert set(refusal.value.message_dict) == {"answer"}
    assert len(refusal.value.message_dict["answer"]) == 3
    assert not FaqEntry.objects.exists()


def test_only_an_answered_question_is_published_and_only_by_city_staff(world):
    consultation = world.ask()
    with pytest.raises(ValidationError):
        publish(world, consultation)
    services.consultation_answer(consultation=consultation, actor=world.district, answer="不需要论文。")
    with pytest.raises(PermissionDenied):
        services.faq_publish(
            consultation=consultation, actor=world.district, category=Category.REVIEW, question="问", answer="答"
        )
    assert not FaqEntry.objects.exists()


def test_publish_edit_withdraw_and_publish_again_are_logged(world):
    consultation = world.answered()
    entry = publish(world, consultation)
    with pytest.raises(ValidationError):
        publish(world, consultation)

    services.faq_update(
        entry=entry, actor=world.city, category=Category.REVIEW, question=entry.question, answer="不要求论文，评实绩。"
    )
    with pytest.raises(ValidationError):
        services.faq_update(entry=entry, actor=world.city, category=Category.REVIEW, question="周丽的问题", answer="答")
    with pytest.raises(ValidationError) as refusal:
        services.faq_withdraw(entry=entry, actor=world.city, reason="")
    assert "reason" in refusal.value.message_dict
    services.faq_withdraw(entry=entry, actor=world.city, reason="政策已调整")
    assert list(faq_public()) == []
    again = publish(world, consultation, answer="按新政策：不要求论文。")

    assert again.pk == entry.pk
    assert again.status == FaqEntry.Status.PUBLISHED
    actions = list(
        ConsultationEvent.objects.filter(faq_entry=entry).order_by("at", "id").values_list("action", flat=True)
    )
    assert actions == ["published", "faq_edited", "faq_withdrawn", "faq_republished"]


def test_search_finds_words_of_the_question_or_answer_in_any_width(world):
    first = publish(world, world.answered(), question="专项通道申报是否还需要论文？", answer="评实绩，专利可作为成果。")
    second = publish(
        world,
        world.answered(title="继续教育学时每年需要多少？"),
        category=Category.TRAINING,
        question="继续教育学时每年需要多少？",
        answer="每年不少于90学时，其中专业科目不少于三分之二。",
    )

    assert list(faq_public(query="学时")) == [second]
    assert list(faq_public(query="专利 论文")) == [first]
    assert list(faq_public(query="９０")) == [second]  # full-width digits fold
    assert list(faq_public(category=Category.TRAINING)) == [second]
    assert list(faq_public(query="公示")) == []


def test_the_public_pages_never_show_who_asked(world):
    consultation = world.answered(body=BODY)
    entry = publish(world, consultation)
    anonymous = Client()

    pages = [
        anonymous.get(reverse("consultations:faq")),
        anonymous.get(reverse("consultations:faq"), {"q": "论文"}),
        anonymous.get(reverse("consultations:faq_entry", args=[entry.pk])),
    ]

    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        assert "专项通道申报是否还需要论文？" in text
        for secret in ("周丽", "zhouli", "滕州鲁信精工", ID_NUMBER, "13906320006", "赵敏", "张明"):
            assert secret not in text


def test_a_withdrawn_entry_is_gone_for_the_public(world):
    entry = publish(world, world.answered())
    services.faq_withdraw(entry=entry, actor=world.city, reason="过时")

    assert Client().get(reverse("consultations:faq_entry", args=[entry.pk])).status_code == 404
