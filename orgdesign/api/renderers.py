import csv
import datetime
import io
from decimal import Decimal

import orjson
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer

from orgdesign.spreadsheet import safe_text


def json_default(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError


class FastJSONRenderer(JSONRenderer):
    """JSON through orjson: the bulk reads build plain dicts, and this renders them fast."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, default=json_default, option=orjson.OPT_NON_STR_KEYS)


class CSVRenderer(BaseRenderer):
    """`?format=csv` on lists: one row per result, nested parts left out."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" in data:
            rows = data["results"]
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data] if data else []
        rows = [{k: v for k, v in row.items() if not isinstance(v, list | dict)} for row in rows]
        buffer = io.StringIO()
        if rows:
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
            writer.writeheader()
            for row in rows:
                writer.writerow({key: _cell(value) for key, value in row.items()})
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value):
    """Text a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, datetime.date):
        text = value.isoformat()
    else:
        text = str(value)
    return safe_text(text)


class Negotiation(DefaultContentNegotiation):
    """DRF's content negotiation, answering an unknown `?format=` with a 400 that names it (DRF gives a 404).

    For a method the view does not have, nothing is negotiated: its 405 comes first.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if view is not None and getattr(view, request.method.lower(), None) is None:
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        chosen = [renderer for renderer in renderers if renderer.format == format]
        if not chosen:
            offered = ", ".join(sorted({renderer.format for renderer in renderers}))
            raise ValidationError({"format": [f"Give one of: {offered}."]})
        return chosen
