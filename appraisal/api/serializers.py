from django.contrib.auth import get_user_model
from rest_framework import serializers

from appraisal import visibility
from appraisal.choices import AppealOutcome, Direction
from appraisal.models import (
    Appraisal,
    AppraisalCycle,
    AppraisalLine,
    Indicator,
    IndicatorLevel,
    KpiItem,
    KpiSet,
    RatingBand,
)
from departments.models import Department
from orgdesign.api import fields
from orgdesign.api.fields import StrictModelSerializer
from orgdesign.api.serializers import RowSerializer, related_field
from positions.models import Employee, Position


def _help(**texts):
    return {name: {"help_text": text} for name, text in texts.items()}


class DecimalOrNull(fields.DecimalField):
    """A decimal written as text, or null; empty text is neither (DRF would read it as null)."""

    def validate_empty_values(self, data):
        if isinstance(data, str) and not data.strip():
            self.fail("invalid")
        return super().validate_empty_values(data)


class StrictDecimalsMixin:
    """Model decimals that refuse empty text, as the schema's pattern says."""

    def build_field(self, field_name, info, model_class, nested_depth):
        field_class, kwargs = super().build_field(field_name, info, model_class, nested_depth)
        return (DecimalOrNull if field_class is fields.DecimalField else field_class), kwargs


class IndicatorLevelSerializer(StrictModelSerializer):
    """A described level of a rated indicator."""

    class Meta:
        model = IndicatorLevel
        fields = ["level", "points", "description", "description_en"]
        extra_kwargs = _help(
            level="Level number, 1 upwards.", points="Points the level is worth (0–100).",
            description="What the level means, in Chinese.", description_en="What the level means, in English.",
        )  # fmt: skip


class IndicatorSerializer(StrictDecimalsMixin, RowSerializer, StrictModelSerializer):
    """An indicator of the KPI library. Writing `levels` replaces them."""

    levels = IndicatorLevelSerializer(many=True, required=False, help_text="Levels of a rated indicator.")

    class Meta:
        model = Indicator
        fields = [
            "id", "code", "name", "name_en", "dimension", "kind", "unit", "direction", "data_source", "minimum",
            "measurement", "description", "description_en", "retired", "levels", "revision", "created", "updated",
        ]  # fmt: skip
        extra_kwargs = _help(
            code="Unique code.", name="Name in Chinese.", name_en="Name in English.",
            dimension="results, ability or attitude.", kind="quantitative or rated.",
            unit="Unit of a quantitative indicator, e.g. %.",
            direction="higher or lower (is better); empty when rated.",
            data_source="Where the actual value comes from.",
            minimum="The lowest actual a quantitative indicator accepts (0 by default); null for no limit.",
            measurement="How it is measured.", description="Description in Chinese.",
            description_en="Description in English.",
            retired="Retired indicators stay in history but cannot join new KPI sets.",
        )  # fmt: skip


class KpiItemSerializer(StrictDecimalsMixin, StrictModelSerializer):
    """An indicator in a KPI set."""

    indicator = related_field(Indicator.objects.all(), "indicator", help_text="Indicator id.")
    dimension = fields.CharField(source="indicator.dimension", read_only=True, help_text="Its dimension.")
    order = fields.IntegerField(required=False, min_value=0, help_text="Place in the set.")

    class Meta:
        model = KpiItem
        fields = ["indicator", "dimension", "weight", "target", "order"]
        extra_kwargs = _help(weight="Weight within its dimension (the dimension's items add up to 100).",
                             target="Target of a quantitative indicator.")  # fmt: skip


class KpiSetSerializer(StrictDecimalsMixin, RowSerializer, StrictModelSerializer):
    """A KPI set. Writing `items` or `positions` replaces them. Activate it with the `activate` action."""

    items = KpiItemSerializer(many=True, required=False, help_text="Indicators with weights and targets.")
    positions = related_field(
        Position.objects.all(), "position", many=True, required=False, help_text="Ids of the positions it serves."
    )
    problems = serializers.ListField(
        child=fields.CharField(), read_only=True,
        help_text="Why the set cannot be activated or used yet (empty when it can).",
    )  # fmt: skip

    class Meta:
        model = KpiSet
        fields = [
            "id", "code", "name", "name_en", "status", "results_weight", "ability_weight", "attitude_weight",
            "description", "items", "positions", "problems", "revision", "created", "updated",
        ]  # fmt: skip
        read_only_fields = ["status"]
        extra_kwargs = {
            **_help(code="Unique code.", name="Name in Chinese.", name_en="Name in English.",
                    results_weight="Weight of results (业绩).", ability_weight="Weight of ability (能力).",
                    attitude_weight="Weight of attitude (态度).", description="Notes."),
            "status": {"help_text": "draft, active or retired; changed by the activate and retire actions."},
        }  # fmt: skip


class RatingBandSerializer(StrictDecimalsMixin, RowSerializer, StrictModelSerializer):
    """A rating band and what it is worth."""

    class Meta:
        model = RatingBand
        fields = [
            "id", "code", "name", "name_en", "min_score", "bonus_coefficient", "merit_increase", "revision",
            "created", "updated",
        ]  # fmt: skip
        extra_kwargs = _help(
            code="Band code, e.g. S.", name="Name in Chinese.", name_en="Name in English.",
            min_score="Lowest final score that reaches the band.", bonus_coefficient="Bonus coefficient.",
            merit_increase="Suggested merit increase, percent.",
        )  # fmt: skip


class AppraisalCycleSerializer(RowSerializer, StrictModelSerializer):
    """An appraisal cycle. Its state changes only through the open, start-calibration, close and reopen actions."""

    scope = related_field(
        Department.objects.all(), "unit", allow_null=True, required=False,
        help_text="Unit whose subtree is appraised; null for the whole organisation.",
    )  # fmt: skip
    top_reviewer = related_field(
        Employee.objects.all(), "employee", allow_null=True, required=False,
        help_text="Employee id of who reviews the people whose position reports to nobody; null: HR does.",
    )  # fmt: skip
    appraisal_count = fields.IntegerField(
        read_only=True,
        help_text="Appraisals in the cycle; for anyone but HR (and those HR granted every appraisal), "
        "those the reader may read.",
    )

    class Meta:
        model = AppraisalCycle
        fields = [
            "id", "name", "period_start", "period_end", "self_deadline", "review_deadline", "scope", "top_reviewer",
            "appeal_deadline", "state", "opened", "closed", "results_released", "left_out", "appraisal_count",
            "revision", "created", "updated",
        ]  # fmt: skip
        read_only_fields = ["state", "opened", "closed", "results_released", "left_out"]
        extra_kwargs = _help(
            name="Unique name, e.g. 2026-Q3.", period_start="First day of the period.",
            period_end="Last day of the period.", self_deadline="Self-assessments due.",
            review_deadline="Manager reviews due.", state="draft, open, calibration or closed.",
            appeal_deadline="Last day an employee can appeal a result; closing makes it 14 days away at least.",
            opened="When it opened.", closed="When it closed.",
            results_released="When HR let employees read their results before closing; null if not.",
            left_out="People in scope who got no appraisal when it opened, and why; null for anyone but HR "
            "(and those HR granted every appraisal).",
        )  # fmt: skip


class ReasonSerializer(serializers.Serializer):
    reason = fields.CharField(help_text="Why; kept with the change.")


class GateSerializer(serializers.Serializer):
    """The optional body of start-calibration and close."""

    force = fields.BooleanField(
        required=False, default=False,
        help_text="Go ahead although appraisals are unfinished (they end as not completed at close).",
    )  # fmt: skip
    reason = fields.CharField(
        required=False, allow_blank=True, default="", help_text="Why, when forcing; required then and kept."
    )


class UnfinishedPersonSerializer(serializers.Serializer):
    appraisal = fields.IntegerField(help_text="Appraisal id.")
    employee_no = fields.CharField(help_text="Employee number.")
    name = fields.CharField(help_text="Name.")
    state = fields.CharField(help_text="self_assessment or manager_review: whose step it waits for.")
    state_label = fields.CharField(help_text="The state, in the reader's language.")
    reviewer = fields.CharField(allow_blank=True, help_text="The reviewer's name; empty when HR reviews.")


class UnfinishedUnitSerializer(serializers.Serializer):
    unit = fields.IntegerField(allow_null=True, help_text="Unit id (when the cycle opened); null if none.")
    name = fields.CharField(allow_blank=True, help_text="Unit name.")
    name_en = fields.CharField(allow_blank=True, help_text="Unit name in English.")
    count = fields.IntegerField(help_text="Unfinished appraisals in the unit.")
    people = UnfinishedPersonSerializer(many=True, help_text="Who, with the state and the reviewer.")


class UnfinishedSerializer(serializers.Serializer):
    count = fields.IntegerField(help_text="Unfinished appraisals.")
    by_state = serializers.DictField(child=fields.IntegerField(), help_text="{self_assessment: n, manager_review: n}.")
    by_unit = UnfinishedUnitSerializer(many=True, help_text="Per unit, with names.")


class GateConflictSerializer(serializers.Serializer):
    """409 of start-calibration and close: `code` is `unfinished` (with the counts) or `conflict` (a wrong state)."""

    detail = fields.CharField(help_text="What went wrong, for a person to read.")
    code = fields.CharField(help_text="`unfinished` when appraisals are unfinished; `conflict` for a wrong state.")
    unfinished = UnfinishedSerializer(required=False, help_text="With code `unfinished`: what is unfinished.")


class PersonSerializer(serializers.Serializer):
    employee = fields.IntegerField(help_text="Employee id.")
    employee_no = fields.CharField(help_text="Employee number.")
    name = fields.CharField(help_text="Name.")


class LeftOutSerializer(PersonSerializer):
    reason = fields.CharField(help_text="Why they get no appraisal.")


class OpenPreviewSerializer(serializers.Serializer):
    """What opening the cycle would do; nothing is written."""

    appraisals = fields.IntegerField(help_text="Appraisals opening would create.")
    people = fields.IntegerField(help_text="Active people in scope.")
    left_out = LeftOutSerializer(many=True, help_text="Who would get no appraisal, and why.")
    reviewed_by_hr = PersonSerializer(many=True, help_text="Who nobody above reviews, so HR will.")
    problems = serializers.ListField(child=fields.CharField(), help_text="Why it cannot open yet (empty if it can).")


ID = {"min_value": 1, "max_value": 2**31 - 1}


class SendBackSerializer(serializers.Serializer):
    appraisals = serializers.ListField(
        child=fields.IntegerField(**ID), min_length=1, max_length=1000,
        help_text="Ids of the appraisals (of this cycle) whose reviews go back to their managers.",
    )  # fmt: skip
    reason = fields.CharField(help_text="Why; the managers read it.")


class MoveSerializer(serializers.Serializer):
    appraisal = fields.IntegerField(**ID, help_text="Appraisal id (of this cycle).")
    band = fields.CharField(max_length=8, help_text="The band code to give.")
    revision = fields.IntegerField(
        **ID, required=False, help_text="The appraisal's revision you read; a stale one refuses the whole step (412)."
    )


class CalibrateManySerializer(serializers.Serializer):
    moves = serializers.ListField(
        child=MoveSerializer(), min_length=1, max_length=1000, help_text="Who gets which band: all or none."
    )
    reason = fields.CharField(help_text="Why the bands are moved; kept for HR only.")
    note = fields.CharField(
        required=False, allow_blank=True, default="", help_text="A note the employees read about the move."
    )


class CalibrateSerializer(serializers.Serializer):
    band = fields.CharField(max_length=8, help_text="The band code to give.")
    reason = fields.CharField(help_text="Why the band is moved; kept beside the computed band, for HR only.")
    note = fields.CharField(
        required=False, allow_blank=True, default="", help_text="A note the employee reads about the move."
    )


class AcknowledgeSerializer(serializers.Serializer):
    objection = fields.CharField(
        required=False, allow_blank=True, help_text="A written objection for HR, if the employee disagrees."
    )


class ResolveObjectionSerializer(serializers.Serializer):
    resolution = fields.CharField(help_text="What HR did about the objection; the employee reads it.")


class AppealFileSerializer(serializers.Serializer):
    grounds = fields.CharField(help_text="What the employee thinks is wrong with the result, and why.")


class BlankForNull(fields.CharField):
    """Text the visibility policy may hide (read as null); writing null means empty text."""

    def validate_empty_values(self, data):
        if data is None:
            return True, ""
        return super().validate_empty_values(data)


SELF_NOTE = "Null for the reviewer and for readers until the self-assessment is submitted."
REVIEW_NOTE = (
    "Null for the employee until the cycle closes or HR releases the results (and only if the review was submitted), "
    "and for readers until the review is submitted."
)
RESULT_NOTE = REVIEW_NOTE + " Null for everyone but HR once the appraisal is not completed."
HIDDEN_NOTES = {
    "line": [(visibility.LINE_SELF, SELF_NOTE), (visibility.LINE_REVIEW, REVIEW_NOTE),
             (visibility.LINE_RESULT, RESULT_NOTE)],
    "appraisal": [
        (visibility.SELF, SELF_NOTE), (visibility.REVIEW, REVIEW_NOTE), (visibility.RESULT, RESULT_NOTE),
        ({"band_reason"}, "HR's alone: null for everyone else."),
        ({"returned_reason"}, "Null for anyone but HR and the reviewer."),
        ((visibility.ACKNOWLEDGEMENT | visibility.OBJECTION) - {"acknowledged"}, "Null for the reviewer."),
    ],
}  # fmt: skip


def _policy_help(part, /, **texts):
    """Help texts with, for each field the visibility policy may hide, when it is null (and `allow_null`)."""
    kwargs = {}
    for name, text in texts.items():
        kwargs[name] = {"help_text": text}
        for names, note in HIDDEN_NOTES[part]:
            if name in names:
                kwargs[name] = {"help_text": f"{text} {note}", "allow_null": True}
    return kwargs


class PolicyFieldsMixin:
    """Text fields the policy may hide take null (as empty text) so a body read can be sent back."""

    def build_field(self, field_name, info, model_class, nested_depth):
        field_class, kwargs = super().build_field(field_name, info, model_class, nested_depth)
        if field_class is fields.CharField and field_name not in self.Meta.always_shown:
            field_class = BlankForNull
        return field_class, kwargs


class AppraisalLineSerializer(PolicyFieldsMixin, StrictDecimalsMixin, StrictModelSerializer):
    """One indicator of an appraisal. Only `actual`, the scores and comments can be written.

    `actual` is written on the writer's side: the employee's goes to `self_actual`, the manager's to
    `manager_actual`; the value scored (`actual` when read) is the manager's if entered, else the employee's.
    """

    id = fields.IntegerField(help_text="Line id (required when writing).")
    direction = fields.ChoiceField(
        choices=Direction.choices, allow_blank=True, read_only=True, help_text="higher or lower; empty when rated."
    )

    class Meta:
        model = AppraisalLine
        fields = [
            "id", "indicator", "name", "name_en", "dimension", "kind", "unit", "direction", "weight", "target",
            "minimum", "levels", "order", "actual", "self_actual", "manager_actual", "self_score", "manager_score",
            "self_comment", "comment", "score",
        ]  # fmt: skip
        read_only_fields = [
            "indicator", "name", "name_en", "dimension", "kind", "unit", "direction", "weight", "target", "minimum",
            "levels", "order", "self_actual", "manager_actual", "score",
        ]  # fmt: skip
        always_shown = visibility.LINE_IDENTITY
        extra_kwargs = _policy_help(
            "line",
            indicator="Indicator id.", name="Indicator name in Chinese (frozen).", name_en="In English.",
            dimension="Dimension.", kind="quantitative or rated.", unit="Unit.",
            weight="Weight within its dimension.", target="Target of a quantitative line.",
            minimum="The lowest actual the line accepts; null for no limit.",
            levels="The levels of a rated line: [{level, points, description}].", order="Place.",
            actual="Achieved value of a quantitative line: when read, the value scored (the manager's if entered, "
            "else the employee's); when written, the writer's own value.",
            self_actual="The actual the employee entered.", manager_actual="The actual the manager entered.",
            self_score="The employee's level for a rated line.",
            manager_score="The manager's level for a rated line.", self_comment="The employee's comment.",
            comment="The manager's comment.", score="Points this line scores (computed).",
        )  # fmt: skip


class AppraisalAppealSerializer(serializers.Serializer):
    """The appeal of an appraisal, in short; the whole of it is at /api/v1/appeals/{id}/."""

    id = fields.IntegerField(help_text="Appeal id.")
    state = fields.CharField(help_text="open or decided.")
    outcome = fields.CharField(allow_blank=True, help_text="upheld, changed or rejected; empty while open.")
    due = serializers.DateField(help_text="When the decision is due.")
    decided = serializers.DateTimeField(allow_null=True, help_text="When it was decided; null while open.")


class AppraisalSerializer(PolicyFieldsMixin, StrictDecimalsMixin, RowSerializer, StrictModelSerializer):
    """One person's appraisal with its lines, the feedback conversation and the score breakdown.

    What each reader sees follows the appraisal visibility policy: a field the reader may not see
    (now, in this state) is null.
    """

    reviewer = related_field(
        Employee.objects.all(), "employee", allow_null=True, required=False,
        help_text="Employee id of the reviewer; null: HR reviews.",
    )  # fmt: skip
    lines = AppraisalLineSerializer(many=True, required=False, help_text="One line per indicator.")
    employee_no = fields.CharField(read_only=True, help_text="Employee number.")
    employee_name = fields.CharField(read_only=True, help_text="Employee name.")
    reviewer_name = fields.CharField(read_only=True, allow_null=True, help_text="Reviewer's name.")
    cycle_name = fields.CharField(read_only=True, help_text="Cycle name.")
    appeal = AppraisalAppealSerializer(read_only=True, allow_null=True, help_text="The appeal, if one was filed.")

    class Meta:
        model = Appraisal
        fields = [
            "id", "cycle", "cycle_name", "employee", "employee_no", "employee_name", "position", "position_title",
            "department", "reviewer", "reviewer_name", "kpi_set", "results_weight", "ability_weight",
            "attitude_weight", "state", "self_comment", "manager_comment", "self_submitted", "reviewed",
            "returned_reason", "results_score", "ability_score", "attitude_score", "final_score", "computed_band",
            "band", "band_reason", "band_note", "bonus_coefficient", "merit_increase", "feedback_date",
            "feedback_notes", "acknowledged", "result_change_reason", "objection", "objection_resolved",
            "objection_resolution", "appeal", "lines", "revision", "created", "updated",
        ]  # fmt: skip
        read_only_fields = [
            "cycle", "employee", "position", "position_title", "department", "kpi_set", "results_weight",
            "ability_weight", "attitude_weight", "state", "self_submitted", "reviewed", "returned_reason",
            "results_score", "ability_score", "attitude_score", "final_score", "computed_band", "band", "band_reason",
            "band_note", "bonus_coefficient", "merit_increase", "acknowledged", "result_change_reason", "objection",
            "objection_resolved", "objection_resolution",
        ]  # fmt: skip
        always_shown = visibility.IDENTITY
        extra_kwargs = _policy_help(
            "appraisal",
            cycle="Cycle id.", employee="Employee id.", position="Position id when the cycle opened.",
            position_title="Position title when the cycle opened.", department="Unit id when the cycle opened.",
            kpi_set="The KPI set copied in when the cycle opened.", results_weight="Frozen results weight.",
            ability_weight="Frozen ability weight.", attitude_weight="Frozen attitude weight.",
            state="self_assessment, manager_review, calibrated, acknowledged or not_completed (a forced close "
            "ended it unfinished: no score, band or outcome).",
            self_comment="The employee's overall comment.", manager_comment="The manager's overall comment.",
            self_submitted="When the self-assessment was submitted.", reviewed="When the manager submitted.",
            returned_reason="Why HR sent the review back to the manager for rescoring.",
            results_score="Results dimension score.", ability_score="Ability dimension score.",
            attitude_score="Attitude dimension score.", final_score="Final score, 0–100, one decimal.",
            computed_band="Band from the final score.",
            band="Final band: the one HR gave in calibration, else the computed one; empty before the review.",
            band_reason="Why HR moved the band (internal).",
            band_note="HR's note to the employee about a moved band.",
            bonus_coefficient="Bonus coefficient (frozen at close).",
            merit_increase="Merit increase suggestion, percent (frozen at close).",
            feedback_date="Date of the feedback conversation.", feedback_notes="Notes of the conversation.",
            acknowledged="When the employee acknowledged the result; null until then (and again after a change).",
            result_change_reason="Why the result changed since the employee last saw it (reopening, appeal).",
            objection="The employee's written objection.",
            objection_resolved="When HR dealt with the objection; null while it is open.",
            objection_resolution="HR's written answer to the objection.",
        )  # fmt: skip


class AppealSerializer(RowSerializer):
    """An employee's appeal against a closed result, and its decision."""

    appraisal = fields.IntegerField(read_only=True, help_text="Appraisal id.")
    cycle = fields.IntegerField(read_only=True, help_text="Cycle id.")
    employee = fields.IntegerField(read_only=True, help_text="Employee id of the person appealing.")
    employee_name = fields.CharField(read_only=True, help_text="Their name.")
    state = fields.CharField(read_only=True, help_text="open or decided.")
    grounds = fields.CharField(
        read_only=True, allow_null=True,
        help_text="The employee's grounds. Null for anyone but HR, the employee and the person named to decide.",
    )  # fmt: skip
    filed = serializers.DateTimeField(read_only=True, help_text="When it was filed.")
    due = serializers.DateField(read_only=True, help_text="When the decision is due.")
    overdue = fields.BooleanField(read_only=True, help_text="Open past its due date.")
    decider = fields.IntegerField(
        read_only=True, allow_null=True, help_text="User id of the person HR named to decide; null: any HR admin."
    )
    decider_name = fields.CharField(read_only=True, allow_null=True, help_text="Their login name.")
    outcome = fields.CharField(read_only=True, help_text="upheld, changed or rejected; empty while open.")
    decision = fields.CharField(read_only=True, help_text="The written decision the employee reads.")
    decided = serializers.DateTimeField(read_only=True, allow_null=True, help_text="When; null while open.")
    band_before = fields.CharField(read_only=True, help_text="The band when decided.")
    band_after = fields.CharField(read_only=True, help_text="The band after the decision.")
    score_before = fields.DecimalField(
        max_digits=4, decimal_places=1, read_only=True, allow_null=True, help_text="Final score when decided."
    )
    score_after = fields.DecimalField(
        max_digits=4, decimal_places=1, read_only=True, allow_null=True, help_text="Final score after the decision."
    )


class AppealLineSerializer(serializers.Serializer):
    id = fields.IntegerField(**ID, help_text="Line id of the appraisal.")
    manager_score = fields.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=100, help_text="The new level of a rated line."
    )
    actual = DecimalOrNull(
        max_digits=16, decimal_places=4, required=False, allow_null=True,
        help_text="The new actual of a quantitative line (null: back to the employee's).",
    )  # fmt: skip


class AppealDecideSerializer(serializers.Serializer):
    outcome = fields.ChoiceField(
        choices=AppealOutcome.choices,
        help_text="upheld (the result stands), changed (rescored or rebanded) or rejected (not admitted).",
    )
    decision = fields.CharField(help_text="The written decision; the employee reads it.")
    band = fields.CharField(max_length=8, required=False, help_text="With changed: the new band.")
    lines = serializers.ListField(
        child=AppealLineSerializer(), required=False, max_length=1000,
        help_text="With changed: new manager scores or actuals, [{id, manager_score | actual}].",
    )  # fmt: skip


class AppealAssignSerializer(serializers.Serializer):
    decider = related_field(
        get_user_model().objects.all(), "user", allow_null=True,
        help_text="User id of who decides (never the appraisal's manager or the employee); null: any HR admin.",
    )  # fmt: skip
    due = serializers.DateField(required=False, help_text="A new decision deadline.")


class AppraisalBatchSerializer(serializers.Serializer):
    """The appraisals one step changed, as the user reads them now."""

    count = fields.IntegerField(help_text="How many.")
    results = AppraisalSerializer(many=True, help_text="The appraisals, in the order given.")
