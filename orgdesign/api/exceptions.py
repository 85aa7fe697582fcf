"""One error shape for the whole API: `{"detail", "code"}` plus `"errors"` by field on a 400."""

import sys

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from orgdesign.exceptions import ConcurrentUpdate, Conflict


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The object changed since you read it (If-Match no longer matches). Read it again."
    default_code = "precondition_failed"


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The current state of the data does not allow this."
    default_code = "conflict"


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, ConcurrentUpdate):
        exc = PreconditionFailed(detail=str(exc))
    elif isinstance(exc, Conflict):
        extra = {"code": exc.code, **exc.data}
        exc = ConflictError(detail=str(exc))
        exc.extra = extra
    elif isinstance(exc, ProtectedError | IntegrityError):
        exc = ConflictError(detail=f"The change conflicts with other data: {exc}")
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    _answer_in_json(context.get("request"))
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(
            response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        )
        response.data = {"detail": _summary(errors), "code": "invalid", "errors": errors}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else str(response.data)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"detail": str(detail), "code": code, **getattr(exc, "extra", {})}
    return response


def _answer_in_json(request):
    """An error is JSON even when the request asked for CSV or XLSX: a spreadsheet of an error helps nobody."""
    from orgdesign.api.renderers import FastJSONRenderer

    renderer = getattr(request, "accepted_renderer", None)
    if renderer is not None and renderer.format != "json":
        request.accepted_renderer, request.accepted_media_type = FastJSONRenderer(), FastJSONRenderer.media_type


def flatten_errors(errors, prefix=""):
    """Nested serializer errors as one level: `{"duties[0].text": ["..."]}`."""
    flat = {}
    items = errors.items() if isinstance(errors, dict) else enumerate(errors)
    for key, value in items:
        if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
            path = f"{prefix}[{key}]"
        else:
            path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) or (isinstance(value, list) and value and not isinstance(value[0], str)):
            flat.update(flatten_errors(value, path))
        elif value:
            flat[path] = [str(message) for message in value] if isinstance(value, list) else [str(value)]
    return flat


def _summary(errors):
    names = ", ".join(str(name) for name in errors)
    return f"Invalid input in: {names}." if names else "Invalid input."


def json_error(status_code, detail, code):
    return JsonResponse({"detail": detail, "code": code}, status=status_code)


def _wants_json(request):
    return request.path.startswith("/api/")


def handler400(request, exception=None):
    """A request Django refuses before any view: too large (413), or malformed (400); JSON under /api/."""
    from django.core.exceptions import RequestDataTooBig

    too_big = isinstance(exception, RequestDataTooBig)
    if _wants_json(request):
        if too_big:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
            return json_error(413, f"The request body is larger than the {limit} MB accepted.", "too_large")
        return json_error(400, "The request could not be read.", "bad_request")
    from django.views.defaults import bad_request

    response = bad_request(request, exception)
    if too_big:
        response.status_code = 413
    return response


def handler404(request, exception=None):
    if _wants_json(request):
        return json_error(404, "Not found.", "not_found")
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


UNAVAILABLE_SECONDS = 30  # Retry-After of an answer given while the database is not answering


def database_unavailable(exception):
    """Whether an error means the database cannot be reached or used right now (down, restarting, locked)."""
    return isinstance(exception, OperationalError | InterfaceError)


def handler500(request):
    """500, or 503 while the database is unreachable; in JSON under /api/, else a page that needs no database.

    Django calls this inside its `except` block for any error a view or middleware raised, so the
    error is at hand here. Django closes a connection that failed at the end of the request, and the
    next request connects anew: no restart is needed once the database is back.
    """
    if database_unavailable(sys.exc_info()[1]):
        return _unavailable(request)
    if _wants_json(request):
        return json_error(500, "The server failed to answer; the error has been logged.", "server_error")
    from django.views.defaults import server_error

    return server_error(request)


def _unavailable(request):
    if _wants_json(request):
        response = json_error(503, "The database is not answering; try again in a moment.", "database_unavailable")
    else:
        from django.http import HttpResponse
        from django.template import loader

        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(UNAVAILABLE_SECONDS)
    return response
