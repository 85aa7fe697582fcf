"""`field__among=values`: membership in a long list of values, passed as one parameter.

`field__in` spells out one placeholder per value; with tens of thousands of values (the codes
of a whole imported organisation) building that SQL costs more than running it, and SQLite
caps the number of parameters. `among` sends the list as a single array (PostgreSQL) or JSON
text (SQLite), so its cost does not grow with the list on the Python side.
"""

import json

from django.db.models import Field, ForeignObject, Lookup


def among_sql(column_sql, values, connection):
    """SQL and parameters for "column is one of values", with the values as one parameter."""
    if not values:
        return "1 = 0", []
    if connection.vendor == "postgresql":
        return f"{column_sql} = ANY(%s)", [list(values)]
    return f"{column_sql} IN (SELECT value FROM json_each(%s))", [json.dumps(list(values), default=str)]


class Among(Lookup):
    lookup_name = "among"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        sql, params = among_sql(lhs, [getattr(value, "pk", value) for value in self.rhs], connection)
        return sql, [*lhs_params, *params]


Field.register_lookup(Among)
ForeignObject.register_lookup(Among)  # relations keep lookups of their own
