"""The shared base of the organisation's API resources.

A resource says how to read rows in bulk (`row_queryset` + `complete_rows`, plain dicts, a
fixed number of queries per page whatever its size) and which services write it
(`perform_create_object`, `perform_update_object`, `perform_delete_object`). This base
adds pagination, filters, search, stable ordering, ETag / Last-Modified, If-None-Match
(304) and If-Match (412), and CSV.
"""

import re
from types import SimpleNamespace

import django_filters
import orjson
from django.db import connection, models, transaction
from django.http import Http404, StreamingHttpResponse
from django.utils.http import http_date, parse_etags, quote_etag
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from orgdesign import access
from orgdesign.api.exceptions import PreconditionFailed
from orgdesign.api.pagination import OrgPagination
from orgdesign.api.permissions import AccessPermission
from orgdesign.api.renderers import CSVRenderer, FastJSONRenderer, json_default
from orgdesign.audit import history_entries
from orgdesign.choices import ChangeSource

BOOLEAN_WORDS = {"true", "false", "1", "0"}
WHOLE = re.compile(r"-?\d+")


def _whole_numbers(filterset_class, found):
    """Whether a number filter is on a whole-number field (django-filter would take 0.5 there)."""
    try:
        field = filterset_class._meta.model._meta.get_field(found.field_name.split("__")[0])
    except Exception:  # a filter on an annotation or a method: no model field to ask
        return False
    return isinstance(field, models.IntegerField | models.AutoField | models.ForeignKey)


class OrgFilterBackend(DjangoFilterBackend):
    """django-filter's backend, which does nothing (and builds no form) when no filter is asked for."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not set(request.query_params).intersection(filterset_class.base_filters):
            return queryset
        problems = {}
        for name, found in filterset_class.base_filters.items():
            values = request.query_params.getlist(name)
            if not values:
                continue
            # django-filter would quietly not filter on these, or take the last of several: say so instead
            if len(values) > 1 and not isinstance(
                found, django_filters.BaseInFilter | django_filters.MultipleChoiceFilter
            ):
                problems[name] = ["Give this parameter once."]
            elif values[0] == "" and not isinstance(found, django_filters.CharFilter):  # empty text: no filter
                problems[name] = ["Give a value, or leave the parameter out."]
            elif isinstance(found, django_filters.BooleanFilter) and values[0].lower() not in BOOLEAN_WORDS:
                problems[name] = ["Give true or false."]
            elif (isinstance(found, django_filters.NumberFilter) and _whole_numbers(filterset_class, found)
                  and not WHOLE.fullmatch(values[0])):  # fmt: skip
                problems[name] = ["Give a whole number."]
        if problems:
            raise serializers.ValidationError(problems)
        return super().filter_queryset(request, queryset, view)


class StableOrderingFilter(OrderingFilter):
    """Whitelisted `?ordering=`, always ending in `id` so pages never overlap or skip."""

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or queryset.model._meta.ordering)
        if not {"id", "-id", "pk", "-pk"} & set(ordering):
            ordering.append("id")
        return ordering


def etag_for(obj):
    return quote_etag(f"{obj.pk}.{obj.revision}")


class OrgReadMixin:
    """List and detail from bulk-built rows, with ETag, Last-Modified and If-None-Match.

    Everything starts from `get_queryset`, cut down by `access.visible`: a list shows only what
    the user may see and a detail outside it is a 404.
    """

    def get_queryset(self):
        return access.visible(self.request.user, super().get_queryset())

    def row_queryset(self, queryset):
        """A `values()` queryset of the flat fields of each row."""
        raise NotImplementedError

    def complete_rows(self, rows):
        """Add nested parts to a page of rows (a fixed number of queries) and return them."""
        return rows

    def rows_for(self, queryset):
        return self.complete_rows(list(self.row_queryset(queryset)))

    def list(self, request, *args, **kwargs):
        base = self.filter_queryset(self.get_queryset())
        if self.paginator is not None:
            self.paginator.count_queryset = base  # counted without the joins and annotations of the rows
        page = self.paginate_queryset(self.row_queryset(base))
        return self.get_paginated_response(self.complete_rows(list(page)))

    # The detail can be read as one row, without loading the object first, when no permission of
    # the resource looks at the object (the organisation's resources: visibility is in the query).
    detail_from_row = False

    def retrieve(self, request, *args, **kwargs):
        if self.detail_from_row:
            return self._retrieve_row()
        obj = self.get_object()
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match and etag_for(obj) in parse_etags(if_none_match):
            return self._with_validators(Response(status=status.HTTP_304_NOT_MODIFIED), obj)
        return self._detail_response(obj)

    def _retrieve_row(self):
        try:
            pk = int(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        except (TypeError, ValueError):
            raise Http404 from None
        rows = self.rows_for(self.get_queryset().filter(pk=pk))
        if not rows:
            raise Http404
        row = rows[0]
        validators = SimpleNamespace(pk=row["id"], revision=row["revision"], updated=row["updated"])
        if_none_match = self.request.headers.get("If-None-Match")
        if if_none_match and etag_for(validators) in parse_etags(if_none_match):
            return self._with_validators(Response(status=status.HTTP_304_NOT_MODIFIED), validators)
        return self._with_validators(Response(row), validators)

    def _detail_response(self, obj, status_code=status.HTTP_200_OK):
        row = self.rows_for(self.get_queryset().filter(pk=obj.pk))[0]
        return self._with_validators(Response(row, status=status_code), obj)

    def _with_validators(self, response, obj):
        response["ETag"] = etag_for(obj)
        response["Last-Modified"] = http_date(obj.updated.timestamp())
        return response

    def expected_revision(self, obj):
        """The revision an `If-Match` header names; None when the client sent none."""
        if_match = self.request.headers.get("If-Match")
        if not if_match:
            return None
        tags = parse_etags(if_match)
        if "*" in tags:
            return None
        if etag_for(obj) not in tags:
            raise PreconditionFailed()
        return obj.revision

    def write_context(self):
        return {"user": self.request.user, "source": ChangeSource.API}


class OrgCreateMixin:
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.perform_create_object(serializer.validated_data)
        response = self._detail_response(obj, status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"{request.path}{obj.pk}/")
        return response

    def perform_create_object(self, data):
        raise NotImplementedError


class OrgUpdateMixin:
    def update(self, request, *args, partial=False, **kwargs):
        obj = self.get_object()
        expected = self.expected_revision(obj)
        serializer = self.get_serializer(obj, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        obj = self.perform_update_object(obj, serializer.validated_data, expected)
        obj.refresh_from_db()
        return self._detail_response(obj)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def perform_update_object(self, obj, data, expected_revision):
        raise NotImplementedError


class OrgDestroyMixin:
    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        self.perform_delete_object(obj, self.expected_revision(obj))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_delete_object(self, obj, expected_revision):
        raise NotImplementedError


class OrgBaseViewSet(OrgReadMixin, viewsets.GenericViewSet):
    """Read-only resource; add OrgCreateMixin, OrgUpdateMixin, OrgDestroyMixin for writes."""

    pagination_class = OrgPagination
    filter_backends = [OrgFilterBackend, SearchFilter, StableOrderingFilter]
    permission_classes = [AccessPermission]  # what `access_resource` allows, by `access.POLICY`
    renderer_classes = [FastJSONRenderer]


class OrgViewSet(OrgCreateMixin, OrgUpdateMixin, OrgDestroyMixin, OrgBaseViewSet):
    """A resource with every method: list, retrieve, create, update, partial update, destroy."""


FORMAT_PARAMETER = OpenApiParameter(
    "format", str, enum=["json", "csv"], description="`csv` for the flat fields as CSV (UTF-8), `json` by default."
)


class CSVMixin:
    """`?format=csv` on a resource's list: the flat fields of the page as CSV."""

    def perform_content_negotiation(self, request, force=False):
        if self.action == "list" and request.query_params.get("format") == "csv":
            return CSVRenderer(), CSVRenderer.media_type
        return super().perform_content_negotiation(request, force)


class WholeList(BasePagination):
    """The shape of `…/all/` for the schema: `{count, results}`, never paged."""

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Number of results.", "example": 123},
                "results": {**schema, "description": "Every result, in id order."},
            },
        }


class WholeListMixin:
    """`GET …/all/`: every row the reader may see, in one streamed response, in id order.

    For systems that pull the whole organisation: the rows are those of the list (same fields,
    filters and visibility), read in chunks of `chunk_size` by id and rendered as they are
    read, so the server's memory stays flat whatever the size. On PostgreSQL all chunks are
    read from one snapshot (a repeatable-read transaction), so the answer is consistent.
    """

    chunk_size = 2000

    @extend_schema(
        summary="Every row in one response",
        description=(
            "The same rows as the list, without pages: `{count, results}` in id order, streamed. "
            "Filters apply as on the list; `ordering`, `limit` and `offset` do not."
        ),
        filters=True,
    )
    @action(detail=False, methods=["get"], url_path="all", url_name="all", pagination_class=WholeList,
            filter_backends=[OrgFilterBackend, SearchFilter])  # fmt: skip
    def whole_list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset()).order_by("id")
        response = StreamingHttpResponse(self._stream(queryset), content_type="application/json")
        response["Cache-Control"] = "no-store"
        return response

    def whole_list_chunk(self, queryset, after, size):
        """Up to `size` complete rows with ids above `after`, in id order."""
        return self.complete_rows(list(self.row_queryset(queryset.filter(id__gt=after))[:size]))

    def _stream(self, queryset):
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield b'{"count":' + str(queryset.count()).encode() + b',"results":['
            last, first = 0, True
            while True:
                rows = self.whole_list_chunk(queryset, last, self.chunk_size)
                if not rows:
                    break
                body = orjson.dumps(rows, default=json_default, option=orjson.OPT_NON_STR_KEYS)
                yield (b"" if first else b",") + body[1:-1]
                first, last = False, rows[-1]["id"]
                if len(rows) < self.chunk_size:
                    break
            yield b"]}"


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="History row id.")
    at = serializers.DateTimeField(help_text="When the change was made.")
    user = serializers.CharField(allow_null=True, help_text="Who made it (login name); null for commands.")
    source = serializers.CharField(help_text="Where it came from: admin, ui, api, import or command.")
    action = serializers.CharField(help_text="created, changed or deleted.")
    object = serializers.CharField(help_text="What kind of object changed (e.g. position, duty).")
    object_id = serializers.IntegerField(help_text="Its id.")
    changes = serializers.ListField(
        child=serializers.DictField(), help_text="Fields that changed: [{field, old, new}]."
    )


class HistoryMixin:
    """`GET …/{id}/history/`: the audit trail of the object and its parts, newest first, paginated.

    Subclasses say which history tables make up the object's story in `history_of(obj)`.
    """

    def history_of(self, obj):
        return [(type(obj).history.filter(id=obj.pk), None)]

    def visible_history(self, obj, entries):
        """The entries (and their changes) this reader may see; all of them unless the resource says otherwise."""
        return entries

    @extend_schema(
        summary="Audit trail",
        description="Every change of the object (and its parts) with who, when, from where and what changed.",
        responses={200: HistoryEntrySerializer(many=True)},
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, *args, **kwargs):
        obj = self.get_object()
        entries = [
            entry for queryset, label in self.history_of(obj) for entry in history_entries(queryset, label=label)
        ]
        entries = self.visible_history(obj, entries)
        entries.sort(key=lambda entry: (entry["at"], entry["id"]), reverse=True)
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(page)
