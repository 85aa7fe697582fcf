"""Text every output can hold: no control characters, nothing XML 1.0 cannot store.

Workbooks, Word documents and PDFs are XML inside, and a header ends at a line break: one
control character typed into a title would break every export that shows it, for everybody.
So every text field of the project's models refuses them (`protect_models`, run once at
start-up): forms, the admin, the API (model serializers copy the models' validators), the
import and services' `full_clean` all refuse the same text with the same message. Multi-line
text (a TextField) keeps tabs and line breaks; a single-line one (a CharField) does not. Text a
service takes that is no model field's (a reason, a decision) is checked by `refuse_control_characters`.

`clean` and `clean_rows` make stored text acceptable again; the data migrations use them.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

PROJECT_APPS = ("orgdesign", "departments", "positions", "appraisal", "analytics")

# Unicode category Cc (C0 controls, DEL, C1 controls) and what XML 1.0 cannot hold besides:
# lone surrogates, U+FFFE and U+FFFF. Tab, line feed and carriage return are Cc too; only
# multi-line text may hold them.
_NEVER = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_BREAKS = "\t\n\r"
NOT_IN_TEXT = re.compile(f"[{_NEVER}]")
NOT_IN_A_LINE = re.compile(f"[{_NEVER}{_BREAKS}]")

# The same characters as a database regex can be sent them: PostgreSQL text holds neither NUL nor
# surrogates (and its driver cannot send them); JSON is matched in its text form, where a control
# character reads \u0007, \b or \f (a superset is fine: Python decides what changes).
_DB_NEVER = "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]"
_DB_IN_A_LINE = "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\t\n\r]"
_DB_IN_JSON = r"\\u00[0-1][0-9a-fA-F]|\\u00[7-9][0-9a-fA-F]|\\u[fF]{3}[eEfF]|\\u[dD][89a-fA-F]|\\[bf]|" + _DB_NEVER

BREAK_MESSAGE = _(
    "Write this on one line: it cannot hold a line break or a tab (character %(position)s). Use a space instead."
)
CONTROL_MESSAGE = _(
    "Remove the invisible control character %(character)s (character %(position)s): text cannot hold control "
    "characters."
)


def _refusal(match):
    character = match.group()
    params = {"character": f"U+{ord(character):04X}", "position": match.start() + 1}
    message = BREAK_MESSAGE if character in _BREAKS else CONTROL_MESSAGE
    return ValidationError(message, code="control_character", params=params)


@deconstructible
class PlainTextValidator:
    """Refuses control characters; a single-line text also refuses tabs and line breaks."""

    def __init__(self, *, multiline=False):
        self.multiline = multiline

    def __call__(self, value):
        if not isinstance(value, str):
            return
        match = (NOT_IN_TEXT if self.multiline else NOT_IN_A_LINE).search(value)
        if match:
            raise _refusal(match)

    def __eq__(self, other):
        return isinstance(other, PlainTextValidator) and other.multiline == self.multiline


@deconstructible
class JsonTextValidator:
    """Refuses control characters in any text inside a JSON value (keys too); tabs and line breaks are kept."""

    def __call__(self, value):
        for text in _texts(value):
            match = NOT_IN_TEXT.search(text)
            if match:
                raise _refusal(match)

    def __eq__(self, other):
        return isinstance(other, JsonTextValidator)


SINGLE_LINE_TEXT = PlainTextValidator()
MULTI_LINE_TEXT = PlainTextValidator(multiline=True)
JSON_TEXT = JsonTextValidator()


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def validator_for(field):
    """The validator a model field gets, or None: a TextField is multi-line, any other CharField one line."""
    if isinstance(field, models.TextField):
        return MULTI_LINE_TEXT
    if isinstance(field, models.CharField):
        return SINGLE_LINE_TEXT
    if isinstance(field, models.JSONField):
        return JSON_TEXT
    return None


def protect_models(app_labels=PROJECT_APPS):
    """Give every text field of these apps' models its validator (once; called from `AppConfig.ready`).

    The validator goes into `field.validators` only, as Django's CharField adds its length check:
    it is not a field argument, so migrations do not change.
    """
    from django.apps import apps

    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                validator = validator_for(field)
                if validator is not None and validator not in field.validators:
                    field.validators.append(validator)


def refuse_control_characters(**texts):
    """Refuse, naming each, the texts (multi-line, as reasons and decisions are) that hold a control character."""
    errors = {}
    for name, value in texts.items():
        try:
            MULTI_LINE_TEXT(value)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)


# --- cleaning what was stored before -----------------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|[\t\n\r]")


def clean(value, *, multiline=False):
    """The text without what it cannot hold: control characters dropped; in one line, breaks and tabs a space."""
    if not isinstance(value, str):
        return value
    if not multiline:
        value = _LINE_BREAK.sub(" ", value)
    return NOT_IN_TEXT.sub("", value)


def clean_json(value):
    """A JSON value with every text in it cleaned (as multi-line text)."""
    if isinstance(value, str):
        return clean(value, multiline=True)
    if isinstance(value, dict):
        return {clean_json(key): clean_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(item) for item in value]
    return value


def _cleaner(field):
    if isinstance(field, models.TextField):
        return lambda value: clean(value, multiline=True)
    if isinstance(field, models.CharField):
        return _clean_line
    if isinstance(field, models.JSONField):
        return clean_json
    return None


def _clean_line(value):
    cleaned = clean(value)
    return cleaned.strip() if cleaned != value else value


def clean_rows(model, *, using="default"):
    """Clean the text of every stored row of `model` that needs it; the number of rows changed.

    Only rows holding such a character are read: on PostgreSQL a regex picks them; elsewhere
    (SQLite, at our sizes) a scan in Python does. A single-line value that would equal another
    row's unique value gets the row's id after it, so the migration cannot fail on it.
    """
    from django.db import connections
    from django.db.models import Q

    fields = [f for f in model._meta.concrete_fields if _cleaner(f) is not None and not f.primary_key]
    if not fields:
        return 0
    manager = model._base_manager.db_manager(using)
    rows = manager.only("pk", *(f.attname for f in fields))
    if connections[using].vendor == "postgresql":
        wanted = Q()
        for field in fields:
            if isinstance(field, models.JSONField):
                pattern = _DB_IN_JSON
            else:
                pattern = _DB_NEVER if isinstance(field, models.TextField) else _DB_IN_A_LINE
            wanted |= Q(**{f"{field.attname}__regex": pattern})
        rows = rows.filter(wanted)
    changes = []
    for row in rows.order_by("pk").iterator(chunk_size=2000):
        values = {}
        for field in fields:
            before = getattr(row, field.attname)
            after = _cleaner(field)(before)
            if after != before:
                values[field.attname] = after
        if values:
            changes.append((row.pk, values))
    taken = {}
    for pk, values in changes:
        for field in fields:
            if field.unique and field.attname in values:
                values[field.attname] = _unique(manager, field, pk, values[field.attname], taken)
        manager.filter(pk=pk).update(**values)
    return len(changes)


def _unique(manager, field, pk, value, taken):
    """`value`, or `value (pk)` if another row holds it already (or will, after this cleaning)."""
    seen = taken.setdefault(field.attname, set())
    if value in seen or manager.filter(**{field.attname: value}).exclude(pk=pk).exists():
        suffix = f" ({pk})"
        value = value[: (field.max_length or len(value) + len(suffix)) - len(suffix)] + suffix
    seen.add(value)
    return value


def clean_app(apps, schema_editor, app_label):
    """Migration helper: clean the stored rows of every model of one app.

    The history tables (`Historical…`) are left as they were written: they are the record of
    what was entered, and no export or header reads them.
    """
    for model in apps.get_app_config(app_label).get_models():
        if not model._meta.model_name.startswith("historical"):
            clean_rows(model, using=schema_editor.connection.alias)


def cleaning_operation(app_label):
    """The migration operation that cleans the stored rows of one app (`clean_app`); nothing to undo."""
    from django.db import migrations

    return migrations.RunPython(
        lambda apps, schema_editor: clean_app(apps, schema_editor, app_label), migrations.RunPython.noop
    )
