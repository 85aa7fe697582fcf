"""`field__among=values`: membership in a long list of values, passed as one parameter.

`field__in` spells out one placeholder per value; with tens of thousands of values (the codes
of a whole imported organisation) building that SQL costs more than running it, and SQLite
caps the number of parameters. `among` sends the list as a single array (PostgreSQL) or JSON
text (SQLite), so its cost does not grow with the list on the Python side.
"""

import json

from django.db.models import Field, ForeignObject, Lookup

SHORT = 1000  # up to this many values an IN list is cheap to build, and the planner reads it best


def among_sql(column_sql, values, connection):
    """SQL and parameters for "column is one of values": an IN list when short, else one parameter."""
    values = list(values)
    if not values:
        return "1 = 0", []
    if len(values) <= SHORT:
        return f"{column_sql} IN ({', '.join(['%s'] * len(values))})", values
    if connection.vendor == "postgresql":
        return f"{column_sql} = ANY(%s)", [list(values)]
    return f"{column_sql} IN (SELECT value FROM json_each(%s))", [json.dumps(list(values), default=str)]


class Among(Lookup):
    lookup_name = "among"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        sql, params = among_sql(lhs, [getattr(value, "pk", value) for value in self.rhs], connection)
        return sql, [*lhs_params, *params]


Field.register_lookup(Among)
ForeignObject.register_lookup(Among)  # relations keep lookups of their own
