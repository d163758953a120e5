"""The operations of ``/api/v1/``: batches, a batch's filed results and certificates, the public
certificate verification, enterprises with their recognitions, hours from the training platform, and
an applicant's own applications. Each reads through the apps' selectors and writes through their
services; the scope each method needs is in ``required_scopes``."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api import services as api_services
from api.models import OWN_APPLICATIONS, Scope
from api.serializers import (
    ApplicationStatusSerializer,
    BatchSerializer,
    CertificateSerializer,
    EnterpriseSerializer,
    EnterpriseUpdateSerializer,
    EnterpriseWriteSerializer,
    FiledResultSerializer,
    HoursResultSerializer,
    HoursSubmissionSerializer,
    RecognitionSerializer,
    RecognitionUpdateSerializer,
    RecognitionWriteSerializer,
    VerificationSerializer,
)
from api.views.base import IDEMPOTENCY_PARAMETER, WRITE_PROBLEMS, ApiView, Cursor, responses
from applications.selectors import applications_of_applicant, batches_announced
from enterprises import services as enterprise_services
from enterprises.models import Enterprise
from enterprises.selectors import with_list_data
from enterprises.validators import normalize_credit_code
from results.selectors.certificates import certificate_by_token, certificates_of_batch
from results.selectors.filing import filed_rows_of_batch
from results.selectors.granted import committee_name, granted_title
from training import services as training_services

CURSOR = OpenApiParameter("cursor", str, description="上一页响应中 next / previous 链接给出的游标")
PAGE_SIZE = OpenApiParameter("page_size", int, description="每页条数，默认 100，最多 500")


def paged(child):
    """The schema of a page of ``child``: ``next`` and ``previous`` links (null at the ends) and ``results``."""
    return type(
        f"Paged{child.__name__.removesuffix('Serializer')}",
        (serializers.Serializer,),
        {
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": child(many=True),
        },
    )


class ListOperation(ApiView):
    """A list a page at a time by cursor (``Cursor``), ordered by ``ordering``."""

    ordering = "id"

    def page(self, request, queryset, serializer_class, **context):
        paginator = Cursor()
        paginator.ordering = self.ordering
        rows = paginator.paginate_queryset(queryset, request, view=self)
        self.object_count = len(rows)
        data = serializer_class(rows, many=True, context={"request": request, **context}).data
        return paginator.get_paginated_response(data)


def _batch(pk):
    batch = batches_announced().filter(pk=pk).first()
    if batch is None:
        raise NotFound(_("No batch %(pk)s.") % {"pk": pk})
    return batch


def _enterprise(credit_code):
    """The enterprise of a credit code typed in any form (canonical first), or 404."""
    enterprise = with_list_data(Enterprise.objects.filter(credit_code=normalize_credit_code(credit_code))).first()
    if enterprise is None:
        raise NotFound(_("No enterprise with the credit code %(code)s.") % {"code": credit_code})
    return enterprise


def _history_reason(client, reason=""):
    """The change reason the 一企一档 archive keeps with a write of ``client`` (with the client's own
    reason, when it gave one). Stored data, in Chinese like the archive."""
    text = f"经接口（{client.name}）"
    return f"{text}：{reason}" if reason else text


# --- Batches --------------------------------------------------------------------------------------


class BatchList(ListOperation):
    required_scopes = {"GET": Scope.BATCHES_READ}
    ordering = "-id"

    @extend_schema(
        operation_id="batches_list",
        summary="评审批次列表",
        description="除筹备中以外的全部评审批次，新的在前。需要 batches:read。",
        parameters=[CURSOR, PAGE_SIZE],
        responses=responses(paged(BatchSerializer)),
    )
    def get(self, request):
        return self.page(request, batches_announced(), BatchSerializer)


class BatchDetail(ApiView):
    required_scopes = {"GET": Scope.BATCHES_READ}

    @extend_schema(
        operation_id="batches_retrieve",
        summary="一个评审批次",
        description="需要 batches:read。",
        responses=responses(BatchSerializer),
    )
    def get(self, request, pk):
        self.object_count = 1
        return Response(BatchSerializer(_batch(pk)).data)


class FiledResultList(ListOperation):
    required_scopes = {"GET": Scope.RESULTS_READ}

    @extend_schema(
        operation_id="batches_filed_results_list",
        summary="批次的备案结果",
        description=(
            "批次中已备案的申报，字段与备案表的列相同（姓名、性别、身份证号、工作单位、统一社会信用代码、专业、"
            "取得资格、评审委员会、评审时间、公示起止日期）。需要 results:read；身份证号仅对同时持有 "
            "results:personal 的客户端完整显示，否则脱敏。"
        ),
        parameters=[CURSOR, PAGE_SIZE],
        responses=responses(paged(FiledResultSerializer)),
    )
    def get(self, request, pk):
        batch = _batch(pk)
        return self.page(
            request,
            filed_rows_of_batch(batch),
            FiledResultSerializer,
            committee=committee_name(batch),
            default_title=granted_title(batch),
            personal=request.auth.has_scope(Scope.RESULTS_PERSONAL),
        )


class CertificateList(ListOperation):
    required_scopes = {"GET": Scope.RESULTS_READ}

    @extend_schema(
        operation_id="batches_certificates_list",
        summary="批次的证书",
        description="批次已发的证书（含已撤销的），带公开核验链接。需要 results:read。",
        parameters=[CURSOR, PAGE_SIZE],
        responses=responses(paged(CertificateSerializer)),
    )
    def get(self, request, pk):
        return self.page(request, certificates_of_batch(_batch(pk)), CertificateSerializer)


class CertificateVerify(ApiView):
    """码上看 for machines: public, as the page its QR code opens."""

    authentication_classes = []
    required_scopes = {}

    @extend_schema(
        operation_id="certificates_verify",
        summary="证书核验（码上看）",
        description="按证书二维码中的核验令牌查询证书，公开，无需令牌。令牌不对时 404。",
        auth=[],
        responses=responses(VerificationSerializer, problems=(400, 404, 406, 429)),
    )
    def get(self, request, token):
        certificate = certificate_by_token(token)
        if certificate is None:
            raise NotFound(_("No certificate has this verification token; check the link or the QR code."))
        self.object_count = 1
        return Response(VerificationSerializer(certificate).data)


# --- Enterprises ----------------------------------------------------------------------------------


class EnterpriseList(ListOperation):
    required_scopes = {"GET": Scope.ENTERPRISES_READ, "POST": Scope.ENTERPRISES_WRITE}

    @extend_schema(
        operation_id="enterprises_list",
        summary="企业及其认定",
        description="全部企业（一企一档的当前状态）及其认定。需要 enterprises:read。",
        parameters=[CURSOR, PAGE_SIZE],
        responses=responses(paged(EnterpriseSerializer)),
    )
    def get(self, request):
        return self.page(request, with_list_data(Enterprise.objects.all()), EnterpriseSerializer)

    @extend_schema(
        operation_id="enterprises_create",
        summary="新增企业",
        description=(
            "工信部门的名单中的企业：校验统一社会信用代码（错误时说明应有的校验位），存为规范形式，直接为正常状态。"
            "已登记的代码 400。变更记入一企一档，并写明客户端。需要 enterprises:write。"
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=EnterpriseWriteSerializer,
        responses=responses(EnterpriseSerializer, problems=WRITE_PROBLEMS, ok_status=201),
    )
    def post(self, request):
        serializer = EnterpriseWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client = request.auth.client

        def work():
            data = dict(serializer.validated_data)
            recognitions = data.pop("recognitions", [])
            enterprise = enterprise_services.enterprise_create(
                actor=api_services.client_actor(client),
                data=data,
                recognitions=recognitions,
                reason=_history_reason(client),
            )
            return EnterpriseSerializer(_enterprise(enterprise.credit_code)).data, 1 + len(recognitions)

        return self.idempotent_write(request, work, ok_status=201)


class EnterpriseDetail(ApiView):
    required_scopes = {"GET": Scope.ENTERPRISES_READ, "PATCH": Scope.ENTERPRISES_WRITE}

    @extend_schema(
        operation_id="enterprises_retrieve",
        summary="一个企业",
        description="按统一社会信用代码（任意写法，先规范化）。需要 enterprises:read。",
        responses=responses(EnterpriseSerializer),
    )
    def get(self, request, credit_code):
        self.object_count = 1
        return Response(EnterpriseSerializer(_enterprise(credit_code)).data)

    @extend_schema(
        operation_id="enterprises_partial_update",
        summary="修改企业",
        description=(
            "修改企业的名单字段（名称、法定代表人、董事长、地址、区(市)、镇/街、行业、专业技术人员数、重点企业、"
            "服务层级）；状态、核实、服务专员由人社部门管理。可附 reason。变更记入一企一档，并写明客户端。"
            "需要 enterprises:write。"
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=EnterpriseUpdateSerializer,
        responses=responses(EnterpriseSerializer, problems=WRITE_PROBLEMS),
    )
    def patch(self, request, credit_code):
        enterprise = _enterprise(credit_code)
        serializer = EnterpriseUpdateSerializer(enterprise, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        client = request.auth.client

        def work():
            changes = dict(serializer.validated_data)
            reason = changes.pop("reason", "")
            enterprise_services.enterprise_update(
                enterprise=enterprise,
                actor=api_services.client_actor(client),
                changes=changes,
                reason=_history_reason(client, reason),
            )
            return EnterpriseSerializer(_enterprise(enterprise.credit_code)).data, 1

        return self.idempotent_write(request, work, ok_status=200)


class RecognitionCreate(ApiView):
    required_scopes = {"POST": Scope.ENTERPRISES_WRITE}

    @extend_schema(
        operation_id="enterprises_recognitions_create",
        summary="新增认定",
        description="给企业新增一项认定。变更记入一企一档，并写明客户端。需要 enterprises:write。",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=RecognitionWriteSerializer,
        responses=responses(RecognitionSerializer, problems=WRITE_PROBLEMS, ok_status=201),
    )
    def post(self, request, credit_code):
        enterprise = _enterprise(credit_code)
        serializer = RecognitionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client = request.auth.client

        def work():
            recognition = enterprise_services.recognition_add(
                enterprise=enterprise,
                actor=api_services.client_actor(client),
                reason=_history_reason(client),
                **serializer.validated_data,
            )
            return RecognitionSerializer(recognition).data, 1

        return self.idempotent_write(request, work, ok_status=201)


class RecognitionDetail(ApiView):
    required_scopes = {"PATCH": Scope.ENTERPRISES_WRITE}

    @extend_schema(
        operation_id="enterprises_recognitions_partial_update",
        summary="修改认定",
        description="修改企业的一项认定（续期、改正编号或有效期）。变更记入一企一档。需要 enterprises:write。",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=RecognitionUpdateSerializer,
        responses=responses(RecognitionSerializer, problems=WRITE_PROBLEMS),
    )
    def patch(self, request, credit_code, pk):
        enterprise = _enterprise(credit_code)
        recognition = enterprise.recognitions.filter(pk=pk).first()
        if recognition is None:
            raise NotFound(_("The enterprise has no recognition %(pk)s.") % {"pk": pk})
        serializer = RecognitionUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        client = request.auth.client

        def work():
            changed = enterprise_services.recognition_update(
                recognition=recognition,
                actor=api_services.client_actor(client),
                changes=dict(serializer.validated_data),
                reason=_history_reason(client),
            )
            return RecognitionSerializer(changed).data, 1

        return self.idempotent_write(request, work, ok_status=200)


# --- Continuing-education hours -------------------------------------------------------------------


class HoursCreate(ApiView):
    required_scopes = {"POST": Scope.HOURS_WRITE}

    @extend_schema(
        operation_id="training_hours_create",
        summary="报送继续教育学时",
        description=(
            "培训平台报送学时记录：与其 Excel 导入相同的校验（身份证号、姓名、年度、科目类别、学时、记录编号不重复），"
            "任何一条有误则全部不写入（errors 指向出错的记录）。写入后待人社部门在门户认定。需要 hours:write。"
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=HoursSubmissionSerializer,
        responses=responses(HoursResultSerializer, problems=WRITE_PROBLEMS, ok_status=201),
    )
    def post(self, request):
        serializer = HoursSubmissionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client = request.auth.client

        def work():
            training_import = training_services.entries_receive(
                raw_rows=serializer.raw_rows(),
                source_name=f"接口：{client.name}",
                actor=api_services.client_actor(client),
            )
            entries = list(training_import.entries.order_by("id"))
            body = {
                "import_id": training_import.pk,
                "count": len(entries),
                "entries": [
                    {"id": entry.pk, "record": entry.platform_record, "status": entry.status} for entry in entries
                ],
            }
            return body, len(entries)

        return self.idempotent_write(request, work, ok_status=201)


# --- An applicant's own applications ---------------------------------------------------------------


class MyApplications(ApiView):
    required_scopes = {"GET": OWN_APPLICATIONS}

    @extend_schema(
        operation_id="me_applications_list",
        summary="我的申报及其状态",
        description="申报人用自己的个人令牌（在个人档案页生成）查询自己的申报及当前状态；客户端令牌不能调用。",
        responses=responses(ApplicationStatusSerializer(many=True)),
    )
    def get(self, request):
        applications = list(applications_of_applicant(request.user).select_related("batch"))
        self.object_count = len(applications)
        return Response(ApplicationStatusSerializer(applications, many=True).data)
