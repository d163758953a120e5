"""The demo library holds the article's publications, and the demo enterprise its package."""

import pytest
from django.contrib.auth.models import AnonymousUser

from enterprises import demo as enterprises_demo
from library import demo
from library.models import Document, DocumentKind, Package
from library.selectors import library_documents
from zaozhuang_titles import demo as foundation_demo
from zaozhuang_titles.models import Notice, User

pytestmark = pytest.mark.django_db


def test_demo_library_and_package_and_idempotent():
    foundation_demo.seed()
    enterprises_demo.seed()
    demo.seed()
    demo.seed()

    titles = set(Document.objects.values_list("title", flat=True))
    assert {"枣庄市职称评审申报指南(2022年版)", "枣庄市专业技术人员管理工作材料汇编", "职称申报评审流程图"} <= titles
    assert set(Document.objects.values_list("kind", flat=True)) == set(DocumentKind.values)
    assert Document.objects.count() == len(demo.DOCUMENTS)
    # The guide's PDF text is searched.
    assert [d.title for d in library_documents(AnonymousUser(), query="评实绩")] == ["枣庄市职称评审申报指南(2022年版)"]
    package = Package.objects.get(enterprise__name=demo.DEMO_ENTERPRISE_NAME)
    assert (package.status, package.version, package.acknowledged_at) == (Package.Status.SENT, 1, None)
    assert package.items.count() >= 5
    contact = User.objects.get(username="contact")
    assert Notice.objects.filter(recipient=contact, key__startswith="library-replaced:").count() == 1
    assert Notice.objects.filter(recipient=contact, key__startswith="library-package-sent:").count() == 1
