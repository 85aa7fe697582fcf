from rest_framework import serializers

from appraisal.choices import Direction
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


class IndicatorLevelSerializer(StrictModelSerializer):
    """A described level of a rated indicator."""

    class Meta:
        model = IndicatorLevel
        fields = ["level", "points", "description", "description_en"]
        extra_kwargs = _help(
            level="Level number, 1 upwards.", points="Points the level is worth (0–100).",
            description="What the level means, in Chinese.", description_en="What the level means, in English.",
        )  # fmt: skip


class IndicatorSerializer(RowSerializer, StrictModelSerializer):
    """An indicator of the KPI library. Writing `levels` replaces them."""

    levels = IndicatorLevelSerializer(many=True, required=False, help_text="Levels of a rated indicator.")

    class Meta:
        model = Indicator
        fields = [
            "id", "code", "name", "name_en", "dimension", "kind", "unit", "direction", "data_source", "measurement",
            "description", "description_en", "retired", "levels", "revision", "created", "updated",
        ]  # fmt: skip
        extra_kwargs = _help(
            code="Unique code.", name="Name in Chinese.", name_en="Name in English.",
            dimension="results, ability or attitude.", kind="quantitative or rated.",
            unit="Unit of a quantitative indicator, e.g. %.",
            direction="higher or lower (is better); empty when rated.",
            data_source="Where the actual value comes from.", measurement="How it is measured.",
            description="Description in Chinese.", description_en="Description in English.",
            retired="Retired indicators stay in history but cannot join new KPI sets.",
        )  # fmt: skip


class KpiItemSerializer(StrictModelSerializer):
    """An indicator in a KPI set."""

    indicator = related_field(Indicator.objects.all(), "indicator", help_text="Indicator id.")
    dimension = fields.CharField(source="indicator.dimension", read_only=True, help_text="Its dimension.")
    order = fields.IntegerField(required=False, min_value=0, help_text="Place in the set.")

    class Meta:
        model = KpiItem
        fields = ["indicator", "dimension", "weight", "target", "order"]
        extra_kwargs = _help(weight="Weight within its dimension (the dimension's items add up to 100).",
                             target="Target of a quantitative indicator.")  # fmt: skip


class KpiSetSerializer(RowSerializer, StrictModelSerializer):
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


class RatingBandSerializer(RowSerializer, StrictModelSerializer):
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
    appraisal_count = fields.IntegerField(read_only=True, help_text="Appraisals in the cycle.")

    class Meta:
        model = AppraisalCycle
        fields = [
            "id", "name", "period_start", "period_end", "self_deadline", "review_deadline", "scope", "state",
            "opened", "closed", "left_out", "appraisal_count", "revision", "created", "updated",
        ]  # fmt: skip
        read_only_fields = ["state", "opened", "closed", "left_out"]
        extra_kwargs = _help(
            name="Unique name, e.g. 2026-Q3.", period_start="First day of the period.",
            period_end="Last day of the period.", self_deadline="Self-assessments due.",
            review_deadline="Manager reviews due.", state="draft, open, calibration or closed.",
            opened="When it opened.", closed="When it closed.",
            left_out="People in scope who got no appraisal when it opened, and why.",
        )  # fmt: skip


class ReasonSerializer(serializers.Serializer):
    reason = fields.CharField(help_text="Why; kept with the change.")


class CalibrateSerializer(serializers.Serializer):
    band = fields.CharField(help_text="The band code to give.")
    reason = fields.CharField(help_text="Why the band is moved; kept beside the computed band.")


class AcknowledgeSerializer(serializers.Serializer):
    objection = fields.CharField(
        required=False, allow_blank=True, help_text="A written objection for HR, if the employee disagrees."
    )


class AppraisalLineSerializer(StrictModelSerializer):
    """One indicator of an appraisal. Only `actual`, the scores and comments can be written."""

    id = fields.IntegerField(help_text="Line id (required when writing).")
    direction = fields.ChoiceField(
        choices=Direction.choices, allow_blank=True, read_only=True, help_text="higher or lower; empty when rated."
    )

    class Meta:
        model = AppraisalLine
        fields = [
            "id", "indicator", "name", "name_en", "dimension", "kind", "unit", "direction", "weight", "target",
            "levels", "order", "actual", "self_score", "manager_score", "self_comment", "comment", "score",
        ]  # fmt: skip
        read_only_fields = [
            "indicator", "name", "name_en", "dimension", "kind", "unit", "direction", "weight", "target", "levels",
            "order", "score",
        ]  # fmt: skip
        extra_kwargs = _help(
            indicator="Indicator id.", name="Indicator name in Chinese (frozen).", name_en="In English.",
            dimension="Dimension.", kind="quantitative or rated.", unit="Unit.",
            weight="Weight within its dimension.", target="Target of a quantitative line.",
            levels="The levels of a rated line: [{level, points, description}].", order="Place.",
            actual="Achieved value of a quantitative line.", self_score="The employee's level for a rated line.",
            manager_score="The manager's level for a rated line.", self_comment="The employee's comment.",
            comment="The manager's comment.", score="Points this line scores (computed).",
        )  # fmt: skip


class AppraisalSerializer(RowSerializer, StrictModelSerializer):
    """One person's appraisal with its lines, the feedback conversation and the score breakdown."""

    reviewer = related_field(
        Employee.objects.all(), "employee", allow_null=True, required=False, help_text="Employee id of the reviewer."
    )
    lines = AppraisalLineSerializer(many=True, required=False, help_text="One line per indicator.")
    employee_no = fields.CharField(read_only=True, help_text="Employee number.")
    employee_name = fields.CharField(read_only=True, help_text="Employee name.")
    reviewer_name = fields.CharField(read_only=True, allow_null=True, help_text="Reviewer's name.")
    cycle_name = fields.CharField(read_only=True, help_text="Cycle name.")

    class Meta:
        model = Appraisal
        fields = [
            "id", "cycle", "cycle_name", "employee", "employee_no", "employee_name", "position", "position_title",
            "department", "reviewer", "reviewer_name", "kpi_set", "results_weight", "ability_weight",
            "attitude_weight", "state", "self_comment", "manager_comment", "self_submitted", "reviewed",
            "results_score", "ability_score", "attitude_score", "final_score", "computed_band", "band",
            "band_reason", "bonus_coefficient", "merit_increase", "feedback_date", "feedback_notes", "acknowledged",
            "objection", "lines", "revision", "created", "updated",
        ]  # fmt: skip
        read_only_fields = [
            "cycle", "employee", "position", "position_title", "department", "kpi_set", "results_weight",
            "ability_weight", "attitude_weight", "state", "self_submitted", "reviewed", "results_score",
            "ability_score", "attitude_score", "final_score", "computed_band", "band", "band_reason",
            "bonus_coefficient", "merit_increase", "acknowledged", "objection",
        ]  # fmt: skip
        extra_kwargs = _help(
            cycle="Cycle id.", employee="Employee id.", position="Position id when the cycle opened.",
            position_title="Position title when the cycle opened.", department="Unit id when the cycle opened.",
            kpi_set="The KPI set copied in when the cycle opened.", results_weight="Frozen results weight.",
            ability_weight="Frozen ability weight.", attitude_weight="Frozen attitude weight.",
            state="self_assessment, manager_review, calibrated or acknowledged.",
            self_comment="The employee's overall comment.", manager_comment="The manager's overall comment.",
            self_submitted="When the self-assessment was submitted.", reviewed="When the manager submitted.",
            results_score="Results dimension score.", ability_score="Ability dimension score.",
            attitude_score="Attitude dimension score.", final_score="Final score, 0–100, one decimal.",
            computed_band="Band from the final score.", band="Final band (after calibration).",
            band_reason="Why HR moved the band.", bonus_coefficient="Bonus coefficient (frozen at close).",
            merit_increase="Merit increase suggestion, percent (frozen at close).",
            feedback_date="Date of the feedback conversation.", feedback_notes="Notes of the conversation.",
            acknowledged="When the employee acknowledged the result.", objection="The employee's written objection.",
        )  # fmt: skip
