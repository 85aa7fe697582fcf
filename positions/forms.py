"""The description edit form: parts posted as `duties-0-text`, `standards-1-duty` … and read back in order.

The page's script renumbers rows before it posts, so the numbers are the order on screen.
A standard names its duty by the duty row's `key`, which survives reordering.
"""

import re

from positions.services import PART_FIELDS

_NAME = re.compile(r"^(duties|authorities|standards)-(\d+)-([a-z_]+)$")
ROW_FIELDS = {
    "duties": ("id", "key", "category", "title", "title_en", "text", "text_en"),
    "authorities": ("id", "text", "text_en"),
    "standards": ("id", "measure", "measure_en", "target", "unit", "duty"),
}


def content_from_post(data):
    """Draft content from the posted form, plus the rows as typed (to show again if refused)."""
    rows = {kind: {} for kind in ROW_FIELDS}
    for name in data:
        match = _NAME.match(name)
        if match and match.group(3) in ROW_FIELDS[match.group(1)]:
            kind, index, field = match.group(1), int(match.group(2)), match.group(3)
            rows[kind].setdefault(index, {})[field] = data.get(name, "").strip()
    ordered = {kind: [rows[kind][i] for i in sorted(rows[kind])] for kind in rows}
    duty_keys = {row.get("key") or f"new{n}": n for n, row in enumerate(ordered["duties"])}
    content = {"purpose": data.get("purpose", "").strip(), "purpose_en": data.get("purpose_en", "").strip()}
    for kind, items in ordered.items():
        content[kind] = []
        for row in items:
            item = {field: row.get(field, "") for field in PART_FIELDS[kind] if field not in ("id", "duty_index")}
            if row.get("id", "").isdigit():  # anything else is a new part; the service checks ownership
                item["id"] = int(row["id"])
            if kind == "standards":
                item["target"] = row.get("target") or None
                duty = row.get("duty") or ""
                item["duty_index"] = duty_keys.get(duty) if duty else None
            content[kind].append(item)
    return content, ordered


def rows_from_content(content):
    """Form rows from draft content: each duty gets a key its standards refer to."""
    duties = [{**duty, "key": f"d{index}"} for index, duty in enumerate(content.get("duties", []))]
    standards = []
    for standard in content.get("standards", []):
        row = {k: ("" if v is None else v) for k, v in standard.items() if k != "duty_index"}
        index = standard.get("duty_index")
        row["duty"] = f"d{index}" if index is not None else ""
        standards.append(row)
    return {"duties": duties, "authorities": list(content.get("authorities", [])), "standards": standards}


def attach_errors(rows, errors):
    """Put `duties[2].text`-style errors on the rows they name; return the rest (by field name)."""
    rest = {}
    pattern = re.compile(r"^(duties|authorities|standards)\[(\d+)\](?:\.(\w+))?$")
    for key, messages in errors.items():
        match = pattern.match(key)
        if match and int(match.group(2)) < len(rows[match.group(1)]):
            field = {"duty_index": "duty", "id": "row"}.get(match.group(3), match.group(3) or "row")
            rows[match.group(1)][int(match.group(2))].setdefault("errors", {})[field] = messages
        else:
            rest[key] = messages
    return rest
