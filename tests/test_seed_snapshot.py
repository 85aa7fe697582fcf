"""The seed fixtures replay a recording of `seed_org` (tests/seed_snapshot.py): it leaves what the command does."""

import datetime

from django.core.management import call_command
from django.db import connection, transaction

from orgdesign.services import api_token_create
from tests import seed_snapshot


class _Rollback(Exception):
    pass


def _ids_from(recording):
    """Have the next ids handed out be those the recorded run got (PostgreSQL: sequences are not rolled back)."""
    if connection.vendor != "postgresql":
        return  # SQLite hands out the same ids again after a rollback
    by_label = {t.label: t for t in recording.tables}
    with connection.cursor() as cursor:
        for label, rows in recording.inserts.items():
            table = by_label[label]
            first = min(row[table.pk] for row in rows)
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), %s, %s)",
                [connection.ops.quote_name(table.model._meta.db_table), table.model._meta.pk.column,
                 max(first - 1, 1), first > 1],
            )  # fmt: skip


def _state_after(load, recording):
    """Every table after `load()`, rolled back; ids by order of creation, so two runs compare on any database."""
    tables = seed_snapshot._tables()
    _ids_from(recording)
    try:
        with transaction.atomic():
            load()
            rows = {t.label: t.rows("default") for t in tables}
            raise _Rollback
    except _Rollback:
        pass
    known = {label: set(pks) for label, pks in seed_snapshot.baseline.rows.items()} if seed_snapshot.baseline else {}
    rank = {}
    for table in tables:  # rows the load wrote are numbered in order; rows that were there keep their ids
        new = sorted(pk for pk in rows[table.label] if pk not in known.get(table.label, ()))
        rank[table.model] = {pk: ("new", number) for number, pk in enumerate(new)}

    def same(field, value):
        if isinstance(value, datetime.datetime):
            return "a time"
        target = field.related_model if field.is_relation else None
        if field.primary_key and not field.is_relation:
            target = field.model
        elif getattr(field.model, "instance_type", None) and field.name == field.model.instance_type._meta.pk.name:
            target = field.model.instance_type  # a history row's copy of its object's id
        if target is not None and getattr(target, "instance_type", None):
            return "a history row"  # history rows are the same, but PostgreSQL may number some in another order
        return rank.get(target, {}).get(value, value) if target is not None else value

    return {
        t.label: sorted(
            (tuple(repr(same(f, v)) for f, v in zip(t.fields, row, strict=True)) for row in rows[t.label].values()),
        )
        for t in tables
    }


def test_the_replayed_seed_leaves_exactly_what_the_command_leaves(db, seed_demo_recording, django_user_model):
    # A login and a token made first, as fixtures do: they are in tables the command neither reads nor writes.
    api_token_create(user=django_user_model.objects.create_superuser("hr", password="hr-password-1"), name="t")
    recording = seed_snapshot._recordings.get((("--demo",), "default")) or seed_snapshot.Recording(("--demo",))
    assert recording.holds(), "the seed fixtures would run the command instead of replaying it"
    by_command = _state_after(lambda: call_command("seed_org", "--demo", verbosity=0), recording)
    replayed = _state_after(recording.replay, recording)
    assert by_command.keys() == replayed.keys()
    assert [label for label in by_command if by_command[label] != replayed[label]] == []
