"""Errors of the API as RFC 9457 problem details (``application/problem+json``).

Every refusal and every error the API answers has ``type``, ``title``, ``status``, ``detail`` and
``instance``, and a refusal of the input has ``errors``: one ``{"pointer", "detail", "code"}`` per
wrong field (a JSON pointer into the request body, ``""`` for the request as a whole). ``detail`` and
the field messages are in Chinese unless the request's ``Accept-Language`` asks for English. The
domain's own ``ValidationError`` (a service refusing) and Django's ``Http404`` / ``PermissionDenied``
come out the same way; a ``ValidationError`` item that carries ``params["row"]`` points at that record
of a list (``/records/<row - 1>``).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:zaozhuang-titles:problem:"

#: The short title of each status (the same for every problem of that status).
TITLES = {
    400: gettext_lazy("The request is not valid"),
    401: gettext_lazy("A valid token is needed"),
    403: gettext_lazy("Not allowed with this token"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Cannot answer in the format asked for"),
    409: gettext_lazy("Conflicts with an earlier request"),
    415: gettext_lazy("Send the body as JSON"),
    429: gettext_lazy("Too many calls"),
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = gettext_lazy("The request conflicts with an earlier one.")


def _pointers(detail, prefix=""):
    """``[(pointer, message, code)]`` of a DRF error detail (dicts and lists nested)."""
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            inner = prefix if key in ("non_field_errors", "__all__") else f"{prefix}/{key}"
            found += _pointers(value, inner)
        return found
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [(prefix, str(item), getattr(item, "code", "invalid")) for item in detail]
        found = []
        for index, item in enumerate(detail):
            found += _pointers(item, f"{prefix}/{index}")
        return found
    return [(prefix, str(detail), getattr(detail, "code", "invalid"))]


def _django_validation_errors(error):
    """``[(pointer, message, code)]`` of a domain ``ValidationError``."""
    if hasattr(error, "error_dict"):
        return [
            (f"/{field}" if field != "__all__" else "", message, item.code or "invalid")
            for field, items in error.error_dict.items()
            for item in items
            for message in item.messages
        ]
    found = []
    for item in error.error_list:
        row = (item.params or {}).get("row") if isinstance(item.params, dict) else None
        pointer = f"/records/{row - 1}" if isinstance(row, int) else ""
        found += [(pointer, message, item.code or "invalid") for message in item.messages]
    return found


def problem(*, status_code, detail, code, instance="", errors=None, headers=None):
    body = {
        "type": f"{TYPE_PREFIX}{code}",
        "title": str(TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": str(detail),
        "instance": instance,
    }
    if errors is not None:
        body["errors"] = [{"pointer": pointer, "detail": message, "code": str(err)} for pointer, message, err in errors]
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _summary(errors):
    messages = [message for _pointer, message, _code in errors]
    shown = " ".join(messages[:3])
    if len(messages) > 3:
        shown += " " + _("(and %(count)d more)") % {"count": len(messages) - 3}
    return shown or _("The request is not valid.")


def exception_handler(exc, context):
    request = context.get("request")
    instance = request.path if request is not None else ""
    errors = None
    if isinstance(exc, DjangoValidationError):
        errors = _django_validation_errors(exc)
        exc = exceptions.ValidationError(_summary(errors), code="invalid")
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = errors if errors is not None else _pointers(exc.detail)
        detail, code = _summary(errors), "validation"
    else:
        detail = exc.detail if not isinstance(exc.detail, (list, dict)) else _summary(_pointers(exc.detail))
        code = getattr(exc, "default_code", "error")
        if isinstance(exc, exceptions.NotAuthenticated):
            detail = _("Send a token: Authorization: Bearer <token>.")
    headers = {key: value for key, value in response.items() if key in ("Retry-After", "WWW-Authenticate", "Allow")}
    return problem(
        status_code=response.status_code,
        detail=detail,
        code=code,
        instance=instance,
        errors=errors if isinstance(exc, exceptions.ValidationError) else None,
        headers=headers,
    )


class ProblemErrorSerializer(serializers.Serializer):
    pointer = serializers.CharField(help_text=gettext_lazy("JSON pointer to the wrong field of the request body."))
    detail = serializers.CharField()
    code = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    errors = ProblemErrorSerializer(many=True, required=False)
