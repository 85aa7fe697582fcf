"""A `values()` query compiled once and run many times with another list of ids.

Compiling a query in the ORM costs about a millisecond and a half here, more than running a
small one. The description parts of a page of positions are read with the same three
queries on every request, differing only in the ids they ask for; with `__among` the ids are
one parameter, so the SQL text is the same every time and can be kept. The rows are converted
by the same converters the ORM would apply (decimals and times on SQLite, for example).
"""

import json

from django.db import connections

PLACEHOLDER = [-424242]


class CompiledValues:
    """`CompiledValues(lambda ids: Model.objects.filter(fk__among=ids).values(...))`, then `.rows(ids)`."""

    def __init__(self, build):
        self.build = build
        self.compiled = {}  # database alias → (sql, params, index of the ids, names, converters)

    def _compile(self, alias):
        queryset = self.build(PLACEHOLDER)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = list(params)
        index = next(i for i, value in enumerate(params) if value in (PLACEHOLDER, json.dumps(PLACEHOLDER)))
        query = queryset.query
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        columns = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(columns)
        return sql, params, index, names, converters

    def rows(self, ids):
        """The query's rows for these ids, as dicts (what `list(queryset)` would give)."""
        ids = list(ids)
        if not ids:
            return []
        connection = connections[self.build(PLACEHOLDER).db]
        if connection.alias not in self.compiled:
            self.compiled[connection.alias] = self._compile(connection.alias)
        sql, params, index, names, converters = self.compiled[connection.alias]
        params = list(params)
        params[index] = ids if connection.vendor == "postgresql" else json.dumps(ids)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        if converters:
            fetched = [list(row) for row in fetched]
            for row in fetched:
                for position, (functions, expression) in converters.items():
                    value = row[position]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[position] = value
        return [dict(zip(names, row, strict=True)) for row in fetched]
