"""Demo data of the library: the publications the article names, and a package for the demo enterprise.

The article (编制《枣庄市职称评审申报指南(2022年版)》《枣庄市专业技术人员管理工作材料汇编》,印发"政策明白纸"、
申报流程图,开展视频培训) gives the titles; each document is a PDF written here with a few lines of its
subject, so that its text is extracted and searched like a real upload. The training videos are links
on the intranet (no video file is shipped). The demo enterprise's commissioner has sent it version 1 of
its package; the flow chart was then revised, so its contact has been told of the new version, and
receipt is still to be confirmed (a step for the demo walk). Idempotent.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from enterprises.models import Enterprise
from library import services
from library.models import Document, DocumentKind, Visibility
from zaozhuang_titles.documents import render_pdf

GUIDE_TITLE = "枣庄市职称评审申报指南(2022年版)"
FLOW_CHART_TITLE = "职称申报评审流程图"
DEMO_ENTERPRISE_NAME = "滕州鲁信精工机械有限公司"

#: (kind, title, visibility, levels, channels, effective from, lines of the PDF, or an intranet link)
DOCUMENTS = [
    (
        DocumentKind.GUIDE,
        GUIDE_TITLE,
        Visibility.PUBLIC,
        [],
        [],
        datetime.date(2022, 6, 1),
        [
            "一、申报范围：专精特新中小企业和制造业单项冠军企业在职专业技术人员。",
            "二、专项通道：单独报送、单独标准、单独评审，董事长署名举荐，破除“四唯”。",
            "三、评价导向：注重技术创新、专利发明、成果转化等工作绩效和创新成果，变“评论文”为“评实绩”。",
            "四、常规条件：博士取得工程师后2年，硕士或本科取得工程师后5年，可申报高级工程师。",
        ],
    ),
    (
        DocumentKind.COMPILATION,
        "枣庄市专业技术人员管理工作材料汇编",
        Visibility.PUBLIC,
        [],
        [],
        datetime.date(2022, 6, 1),
        [
            "收录职称评审、继续教育、岗位聘用等专业技术人员管理政策文件。",
            "人社部发〔2019〕16号；人力资源社会保障部令第40号《职称评审管理暂行规定》。",
        ],
    ),
    (
        DocumentKind.GUIDE,
        "关于做好2022年度职称评审工作的公告",
        Visibility.PUBLIC,
        [],
        [],
        datetime.date(2022, 5, 10),
        ["支持专业技术人才申报职称，将技术创新、专利发明、成果转化等方面的工作绩效和创新成果作为重要参考。"],
    ),
    (
        DocumentKind.LEAFLET,
        "专精特新企业职称申报评审专项行动政策明白纸",
        Visibility.PUBLIC,
        [],
        ["dedicated"],
        datetime.date(2022, 6, 15),
        [
            "开设专门申报通道，按贡献程度实行董事长署名“举荐制”。",
            "放宽学历资历、年限资格、继续教育等门槛限制，可直接申报高级职称。",
        ],
    ),
    (
        DocumentKind.LEAFLET,
        "高技能人才与专业技术人才贯通发展政策明白纸",
        Visibility.PUBLIC,
        ["intermediate", "deputy_senior"],
        [],
        datetime.date(2022, 6, 15),
        ["技师取得技师职业资格后从事技术技能工作满3年，可申报工程师；高级技师满4年，可申报高级工程师。"],
    ),
    (
        DocumentKind.LEAFLET,
        "高层次人才职称评审“直通车”政策明白纸",
        Visibility.PUBLIC,
        ["deputy_senior", "senior"],
        [],
        datetime.date(2022, 6, 15),
        ["高层次人才可不受学历、资历、年限等限制，直接申报评审高级职称。"],
    ),
    (
        DocumentKind.LEAFLET,
        "继续教育学时认定政策明白纸",
        Visibility.PUBLIC,
        [],
        [],
        datetime.date(2022, 6, 15),
        ["专业技术人员每年参加继续教育不少于90学时，其中专业科目一般不少于总学时的三分之二。"],
    ),
    (
        DocumentKind.FLOW_CHART,
        FLOW_CHART_TITLE,
        Visibility.PUBLIC,
        [],
        [],
        datetime.date(2022, 6, 1),
        ["个人申报 → 单位审核（内部公示5个工作日）→ 区县初审 → 市级复审 → 受理 → 评审 → 公示 → 备案 → 发证"],
    ),
    (
        DocumentKind.VIDEO,
        "山东省专业技术人员管理服务平台操作视频培训",
        Visibility.PUBLIC,
        [],
        [],
        datetime.date(2022, 7, 1),
        "https://video.rsj.zaozhuang.intranet/zhicheng/platform-2022.mp4",
    ),
    (
        DocumentKind.VIDEO,
        "职称申报材料准备与网上申报视频培训",
        Visibility.PUBLIC,
        [],
        ["dedicated"],
        datetime.date(2022, 7, 1),
        "https://video.rsj.zaozhuang.intranet/zhicheng/apply-2022.mp4",
    ),
    (
        DocumentKind.COMPILATION,
        "枣庄市重点企业专业技术人才服务专员工作机制实施方案",
        Visibility.INTERNAL,
        [],
        [],
        datetime.date(2022, 4, 20),
        ["为专精特新中小企业和制造业单项冠军企业等275家重点企业配备服务专员，实行“一企一员”“一企一策”“一企一档”。"],
    ),
]
NOTE = (
    "请经办人转发技术研发部：申报副高级的同志先读申报指南和专项行动明白纸，网上申报前看一遍操作视频。有问题打我电话。"
)


def _pdf(title, lines):
    data = render_pdf("documents/demo_text.html", {"title": title, "lines": lines})
    return SimpleUploadedFile(f"{title}.pdf", data, content_type="application/pdf")


@transaction.atomic
def seed(*, stdout=None):
    if Document.objects.filter(title=GUIDE_TITLE).exists():
        if stdout is not None:
            stdout.write("Library: demo documents already there.")
        return
    User = get_user_model()
    staff = User.objects.get(username="city")
    for kind, title, visibility, levels, channels, start, body in DOCUMENTS:
        link = body if isinstance(body, str) else ""
        services.document_create(
            actor=staff,
            kind=kind,
            title=title,
            summary="",
            visibility=visibility,
            levels=levels,
            channels=channels,
            version={
                "label": "2022年版",
                "effective_from": start,
                "upload": None if link else _pdf(title, body),
                "link": link,
                "text": title if link else "",
            },
        )
    enterprise = Enterprise.objects.filter(name=DEMO_ENTERPRISE_NAME).select_related("commissioner__user").first()
    package = None
    if enterprise is not None and enterprise.commissioner is not None:
        commissioner = enterprise.commissioner.user
        package, _created = services.package_start(enterprise=enterprise, actor=commissioner)
        services.package_update(
            package=package,
            actor=commissioner,
            document_ids=list(package.items.values_list("document_id", flat=True)),
            note=NOTE,
        )
        services.package_send(package=package, actor=commissioner)
    # The flow chart is revised after the package went out: the demo contact is told.
    chart = Document.objects.get(title=FLOW_CHART_TITLE)
    services.document_version_publish(
        document=chart,
        actor=staff,
        label="2022年9月修订",
        effective_from=datetime.date(2022, 9, 1),
        change_note="增加董事长署名举荐环节",
        upload=_pdf(
            FLOW_CHART_TITLE,
            [
                "个人申报 → 单位审核（内部公示5个工作日）→ 董事长署名举荐（专项通道）→ 区县初审 → 市级复审 → 受理 → "
                "评审 → 公示 → 备案 → 发证"
            ],
        ),
    )
    if stdout is not None:
        stdout.write(
            f"Library: {len(DOCUMENTS)} documents; "
            + (f"package v{package.version} sent to {enterprise.name}." if package else "no demo enterprise.")
        )
