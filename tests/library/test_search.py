"""Search: a substring test on normalised text everywhere (SQLite in development and tests), ranked by
trigram similarity on PostgreSQL; and what each reader may find."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from library import services
from library.models import Visibility
from library.search import normalize, search_text_of
from library.selectors import library_documents
from tests.enterprises.factories import CommissionerFactory, ContactFactory, EnterpriseFactory
from tests.factories import UserFactory
from tests.library.factories import make_document, pdf_file
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db
ANONYMOUS = AnonymousUser()


def titles(user, **filters):
    return sorted(document.title for document in library_documents(user, **filters))


def test_normalize_folds_width_and_case():
    assert normalize("  ＰＤＦ　申报  Guide ") == "pdf 申报 guide"
    assert search_text_of("申报指南", "", "ABC") == "申报指南 abc"


def test_search_finds_chinese_in_titles_and_in_the_text_of_the_pdf():
    make_document(title="枣庄市职称评审申报指南(2022年版)")
    make_document(title="政策明白纸", upload=pdf_file("继续教育学时认定：每年不少于90学时，专业科目不少于三分之二。"))
    make_document(title="职称申报流程图", kind="flow_chart")

    assert titles(ANONYMOUS, query="申报") == sorted(["枣庄市职称评审申报指南(2022年版)", "职称申报流程图"])
    assert titles(ANONYMOUS, query="学时认定") == ["政策明白纸"]  # only in the PDF's body
    assert titles(ANONYMOUS, query="ＰＯＬＩＣＹ") == []
    assert titles(ANONYMOUS, query="申报 流程") == ["职称申报流程图"]  # every term must match
    assert titles(ANONYMOUS, query="   ") == sorted(
        ["枣庄市职称评审申报指南(2022年版)", "政策明白纸", "职称申报流程图"]
    )


def test_search_ignores_case_and_full_width_letters():
    make_document(title="Shandong Platform 操作手册", kind="video", link="https://v.intranet/1.mp4", text="")

    assert titles(ANONYMOUS, query="ＳＨＡＮＤＯＮＧ platform") == ["Shandong Platform 操作手册"]


def test_filters_by_kind_level_and_channel_untagged_documents_suit_all():
    make_document(title="副高级指南", levels=["deputy_senior"])
    make_document(title="正高级指南", levels=["senior"], channels=["regular"])
    make_document(title="通用明白纸", kind="leaflet")

    assert titles(ANONYMOUS, level="deputy_senior") == sorted(["副高级指南", "通用明白纸"])
    assert titles(ANONYMOUS, channel="dedicated") == sorted(["副高级指南", "通用明白纸"])
    assert titles(ANONYMOUS, kind="leaflet") == ["通用明白纸"]


def test_internal_documents_are_found_only_by_their_readers():
    make_document(title="公开指南")
    internal = make_document(title="服务专员工作机制实施方案", visibility=Visibility.INTERNAL)
    commissioner = CommissionerFactory()
    holder = EnterpriseFactory(commissioner=commissioner)
    holder_contact = ContactFactory(enterprise=holder).user
    other_contact = ContactFactory(enterprise=EnterpriseFactory(commissioner=commissioner)).user
    package, _ = services.package_start(enterprise=holder, actor=commissioner.user)
    services.package_update(package=package, actor=commissioner.user, document_ids=[internal.pk], note="")

    # Prepared but not sent: the contact does not read it yet.
    assert titles(holder_contact, query="实施方案") == []
    services.package_send(package=package, actor=commissioner.user)

    assert titles(ANONYMOUS, query="实施方案") == []
    assert titles(UserFactory(roles=[Role.APPLICANT]), query="实施方案") == []
    assert titles(other_contact, query="实施方案") == []
    assert titles(holder_contact, query="实施方案") == ["服务专员工作机制实施方案"]
    assert titles(commissioner.user, query="实施方案") == ["服务专员工作机制实施方案"]
    assert titles(UserFactory(roles=[Role.DISTRICT_STAFF]), query="实施方案") == ["服务专员工作机制实施方案"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm runs on PostgreSQL only")
def test_postgresql_trigram_index_finds_near_matches_and_ranks_them():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'library_document_search_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition
    make_document(title="Professional title application guide", kind="guide")
    make_document(title="Continuing education hours", kind="leaflet")
    make_document(title="枣庄市职称评审申报指南", kind="compilation")

    # A typo is not a substring, but a word of the text is close to it.
    assert titles(ANONYMOUS, query="aplication") == ["Professional title application guide"]
    found = library_documents(ANONYMOUS, query="职称评审申报")
    assert [d.title for d in found] == ["枣庄市职称评审申报指南"]
    assert found[0].rank > 0
