"""The API's error answers, written into every operation of the OpenAPI schema.

The views raise the same few errors everywhere (`orgdesign.api.exceptions`): one JSON shape
`{detail, code}`, plus `errors` by field on a 400. drf-spectacular documents only the success
answer of most operations, so this post-processing hook adds the errors each kind of operation
can give, and clients (and the fuzzer in the test suite) know every status they may receive.
"""

ERROR = {
    "type": "object",
    "required": ["detail", "code"],
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for a person to read."},
        "code": {"type": "string", "description": "What went wrong, for a program: invalid, not_found, conflict …"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "On a 400: the messages by field, nested fields as `duties[0].text`.",
        },
    },
}

ANSWERS = {
    "400": "Invalid input: `errors` names each field and says what is wrong. Nothing was changed.",
    "401": "No credentials, or a token that does not exist.",
    "403": "The user's role does not allow this, or the token is read-only.",
    "404": "No such object, or one the user may not see.",
    "409": "The current state of the data does not allow this (for example a closed cycle, or data that "
    "still refers to the object). Nothing was changed.",
    "412": "`If-Match` names an older version: someone changed the object since it was read. Nothing was changed.",
    "413": "The request body is too large.",
    "429": "Too many requests for this token; try again after `Retry-After` seconds.",
    "503": "The database is not answering; try again after `Retry-After` seconds.",
}
WRITES = {"post", "put", "patch", "delete"}
FILES = {
    "csv": ("text/csv", {"type": "string"}),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        {"type": "string", "format": "binary"},
    ),
}


def _file_answers(operation):
    """An operation with `?format=csv|xlsx` answers 200 with that file too."""
    for parameter in operation.get("parameters", []):
        if parameter.get("name") == "format" and parameter.get("in") == "query":
            content = operation.get("responses", {}).get("200", {}).setdefault("content", {})
            for name in parameter.get("schema", {}).get("enum", []):
                if name in FILES:
                    content.setdefault(FILES[name][0], {"schema": FILES[name][1]})


def _strict_decimals(node):
    """A decimal's pattern needs a digit on each side of the point ("", "-" and "1." are not numbers)."""
    if isinstance(node, dict):
        if node.get("format") == "decimal" and "pattern" in node:
            node["pattern"] = node["pattern"].replace(r"\d{0,", r"\d{1,")
        for value in node.values():
            _strict_decimals(value)
    elif isinstance(node, list):
        for value in node:
            _strict_decimals(value)


def _text_with_content(components):
    """Required text in a request must hold more than spaces: the API trims it, so "  " is empty."""
    for name, component in components.items():
        if not name.endswith("Request"):
            continue
        for field in component.get("properties", {}).values():
            plain = field.get("type") == "string" and not {"format", "enum", "pattern"} & set(field)
            if plain and field.get("minLength", 0) >= 1:
                field["pattern"] = r"\S"


def add_error_answers(result, generator, request, public):
    """drf-spectacular post-processing hook: the error answers of every operation, and their shape."""
    _strict_decimals(result)
    _text_with_content(result.get("components", {}).get("schemas", {}))
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "put", "post", "patch", "delete"}:
                continue
            statuses = ["400", "401", "403", "429", "503"]
            if "{" in path:
                statuses.append("404")
            if method in WRITES:
                statuses += ["409", "413"]
            if method in {"put", "patch", "delete"}:
                statuses.append("412")
            _file_answers(operation)
            responses = operation.setdefault("responses", {})
            for status in statuses:
                responses.setdefault(status, {
                    "description": ANSWERS[status],
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })  # fmt: skip
    return result
