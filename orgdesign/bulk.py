"""Inserting many rows without building a model object for each.

`bulk_create` prepares every field of every object through the model layer; for the hundreds
of thousands of rows of an import or a generated organisation that is most of the time spent.
`insert_rows` takes plain dicts, fills what the model would fill (defaults, `auto_now` times),
prepares each value with its field once, and writes multi-row INSERTs. It returns nothing:
callers read the ids back by their natural keys, and record history set-based afterwards.
"""

import csv
import datetime
import io
import json
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

# Values of these kinds go to the database driver as they are; the others are prepared by their field.
AS_IS = {
    "AutoField", "BigAutoField", "BooleanField", "CharField", "TextField", "IntegerField", "BigIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField", "ForeignKey", "EmailField",
}  # fmt: skip


def _preparer(field, connection):
    if field.get_internal_type() in AS_IS:
        return None
    prep = field.get_db_prep_save
    if field.get_internal_type() == "DecimalField":  # a Decimal goes to every driver as it is
        return lambda value: value if isinstance(value, Decimal) else prep(value, connection)
    return lambda value: prep(value, connection)


def insert_rows(model, rows, *, batch_size=2000):
    """INSERT `rows` (dicts of field attname → value) into `model`'s table; missing fields get their defaults."""
    if not rows:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in rows[0]]
    fixed, per_row = {}, []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fixed[field.attname] = now
        elif field.has_default():
            if callable(field.default):
                per_row.append(field)
            else:
                fixed[field.attname] = field.default
        elif field.null:
            fixed[field.attname] = None
        elif field.empty_strings_allowed:
            fixed[field.attname] = ""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    limit = connection.features.max_query_params or 65535
    batch_size = max(1, min(batch_size, limit // len(fields)))
    prepare = [(f.attname, _preparer(f, connection)) for f in fields]
    for name, prep in prepare:  # values the model fills are the same for every row: prepare them once
        if prep is not None and fixed.get(name) is not None:
            fixed[name] = prep(fixed[name])
    prepare = [(name, prep, name in fixed) for name, prep in prepare]
    if connection.vendor == "postgresql" and _copy_rows(connection, model, fields, rows, fixed, per_row):
        return
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            chunk = rows[start : start + batch_size]
            params = []
            for row in chunk:
                for field in per_row:
                    if field.attname not in row:
                        row = {**row, field.attname: field.get_default()}
                for name, prep, has_fixed in prepare:
                    if name in row:
                        value = row[name]
                        params.append(value if prep is None or value is None else prep(value))
                    elif has_fixed:
                        params.append(fixed[name])
                    else:
                        raise ValueError(f"{model.__name__}.{name} needs a value")
            cursor.execute(sql + ", ".join([one] * len(chunk)), params)


def _csv_text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _copy_rows(connection, model, fields, rows, fixed, per_row):
    """PostgreSQL: the rows as CSV through COPY, several times faster than INSERT for many rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    null = "\\N"
    names = [f.attname for f in fields]
    fixed_text = {name: _csv_text(value) for name, value in fixed.items()}
    if any(text == null for text in fixed_text.values()):
        return False
    # How each column's values become text: as they are (numbers, ids; text checked for the null
    # marker), or through a conversion (booleans, dates, JSON, decimals).
    text_kinds = {"CharField", "TextField", "EmailField"}
    plain = AS_IS - text_kinds - {"BooleanField"}
    kinds = []
    for field in fields:
        kind = field.get_internal_type()
        if kind == "JSONField":
            kinds.append("json")  # None is JSON null here, as the model writes it
        else:
            kinds.append("plain" if kind in plain else "text" if kind in text_kinds else _csv_text)
    columns = list(zip(names, kinds, strict=True))
    for row in rows:
        for field in per_row:
            if field.attname not in row:
                row = {**row, field.attname: field.get_default()}
        line = []
        for name, kind in columns:
            if name not in row:
                text = fixed_text[name]
            else:
                value = row[name]
                if kind == "json":
                    text = json.dumps(value, ensure_ascii=False)
                elif value is None:
                    text = None
                elif kind == "plain":
                    text = value
                elif kind == "text":
                    if value == null:  # a text that reads as the null marker: let INSERT write these rows
                        return False
                    text = value
                else:
                    text = kind(value)
                    if text == null:
                        return False
            line.append(null if text is None else text)
        writer.writerow(line)
    buffer.seek(0)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '{null}')", buffer
        )
    return True


def update_column(model, field_name, values, *, batch_size=500):
    """Set one column of many rows to values of their own: {id: value}."""
    update_columns(model, [field_name], {row_id: (value,) for row_id, value in values.items()}, batch_size=batch_size)


def update_columns(model, field_names, values, *, batch_size=1000):
    """Set columns of many rows to values of their own, {id: (value, …)}, joined on the id.

    What `bulk_update` does, without an expression tree per row and field, and without a `CASE`
    searched row by row: PostgreSQL joins the table with `unnest` of one array per column (one
    statement for 20,000 rows), SQLite (from 3.33) with `VALUES` lists of `batch_size` rows.
    """
    if not values:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    pk = model._meta.pk
    fields = [model._meta.get_field(name) for name in field_names]
    prepare = [_preparer(field, connection) for field in fields]
    casts = [(f.target_field if f.is_relation else f).cast_db_type(connection) for f in [pk, *fields]]
    sets = ", ".join(f"{quote(field.column)} = v.column{index + 2}" for index, field in enumerate(fields))
    table = quote(model._meta.db_table)
    join = f"WHERE {table}.{quote(pk.column)} = v.column1"
    items = sorted(values.items())
    if connection.vendor == "postgresql":
        batch_size = 20000
        names = ", ".join(f"column{index + 1}" for index in range(len(casts)))
        source = "unnest(" + ", ".join(f"CAST(%s AS {cast}[])" for cast in casts) + f") AS v({names})"
    with connection.cursor() as cursor:
        for start in range(0, len(items), batch_size):
            chunk = items[start : start + batch_size]
            rows = []
            for row_id, row in chunk:
                prepared = (v if prep is None or v is None else prep(v) for prep, v in zip(prepare, row, strict=True))
                rows.append([row_id, *prepared])
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} SET {sets} FROM {source} {join}", [list(c) for c in zip(*rows, strict=True)]
                )
            else:
                one = "(" + ", ".join(f"CAST(%s AS {cast})" for cast in casts) + ")"
                cursor.execute(
                    f"UPDATE {table} SET {sets} FROM (VALUES {', '.join([one] * len(chunk))}) AS v {join}",
                    [value for row in rows for value in row],
                )


def refresh_statistics(models):
    """Let the query planner know the tables' new sizes after a bulk load (`ANALYZE`).

    Without it PostgreSQL plans the next reads with the statistics of the empty tables (until
    autovacuum gets to them), and picks full scans where an index lookup takes a millisecond.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")
