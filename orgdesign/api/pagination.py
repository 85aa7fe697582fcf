from rest_framework.pagination import LimitOffsetPagination


class OrgPagination(LimitOffsetPagination):
    """`?limit=` (default 50, at most 1000) and `?offset=`; `{count, next, previous, results}`."""

    default_limit = 50
    max_limit = 1000

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
