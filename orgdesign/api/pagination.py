from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination


class OrgPagination(LimitOffsetPagination):
    """`?limit=` (default 50, at most 1000) and `?offset=`; `{count, next, previous, results}`.

    A limit or offset that is not a whole number in range is refused with a 400 naming it,
    rather than quietly replaced by the default: a client that asks for 5,000 rows should learn
    it got at most 1,000.
    """

    default_limit = 50
    max_limit = 1000
    count_queryset = None  # set by a view whose rows carry joins the count does not need

    def get_limit(self, request):
        if self.limit_query_param not in request.query_params:
            return self.default_limit
        return _whole(request, self.limit_query_param, lowest=1, highest=self.max_limit)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_limit)
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"].update(minimum=0)
        return parameters

    def get_offset(self, request):
        if self.offset_query_param not in request.query_params:
            return 0
        return _whole(request, self.offset_query_param, lowest=0)

    def get_count(self, queryset):
        return super().get_count(self.count_queryset if self.count_queryset is not None else queryset)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Number of results across all pages.", "example": 123},
                "next": {"type": "string", "format": "uri", "nullable": True, "description": "The next page, or null."},
                "previous": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The previous page, or null.",
                },
                "results": {**schema, "description": "This page of results."},
            },
        }


def _whole(request, name, *, lowest, highest=None):
    values = request.query_params.getlist(name)
    try:
        if len(values) != 1:
            raise ValueError
        value = int(values[0])
    except ValueError:
        raise ValidationError({name: ["Give one whole number."]}) from None
    if value < lowest or (highest is not None and value > highest):
        limits = f"from {lowest} to {highest}" if highest is not None else f"{lowest} or more"
        raise ValidationError({name: [f"Give a number {limits}."]})
    return value
