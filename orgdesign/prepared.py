"""Reads of a fixed shape, compiled once and run again with other ids.

The ORM builds and compiles a query anew on every call. For the small reads a page makes many
times over (the duties, authorities and standards of 50 positions) that costs more than the
database takes to answer. `PreparedRead` compiles its `values()` query once per number of ids,
keeps the SQL and the field converters, and then only executes.
"""

import itertools

from django.db import DEFAULT_DB_ALIAS, connections

_MARK = -(10**15)  # stand-in ids while compiling, told apart from every other parameter


class PreparedRead:
    """`read(ids)` → the rows (dicts) of `build(ids)`, a `values()` queryset whose only variable is `ids`.

    Up to `largest` ids the compiled SQL is kept per number of ids; longer lists run through the
    ORM every time.
    """

    def __init__(self, build, *, largest=100):
        self.build = build
        self.largest = largest
        self._compiled = {}

    def __call__(self, ids):
        ids = list(ids)
        if not ids:
            return []
        if len(ids) > self.largest:
            return list(self.build(ids))
        compiled = self._compiled.get(len(ids))
        if compiled is None:
            compiled = self._compiled[len(ids)] = self._compile(len(ids))
        sql, slots, names, converters, compiler = compiled
        params = [ids[slot] if isinstance(slot, int) else slot[0] for slot in slots]
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _compile(self, count):
        marks = [_MARK - index for index in range(count)]
        query = self.build(marks).query
        compiler = query.get_compiler(DEFAULT_DB_ALIAS)
        sql, params = compiler.as_sql()
        # Each parameter is either the id at a position of the list, or a constant of the query.
        slots = [_MARK - param if isinstance(param, int) and _MARK - count < param <= _MARK else (param,)
                 for param in params]  # fmt: skip
        if sorted(slot for slot in slots if isinstance(slot, int)) != list(range(count)):
            raise ValueError("every id must appear once among the query's parameters")
        names = list(itertools.chain(query.extra_select, query.values_select, query.annotation_select))
        converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
        return sql, slots, names, converters, compiler
