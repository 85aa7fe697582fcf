"""The forms of one appraisal's page: the self-assessment or the review, and the small forms beside them.

Which fields a form has comes from `appraisal.visibility.writable`; the values are typed here and
the rules (scales, minimums, what a submission needs, states) are the services'. A service error
named `lines[2].manager_score` comes back beside that line's field.
"""

import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appraisal import visibility
from appraisal.choices import IndicatorKind
from appraisal.models import AppraisalPolicy
from appraisal.services import (
    appeal_file,
    appraisal_acknowledge,
    appraisal_preview,
    appraisal_resolve_objection,
    appraisal_submit_review,
    appraisal_submit_self,
    appraisal_update,
)
from appraisal.services.results import line_score
from appraisal.templatetags.appraisal_tags import plain_number

SERVICE_ROLE = {"employee": "employee", "reviewer": "manager", "hr": "hr"}
SCORES = ("self_score", "manager_score")
# Line values the services may name in an error, and the input of the line that holds them.
LINE_INPUT = {"self_actual": "actual", "manager_actual": "actual"}
LINE_ERROR = re.compile(r"^lines\[(\d+)\]\.(\w+)$")


def form_fields(role, appraisal, facts=None):
    """(appraisal fields, line fields) of the form `role` gets on this appraisal's page; empty sets for none.

    HR fills in a form only where HR is the reviewer (the top of the tree has none), and then the
    manager's: what HR may write and a reviewer may write at this point.
    """
    facts = facts or visibility.Facts.of(appraisal)
    fields, line_fields = visibility.writable(role, facts)
    if role == "hr":
        if appraisal.reviewer_id is not None:
            return frozenset(), frozenset()
        reviewer_fields, reviewer_lines = visibility.writable("reviewer", facts)
        fields, line_fields = fields & reviewer_fields, line_fields & reviewer_lines
    return frozenset(fields), frozenset(line_fields)


def _inputs_of(line, names):
    """The line fields of `names` that this kind of line takes: an actual if measured, a level if rated."""
    for name in sorted(names):
        if name == "actual" and line.kind != IndicatorKind.QUANTITATIVE:
            continue
        if name in SCORES and line.kind != IndicatorKind.RATED:
            continue
        yield name


class AppraisalForm(forms.Form):
    """The self-assessment (the employee) or the review (the manager, or HR at the top): what `role` may write now.

    Only the fields present in the submitted data are saved, so a partial post never blanks the rest.
    """

    banner = gettext_lazy("Nothing was saved. Correct the fields marked below.")
    typing_banner = gettext_lazy("Some values cannot be saved as they are. Correct the fields marked below.")

    def __init__(self, data=None, *, appraisal, role, lines):
        super().__init__(data)
        self.appraisal, self.role, self.lines = appraisal, role, list(lines)
        self.fields_allowed, self.line_fields_allowed = form_fields(role, appraisal)
        self.line_inputs = {}
        label = {
            "self_comment": _("Overall comment"), "manager_comment": _("Manager's comment"),
            "feedback_date": _("Date"), "feedback_notes": _("Notes"),
        }  # fmt: skip
        for name in ("self_comment", "manager_comment", "feedback_notes", "feedback_date"):
            if name not in self.fields_allowed:
                continue
            if name == "feedback_date":
                field = forms.DateField(
                    required=False, label=label[name],
                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                )  # fmt: skip
            else:
                field = forms.CharField(required=False, label=label[name], widget=forms.Textarea(attrs={"rows": 3}))
            field.widget.attrs.update({"data-field": name, "aria-describedby": self.error_id(name)})
            field.initial = getattr(appraisal, name)
            self.fields[name] = field
        for line in self.lines:
            self.line_inputs[line.pk] = []
            for name in _inputs_of(line, self.line_fields_allowed):
                key = self.line_key(line, name)
                self.fields[key] = self._line_field(line, name)
                self.line_inputs[line.pk].append(name)

    # --- names -------------------------------------------------------------------------------

    @staticmethod
    def line_key(line, name):
        return f"line-{line.pk}-{name}"

    @staticmethod
    def error_id(key):
        """The id of the element beside a field that shows its error (the live preview swaps it)."""
        return f"err-{key[5:]}" if key.startswith("line-") else f"err-{key}"

    def _line_field(self, line, name):
        if name == "actual":
            # The employee enters their own actual; the manager sees the value scored and may change it.
            shown = "self_actual" if self.role == "employee" else "actual"
            field = forms.DecimalField(
                required=False, label=_("Actual"), widget=forms.TextInput(attrs={"inputmode": "decimal"})
            )
            field.error_messages["invalid"] = _("Enter a number.")
            field.initial = plain_number(getattr(line, shown))
        elif name in SCORES:
            shown = name
            scale = sorted(int(level["level"]) for level in line.levels) if line.levels else []
            attrs = {"min": scale[0], "max": scale[-1]} if scale else {}
            field = forms.IntegerField(
                required=False, label=_("Self score") if name == "self_score" else _("Manager score"),
                widget=forms.NumberInput(attrs=attrs),
                error_messages={"invalid": _("Enter a whole number on the scale.")},
            )  # fmt: skip
            field.initial = getattr(line, name)
        else:
            shown = name
            field = forms.CharField(required=False, label=_("Comment"), widget=forms.Textarea(attrs={"rows": 1}))
            field.initial = getattr(line, name)
        key = self.line_key(line, name)
        field.widget.attrs.update({
            "aria-label": f"{field.label}: {line.name}", "data-line-field": shown,
            "aria-describedby": self.error_id(key),
        })  # fmt: skip
        return field

    # --- what was typed ----------------------------------------------------------------------

    def _sent(self, key):
        return self.data is not None and key in self.data

    def typed_fields(self):
        """Appraisal fields that were sent and typed correctly, as the service takes them."""
        return {
            name: self.cleaned_data[name]
            for name in self.fields_allowed
            if name in self.fields and self._sent(name) and name in self.cleaned_data
        }

    def typed_lines(self):
        """Every line, in order (the services name errors by position), with the values sent and typed correctly."""
        rows = []
        for line in self.lines:
            row = {"id": line.pk}
            for name in self.line_inputs[line.pk]:
                key = self.line_key(line, name)
                if self._sent(key) and key in self.cleaned_data:
                    row[name] = self.cleaned_data[key]
            rows.append(row)
        return rows

    # --- errors ------------------------------------------------------------------------------

    def add_service_errors(self, error, unreadable=()):
        """Put a service ValidationError beside its fields; what has no field on the page goes to the banner.

        A field in `unreadable` (its value could not be read) keeps that message alone.
        """
        messages_by_key = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for key, texts in messages_by_key.items():
            field = self._field_of(key)
            if field in unreadable:
                continue
            for text in texts:
                if field is not None and text in self.errors.get(field, ()):
                    continue
                self.add_error(field, text)

    def _field_of(self, key):
        if key in (None, "__all__", "lines"):
            return None
        match = LINE_ERROR.match(key)
        if match:
            index, name = int(match.group(1)), LINE_INPUT.get(match.group(2), match.group(2))
            if index < len(self.lines):
                line_key = self.line_key(self.lines[index], name)
                return line_key if line_key in self.fields else None
            return None
        return key if key in self.fields else None

    def refused(self):
        """{field: [value as sent, messages]} of this refusal, carried by the page so the preview keeps them."""
        return json.dumps(
            {key: [self.data.get(key, ""), list(texts)] for key, texts in self.errors.items() if key in self.fields},
            ensure_ascii=False,
        )

    def keep_refused(self, carried):
        """Put back the errors of an earlier refusal on the fields still holding the value then refused."""
        try:
            refused = json.loads(carried or "{}")
        except ValueError:
            return
        if not isinstance(refused, dict):
            return
        for key, entry in refused.items():
            if key not in self.fields or key in self.errors or not isinstance(entry, list) or len(entry) != 2:
                continue
            value, texts = entry
            if self.data.get(key, "") == value and isinstance(texts, list):
                for text in texts:
                    self.add_error(key, str(text))

    def line_errors(self, line):
        """{input name: message} of one line, for the page."""
        return {
            name: " ".join(self.errors[self.line_key(line, name)])
            for name in self.line_inputs.get(line.pk, ())
            if self.line_key(line, name) in self.errors
        }

    def error_slots(self):
        """[(element id, message)] for every field of the form, so the preview can empty or fill each one."""
        return [(self.error_id(key), " ".join(self.errors.get(key, []))) for key in self.fields]

    # --- what the form does ------------------------------------------------------------------

    def save(self, *, submit=False, expected_revision=None):
        """Save (and, if `submit`, submit) through the services; False with every problem on the form, nothing saved.

        Values that could not be read are refused beside their field, and the services still check
        the rest so every problem shows at once; nothing is saved unless there is none.
        """
        self.full_clean()
        role = SERVICE_ROLE[self.role]
        submitting = appraisal_submit_self if self.role == "employee" else appraisal_submit_review
        with transaction.atomic():
            appraisal = None
            try:
                appraisal = appraisal_update(
                    appraisal=self.appraisal, role=role, fields=self.typed_fields(), lines=self.typed_lines(),
                    expected_revision=expected_revision,
                )  # fmt: skip
            except ValidationError as error:
                self.add_service_errors(error, set(self.errors))
            if submit and appraisal is None:
                self._what_submitting_lacks(role, submitting, expected_revision)
            elif submit:
                try:
                    submitting(appraisal=appraisal)
                except ValidationError as error:
                    self.add_service_errors(error, set(self.errors))
            if self.errors:
                transaction.set_rollback(True)
                return False
        self.appraisal = appraisal
        return True

    def _what_submitting_lacks(self, role, submitting, expected_revision):
        """With some values refused, what the submission would still lack: asked of the services, then undone."""
        refused = set(self.errors)
        fields = {name: value for name, value in self.typed_fields().items() if name not in refused}
        lines = [
            {name: value for name, value in row.items() if name == "id" or self._line_key_of(row, name) not in refused}
            for row in self.typed_lines()
        ]
        try:
            with transaction.atomic():
                appraisal = appraisal_update(appraisal=self.appraisal, role=role, fields=fields, lines=lines,
                                             expected_revision=expected_revision)  # fmt: skip
                submitting(appraisal=appraisal)
                transaction.set_rollback(True)
        except ValidationError as error:
            self.add_service_errors(error, refused)

    def _line_key_of(self, row, name):
        return f"line-{row['id']}-{name}"

    def preview(self, carried=None):
        """The scores as typed, nothing saved; the typing errors and those the services see in the values."""
        self.full_clean()
        typed = {
            row.pop("id"): {k: v for k, v in row.items() if k in ("actual", *SCORES)} for row in self.typed_lines()
        }
        scores, problems = appraisal_preview(appraisal=self.appraisal, role=SERVICE_ROLE[self.role], lines=typed)
        by_id = {line.pk: line for line in self.lines}
        for (line_id, name), text in problems.items():
            key = self.line_key(by_id[line_id], name)
            if key in self.fields and key not in self.errors:
                self.add_error(key, text)
        self.keep_refused(carried)
        return {**scores, "lines": self._line_scores(typed, problems)}

    def _line_scores(self, typed, problems):
        """{line id: score} as typed, for the line score column: the values `appraisal_preview` scores.

        A value refused (by its type or by the services) leaves the saved one in its place, as
        the preview's totals do; the employee's own actual and level stand in for the manager's.
        """
        cap = AppraisalPolicy.current().achievement_cap
        employee = self.role == "employee"
        own_score = "self_score" if employee else "manager_score"
        scores = {}
        for line in self.lines:
            values = {name: value for name, value in typed.get(line.pk, {}).items() if (line.pk, name) not in problems}
            row = {
                "kind": line.kind, "direction": line.direction, "target": line.target, "levels": line.levels,
                "actual": values.get("actual", line.self_actual if employee else line.actual),
                "manager_score": values.get(own_score, getattr(line, own_score)),
            }  # fmt: skip
            scores[line.pk] = line_score(row, cap)
        return scores


class _TextForm(forms.Form):
    """One text a service takes; the service says what is missing, beside the field."""

    def service_error(self, error):
        for key, texts in (error.message_dict if hasattr(error, "error_dict") else {None: error.messages}).items():
            for text in texts:
                self.add_error(key if key in self.fields else None, text)


class AcknowledgeForm(_TextForm):
    objection = forms.CharField(
        required=False, label=gettext_lazy("Objection (optional; HR reads it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def save(self, *, appraisal, expected_revision=None):
        self.full_clean()
        return appraisal_acknowledge(
            appraisal=appraisal, objection=self.cleaned_data.get("objection", ""), expected_revision=expected_revision
        )


class ResolveObjectionForm(_TextForm):
    resolution = forms.CharField(
        required=False, label=gettext_lazy("Your answer to the objection (the employee reads it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def save(self, *, appraisal, user):
        self.full_clean()
        try:
            return appraisal_resolve_objection(
                appraisal=appraisal, resolution=self.cleaned_data.get("resolution", ""), user=user
            )
        except ValidationError as error:
            self.service_error(error)
            return None


class AppealForm(_TextForm):
    grounds = forms.CharField(
        required=False, label=gettext_lazy("Grounds: what you think is wrong with the result, and why"),
        widget=forms.Textarea(attrs={"rows": 4, "required": True}),
    )  # fmt: skip

    def save(self, *, appraisal, user):
        self.full_clean()
        try:
            return appeal_file(appraisal=appraisal, grounds=self.cleaned_data.get("grounds", ""), user=user)
        except ValidationError as error:
            self.service_error(error)
            return None
