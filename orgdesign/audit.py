"""The audit trail: who changed what, when, and from where.

django-simple-history records every create, update and delete of the audited models with
the user; this module adds where the change came from (admin, browser, API, import,
command) and turns history rows into field-by-field changes for the API and the pages.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from orgdesign.choices import ChangeSource

_source = ContextVar("change_source", default=ChangeSource.COMMAND)


def current_source():
    return _source.get()


@contextmanager
def change_source(source):
    """Record the changes made inside the block as coming from `source`."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


class AuditSourceMiddleware:
    """Marks the changes a request makes with the interface it came through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            source = ChangeSource.API
        elif request.path.startswith("/admin/"):
            source = ChangeSource.ADMIN
        else:
            source = ChangeSource.UI
        with change_source(source):
            return self.get_response(request)


class HistoricalSource(models.Model):
    """The extra column every history table carries: where the change came from."""

    history_source = models.CharField(_("source"), max_length=16, choices=ChangeSource.choices, default=current_source)

    class Meta:
        abstract = True


def audited(**options):
    """History for a model: every change with user, time, source and the fields as they were."""
    options.setdefault("excluded_fields", ["updated"])
    return HistoricalRecords(bases=[HistoricalSource], cascade_delete_history=False, **options)


@receiver(pre_create_historical_record)
def _stamp_source(sender, history_instance, **kwargs):
    history_instance.history_source = current_source()


def history_entries(history_queryset, *, label=None):
    """History rows as `{at, user, source, action, object, changes: [{field, old, new}]}`, newest first.

    Each row is compared with the previous row of the same object; the rows are read in one
    query (plus the users in one more).
    """
    rows = list(history_queryset.select_related("history_user").order_by("history_date", "history_id"))
    previous = {}
    entries = []
    for row in rows:
        before = previous.get(row.id)
        changes = []
        if before is not None and row.history_type == "~":
            for change in row.diff_against(before).changes:
                changes.append({"field": change.field, "old": _plain(change.old), "new": _plain(change.new)})
        elif row.history_type in "+-":
            tracked = {f.attname for f in row._meta.fields}
            for field in row.instance_type._meta.concrete_fields:
                if field.attname in tracked and field.attname != "id":
                    value = _plain(getattr(row, field.attname))
                    old, new = (None, value) if row.history_type == "+" else (value, None)
                    changes.append({"field": field.attname, "old": old, "new": new})
        previous[row.id] = row
        entries.append({
            "id": row.history_id,
            "at": row.history_date,
            "user": row.history_user.get_username() if row.history_user else None,
            "source": row.history_source,
            "action": {"+": "created", "~": "changed", "-": "deleted"}[row.history_type],
            "object": label or row.instance_type._meta.model_name,
            "object_id": row.id,
            "changes": changes,
        })  # fmt: skip
    entries.reverse()
    return entries


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record_bulk_history(model, objs, *, update, user=None):
    """History rows for objects written in bulk (bulk_create or a set-based UPDATE), in batched INSERTs."""
    if objs:
        model.history.bulk_history_create(objs, update=update, default_user=user, batch_size=2000)


def record_history_of(model, ids, *, update, user=None, column=None):
    """History rows for the objects with these ids, copied by the database (INSERT … SELECT).

    For bulk writes of many rows: nothing is loaded into Python, so recording the history of
    100,000 rows costs a few statements. The rows are the same ones django-simple-history
    writes (same columns, the current change source, the user). `column` picks the rows by
    another column than the primary key (for example all the duties of some positions).
    """
    from django.db import connection
    from django.utils import timezone

    from orgdesign.lookups import among_sql

    ids = sorted(ids)
    if not ids:
        return
    history = model.history.model
    own = {f.column for f in model._meta.concrete_fields}
    columns = [f.column for f in history._meta.concrete_fields if f.column in own]
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(c) for c in columns)
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({column_list}, history_date, history_type, history_user_id, "
        f"history_source, history_change_reason) SELECT {column_list}, %s, %s, %s, %s, '' "
        f"FROM {quote(model._meta.db_table)} WHERE "
    )
    values = [timezone.now(), "~" if update else "+", getattr(user, "pk", None), current_source()]
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 20000):
            where, params = among_sql(quote(column or model._meta.pk.column), ids[start : start + 20000], connection)
            cursor.execute(sql + where, [*values, *params])
