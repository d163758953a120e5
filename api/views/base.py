"""What every operation of the API shares: the caller's scope per method, the audit of the call (one
INSERT of an ``ApiCall``), no caching, and ``Idempotency-Key`` on writes."""

from django.db import transaction
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import OpenApiParameter
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from api import idempotency
from api.models import ApiCall
from api.permissions import required_scope
from api.problems import PROBLEM_CONTENT_TYPE, ProblemSerializer

#: The problems every operation may answer, for the schema.
READ_PROBLEMS = (400, 401, 403, 404, 406, 429)
WRITE_PROBLEMS = (400, 401, 403, 404, 406, 409, 415, 429)

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=idempotency.HEADER,
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="同一键与同一请求体：返回第一次的结果，不再执行；同一键与不同请求体：409。",
)


def responses(ok, *, problems=READ_PROBLEMS, ok_status=200):
    """The ``responses`` of ``extend_schema``: ``ok`` as JSON, each problem as problem+json."""
    answer = {(ok_status, "application/json"): ok}
    answer.update({(code, PROBLEM_CONTENT_TYPE): ProblemSerializer for code in problems})
    return answer


class Cursor(CursorPagination):
    """Pages by an opaque cursor (stable while rows are added): ``next`` and ``previous`` links."""

    page_size = 100
    max_page_size = 500
    page_size_query_param = "page_size"
    ordering = "id"


class ApiView(APIView):
    """Base of every operation: ``required_scopes`` by method (``None``: public); ``object_count`` is set
    by the operation (objects returned or written) for the audit."""

    required_scopes = {}
    object_count = 0
    replayed = False

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, no_store=True, private=True)
        caller = getattr(request, "_auth", None)
        ApiCall.objects.create(
            client=getattr(caller, "client", None),
            personal_token=getattr(caller, "personal", None),
            scope=required_scope(self, request.method) or "",
            method=request.method[:8],
            path=request.path[:500],
            status=response.status_code,
            object_count=self.object_count if response.status_code < 400 else 0,
            replayed=self.replayed,
        )
        return response

    def idempotent_write(self, request, work, *, ok_status):
        """Run ``work()`` (returns ``(body, count)``) once per ``Idempotency-Key``, in one transaction."""
        key = idempotency.request_key(request)
        with transaction.atomic():
            record = None
            if key is not None:
                record, stored = idempotency.take(
                    client=request.auth.client, key=key, print_=idempotency.fingerprint(request)
                )
                if stored is not None:
                    self.replayed = True
                    status, body = stored
                    return Response(body, status=status, headers={"Idempotent-Replayed": "true"})
            body, self.object_count = work()
            if record is not None:
                idempotency.store(record, status=ok_status, body=body)
        return Response(body, status=ok_status)
