"""The seed organisation loaded by running `seed_org` once and replaying its rows afterwards.

Running the command takes seconds (many more on PostgreSQL): every row goes through the services,
with validation, history and permissions. The rows it writes into a database that holds only what
the migrations put there are the same every time, so the command is run once per session (inside
a transaction that is rolled back) and what it changed, table by table, is recorded. Loading the
seed again is then a few bulk INSERTs of those rows, with their ids, times and history.

The recording is replayed only where it holds: when every table the command could have read is
exactly as it was when the command ran (logins, tokens, sessions and login attempts may differ:
the command neither reads nor writes them) and the day is the same. Anywhere else, and with
`SEED_SNAPSHOT=0`, the command itself runs, as before.
"""

import os

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

# Tables the seed command never reads or writes: what tests create here before loading the seed
# (a logged-in client, a token) does not change what the command would do.
FREE = {
    "auth.User", "auth.User_groups", "auth.User_user_permissions", "sessions.Session", "admin.LogEntry",
    "orgdesign.ApiToken", "axes.AccessAttempt", "axes.AccessAttemptExpiration", "axes.AccessFailureLog",
    "axes.AccessLog",
}  # fmt: skip


baseline = None  # a Baseline, taken by the django_db_setup fixture once the test database is made


def enabled():
    return os.environ.get("SEED_SNAPSHOT", "1").strip().lower() not in {"0", "false", "no", "off"}


class _Table:
    def __init__(self, model):
        self.model = model
        self.label = model._meta.label
        self.fields = [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]
        self.attnames = [f.attname for f in self.fields]
        self.pk = self.attnames.index(model._meta.pk.attname)
        self.free = self.label in FREE

    def rows(self, using):
        """{pk: row} with the values as the ORM reads them."""
        query = self.model._base_manager.using(using).order_by().values_list(*self.attnames)
        return {row[self.pk]: row for row in query.iterator(chunk_size=5000)}

    def inserts(self, rows, using):
        """[(sql, params)]: multi-row INSERTs of `rows` (values as the ORM reads them), ids and all.

        The values are turned into what the database takes once, here, so that running the
        statements again and again costs only the database's time.
        """
        connection = connections[using]
        quote = connection.ops.quote_name
        prepared = [
            [
                field.get_db_prep_save(value, connection=connection)
                for field, value in zip(self.fields, row, strict=True)
            ]
            for row in rows
        ]
        size = max(1, connection.ops.bulk_batch_size(self.fields, prepared) or len(prepared))
        columns = ", ".join(quote(f.column) for f in self.fields)
        head = f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) VALUES "
        one = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        statements = []
        for start in range(0, len(prepared), size):
            batch = prepared[start : start + size]
            statements.append((head + ", ".join([one] * len(batch)), [value for row in batch for value in row]))
        return statements


def _tables():
    seen, tables = set(), []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.swapped or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        tables.append(_Table(model))
    return tables


def _counts(tables, using):
    connection = connections[using]
    quote = connection.ops.quote_name
    counts = {}
    for start in range(0, len(tables), 100):
        part = tables[start : start + 100]
        sql = " UNION ALL ".join(
            f"SELECT {n}, COUNT(*) FROM {quote(t.model._meta.db_table)}" for n, t in enumerate(part, start)
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            for number, count in cursor.fetchall():
                counts[tables[number].label] = count
    return counts


def _today():
    return timezone.localdate(), timezone.now().date()


class _Rollback(Exception):
    pass


class Recording:
    """What one run of `seed_org <args>` changed, and the state of the database it ran on."""

    def __init__(self, args, using=DEFAULT_DB_ALIAS):
        self.args = args
        self.using = using
        self.tables = _tables()
        self.usable = False
        self._record()

    def _record(self):
        self.day = _today()
        connection = connections[self.using]
        other_tables = set(connection.introspection.table_names()) - {t.model._meta.db_table for t in self.tables}
        try:
            with transaction.atomic(using=self.using):
                before = {t.label: t.rows(self.using) for t in self.tables}
                others = self._other_counts(other_tables)
                call_command("seed_org", *self.args, verbosity=0)
                after = {t.label: t.rows(self.using) for t in self.tables}
                others_changed = self._other_counts(other_tables) != others
                raise _Rollback
        except _Rollback:
            pass
        self.inserts, self.updates, self.deletes = {}, {}, {}
        for table in self.tables:
            old, new = before[table.label], after[table.label]
            inserted = [row for pk, row in new.items() if pk not in old]
            updated = [row for pk, row in new.items() if pk in old and old[pk] != row]
            deleted = [pk for pk in old if pk not in new]
            if inserted:
                self.inserts[table.label] = inserted
            if updated:
                self.updates[table.label] = updated
            if deleted:
                self.deletes[table.label] = deleted
        self.counts = {label: len(rows) for label, rows in before.items()}
        # The content of every table that held rows and that the command may read, to compare with.
        self.before = {t.label: before[t.label] for t in self.tables if before[t.label] and not t.free}
        touched = set(self.inserts) | set(self.updates) | set(self.deletes)
        free_labels = {t.label for t in self.tables if t.free}
        written = {label: self.inserts.get(label, []) + self.updates.get(label, []) for label in touched}
        references_free = any(
            field.is_relation and field.related_model is not None and field.related_model._meta.label in free_labels
            and any(row[index] is not None for row in written.get(table.label, []))
            for table in self.tables
            for index, field in enumerate(table.fields)
        )  # fmt: skip
        self.usable = not others_changed and not (touched & free_labels) and not references_free
        by_label = {t.label: t for t in self.tables}
        self.statements = [
            st for label, rows in self.inserts.items() for st in by_label[label].inserts(rows, self.using)
        ]

    def _other_counts(self, names):
        connection = connections[self.using]
        counts = {}
        with connection.cursor() as cursor:
            for name in sorted(names):
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
                counts[name] = cursor.fetchone()[0]
        return counts

    def holds(self):
        """True where replaying gives what running the command would: the database is as it was then."""
        if not self.usable or _today() != self.day or {t.label for t in _tables()} != {t.label for t in self.tables}:
            return False
        counts = _counts([t for t in self.tables if not t.free], self.using)
        if any(counts[label] != self.counts[label] for label in counts):
            return False
        by_label = {t.label: t for t in self.tables}
        return all(by_label[label].rows(self.using) == rows for label, rows in self.before.items())

    def replay(self):
        connection = connections[self.using]
        by_label = {t.label: t for t in self.tables}
        with transaction.atomic(using=self.using):
            for label, pks in self.deletes.items():
                manager = by_label[label].model._base_manager.using(self.using)
                for start in range(0, len(pks), 500):
                    manager.filter(pk__in=pks[start : start + 500])._raw_delete(self.using)
            for label, rows in self.updates.items():
                table = by_label[label]
                manager = table.model._base_manager.using(self.using)
                for row in rows:
                    values = dict(zip(table.attnames, row, strict=True))
                    manager.filter(pk=values.pop(table.attnames[table.pk])).update(**values)
            with connection.cursor() as cursor:
                for sql, params in self.statements:
                    cursor.execute(sql, params)
            _reset_sequences(connection, [by_label[label].model for label in self.inserts])


class Baseline:
    """Every row of the database as it is now (by default but the free tables), to put back later.

    Taken once the test database is made (`seed_snapshot.baseline`), it is what the migrations left
    there, to put back after a test that emptied the tables.
    """

    def __init__(self, using=DEFAULT_DB_ALIAS, include_free=False):
        self.using = using
        self.include_free = include_free
        self.tables = [t for t in _tables() if include_free or not t.free]
        self.rows = {t.label: t.rows(using) for t in self.tables}
        by_label = {t.label: t for t in self.tables}
        self.statements = {
            label: by_label[label].inserts(rows.values(), using) for label, rows in self.rows.items() if rows
        }

    def restore(self):
        """Make every table (but the free ones, unless taken too) hold exactly these rows again, with their ids."""
        from django.contrib.contenttypes.models import ContentType

        connection = connections[self.using]
        tables = [t for t in _tables() if self.include_free or not t.free]
        counts = _counts(tables, self.using)
        refilled = []
        with transaction.atomic(using=self.using):
            for table in tables:
                wanted = self.rows.get(table.label, {})
                if not counts[table.label] and not wanted:
                    continue
                if table.rows(self.using) == wanted:
                    continue
                table.model._base_manager.using(self.using).all()._raw_delete(self.using)
                with connection.cursor() as cursor:
                    for sql, params in self.statements.get(table.label, ()):
                        cursor.execute(sql, params)
                refilled.append(table.model)
            _reset_sequences(connection, refilled)
        ContentType.objects.clear_cache()


def _reset_sequences(connection, models):
    """After rows were written with their ids (PostgreSQL): the next id handed out comes after them."""
    if connection.vendor != "postgresql" or not models:
        return
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            cursor.execute(";".join(statements))


_recordings = {}


def load_seed(*args, using=DEFAULT_DB_ALIAS):
    """The effect of `call_command("seed_org", *args)`, replayed from a recording where it holds."""
    if not enabled():
        call_command("seed_org", *args, verbosity=0)
        return
    key = (args, using)
    recording = _recordings.get(key)
    if recording is None or _today() != recording.day:
        recording = _recordings[key] = Recording(args, using)
    if recording.holds():
        recording.replay()
    else:
        call_command("seed_org", *args, verbosity=0)


def record_seed(*args, using=DEFAULT_DB_ALIAS):
    """Record `seed_org <args>` now (best done on a database holding only the migrations' rows)."""
    if enabled() and (args, using) not in _recordings:
        _recordings[(args, using)] = Recording(args, using)
