from rest_framework.pagination import LimitOffsetPagination


class OrgPagination(LimitOffsetPagination):
    """`?limit=` (default 50, at most 1000) and `?offset=`; `{count, next, previous, results}`."""

    default_limit = 50
    max_limit = 1000
    count_queryset = None  # set by a view whose rows carry joins the count does not need

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
