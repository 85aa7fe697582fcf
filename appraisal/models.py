"""Quarterly KPI appraisal: indicator library, KPI sets, rating bands, cycles and appraisals."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from appraisal.choices import (
    AppealOutcome,
    AppealState,
    AppraisalAction,
    AppraisalState,
    CycleAction,
    CycleState,
    Dimension,
    Direction,
    IndicatorKind,
    KpiSetStatus,
)
from orgdesign.audit import audited
from orgdesign.models import RevisedModel, TimeStampedModel

WEIGHT = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0), MaxValueValidator(100)]}
QUANTITY = {"max_digits": 16, "decimal_places": 4}
SCORE = {"max_digits": 6, "decimal_places": 2}


class Indicator(RevisedModel):
    """A KPI in the library: one dimension; quantitative (measured against a target) or rated against levels.

    Retiring keeps it (and every appraisal line that used it) but takes it out of new KPI sets.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=IndicatorKind.choices)
    unit = models.CharField(_("unit of measure"), max_length=32, blank=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, blank=True)
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    minimum = models.DecimalField(
        _("lowest actual"), null=True, blank=True, default=Decimal(0), **QUANTITY,
        help_text=_("The lowest actual value a quantitative indicator accepts (0 by default); empty for no limit."),
    )  # fmt: skip
    measurement = models.TextField(_("how it is measured"), blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    retired = models.BooleanField(_("retired"), default=False)

    history = audited()

    class Meta:
        ordering = ["dimension", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == IndicatorKind.QUANTITATIVE and not self.direction:
            raise ValidationError({"direction": _("A quantitative indicator says whether higher or lower is better.")})
        if self.kind == IndicatorKind.RATED and self.direction:
            raise ValidationError({"direction": _("A rated indicator is scored by level and has no direction.")})


class IndicatorLevel(models.Model):
    """One described level of a rated indicator and the points it is worth (0–100)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="levels"
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=[MinValueValidator(1)])
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    description = models.TextField(_("description"))
    description_en = models.TextField(_("description (English)"), blank=True)

    history = audited(excluded_fields=[])

    class Meta:
        ordering = ["indicator", "level"]
        verbose_name = _("indicator level")
        verbose_name_plural = _("indicator levels")
        constraints = [models.UniqueConstraint(fields=["indicator", "level"], name="indicator_level_unique")]

    def __str__(self):
        return f"{self.indicator} L{self.level}"


class KpiSet(RevisedModel):
    """The indicators one or more positions are appraised on, with weights.

    Dimension weights add up to 100, and so do the item weights within each weighted
    dimension. A set that does not can be saved as a draft but not activated.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=KpiSetStatus.choices, default=KpiSetStatus.DRAFT)
    positions = models.ManyToManyField(
        "positions.Position", verbose_name=_("positions"), blank=True, related_name="kpi_sets",
        help_text=_("The positions appraised on this set; a position has at most one active set."),
    )  # fmt: skip
    results_weight = models.DecimalField(_("results weight"), default=Decimal("60"), **WEIGHT)
    ability_weight = models.DecimalField(_("ability weight"), default=Decimal("25"), **WEIGHT)
    attitude_weight = models.DecimalField(_("attitude weight"), default=Decimal("15"), **WEIGHT)
    description = models.TextField(_("description"), blank=True)

    history = audited(m2m_fields=["positions"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("KPI set")
        verbose_name_plural = _("KPI sets")

    def __str__(self):
        return self.name

    def dimension_weight(self, dimension):
        return getattr(self, f"{dimension}_weight")


class KpiItem(models.Model):
    """An indicator in a KPI set, with its weight within its dimension and, if quantitative, its target."""

    kpi_set = models.ForeignKey(KpiSet, verbose_name=_("KPI set"), on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(_("weight"), **WEIGHT)
    target = models.DecimalField(
        _("target"), null=True, blank=True, validators=[MinValueValidator(0)], **QUANTITY,
        help_text=_("Zero or more; a quantitative KPI measures a non-negative quantity against it."),
    )  # fmt: skip
    order = models.PositiveIntegerField(_("order"), default=0)

    history = audited(excluded_fields=[])

    class Meta:
        ordering = ["kpi_set", "order", "id"]
        verbose_name = _("KPI set item")
        verbose_name_plural = _("KPI set items")
        constraints = [models.UniqueConstraint(fields=["kpi_set", "indicator"], name="kpi_item_unique_indicator")]

    def __str__(self):
        return f"{self.indicator} ({self.weight})"


class RatingBand(RevisedModel):
    """A rating band (S/A/B/C/D by default): the lowest final score that reaches it and what it is worth."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    min_score = models.DecimalField(
        _("lowest score"), max_digits=4, decimal_places=1, unique=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    bonus_coefficient = models.DecimalField(_("bonus coefficient"), max_digits=4, decimal_places=2, default=1)
    merit_increase = models.DecimalField(
        _("merit increase (%)"), max_digits=5, decimal_places=2, default=0, help_text=_("Suggested pay rise, percent.")
    )

    history = audited()

    class Meta:
        ordering = ["-min_score"]
        verbose_name = _("rating band")
        verbose_name_plural = _("rating bands")

    def __str__(self):
        return self.code


class AppraisalPolicy(TimeStampedModel):
    """The organisation's appraisal rules: the achievement cap, the calibration guideline, promotion."""

    achievement_cap = models.DecimalField(
        _("achievement cap (%)"), max_digits=5, decimal_places=1, default=Decimal("120"),
        validators=[MinValueValidator(100)], help_text=_("A quantitative line scores at most this share of target."),
    )  # fmt: skip
    guideline_s_max = models.DecimalField(
        _("at most S (%)"), max_digits=5, decimal_places=1, default=Decimal("10"), validators=[MaxValueValidator(100)]
    )
    guideline_sa_max = models.DecimalField(
        _("at most S and A (%)"), max_digits=5, decimal_places=1, default=Decimal("30"),
        validators=[MaxValueValidator(100)],
    )  # fmt: skip
    promotion_band = models.CharField(
        _("promotion band"), max_length=8, default="A", help_text=_("This band or better in each recent cycle.")
    )
    promotion_cycles = models.PositiveSmallIntegerField(
        _("promotion cycles"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("How many recent closed cycles."),
    )

    history = audited()

    class Meta:
        verbose_name = _("appraisal policy")
        verbose_name_plural = _("appraisal policy")

    def __str__(self):
        return str(_("appraisal policy"))

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first() or cls.objects.create()


class AppraisalCycle(RevisedModel):
    """An appraisal period, usually a quarter, over the whole organisation or one unit's subtree.

    States move draft → open → calibration → closed, only by the cycle services; a closed
    cycle can be reopened (back to calibration) by HR with a recorded reason.
    """

    name = models.CharField(_("name"), max_length=32, unique=True, help_text=_("For example 2026-Q3."))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    self_deadline = models.DateField(_("self-assessment deadline"))
    review_deadline = models.DateField(_("manager review deadline"))
    scope = models.ForeignKey(
        "departments.Department", verbose_name=_("scope"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("The unit whose subtree is appraised; empty for the whole organisation."),
    )  # fmt: skip
    state = FSMField(_("state"), max_length=16, choices=CycleState.choices, default=CycleState.DRAFT)
    opened = models.DateTimeField(_("opened"), null=True, blank=True)
    closed = models.DateTimeField(_("closed"), null=True, blank=True)
    left_out = models.JSONField(
        _("left out when opened"),
        default=list,
        blank=True,
        help_text=_("People in scope who got no appraisal, and why."),
    )
    top_reviewer = models.ForeignKey(
        "positions.Employee", verbose_name=_("reviewer at the top"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("Reviews the people whose position reports to nobody; HR does when empty."),
    )  # fmt: skip
    appeal_deadline = models.DateField(
        _("appeal deadline"), null=True, blank=True,
        help_text=_("The last day an employee can appeal a result; 14 days after closing unless set."),
    )  # fmt: skip
    results_released = models.DateTimeField(
        _("results released"), null=True, blank=True,
        help_text=_("When HR showed employees their results before the cycle closed."),
    )  # fmt: skip

    history = audited()

    class Meta:
        ordering = ["-period_start", "name"]
        verbose_name = _("appraisal cycle")
        verbose_name_plural = _("appraisal cycles")
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="cycle_period_in_order"),
            models.CheckConstraint(
                condition=Q(review_deadline__gte=F("self_deadline")), name="cycle_deadlines_in_order"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period cannot end before it starts.")
        if self.self_deadline and self.review_deadline and self.review_deadline < self.self_deadline:
            errors["review_deadline"] = _(
                "The manager review deadline cannot come before the self-assessment deadline."
            )
        if self.period_start and self.self_deadline and self.self_deadline < self.period_start:
            errors["self_deadline"] = _("The self-assessment deadline cannot come before the period starts.")
        if errors:
            raise ValidationError(errors)

    @transition(field=state, source=CycleState.DRAFT, target=CycleState.OPEN)
    def mark_open(self):
        """State change only; `cycle_open` does the work."""

    @transition(field=state, source=CycleState.OPEN, target=CycleState.CALIBRATION)
    def mark_calibration(self):
        """State change only; `cycle_start_calibration` does the work."""

    @transition(field=state, source=CycleState.CALIBRATION, target=CycleState.CLOSED)
    def mark_closed(self):
        """State change only; `cycle_close` does the work."""

    @transition(field=state, source=CycleState.CLOSED, target=CycleState.CALIBRATION)
    def mark_reopened(self):
        """State change only; `cycle_reopen` does the work."""


class CycleEvent(models.Model):
    """A recorded step in a cycle's life (opened, calibration, closed, reopened), with who and why.

    A step HR forced past the gate keeps the reason as written and, apart, how many appraisals were
    unfinished: the pages say "(n unfinished)" in the reader's language.
    """

    cycle = models.ForeignKey(AppraisalCycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=CycleAction.choices)
    reason = models.TextField(_("reason"), blank=True)
    unfinished = models.PositiveIntegerField(
        _("unfinished appraisals"), null=True, blank=True,
        help_text=_("How many appraisals were unfinished when HR went ahead anyway; empty for an ordinary step."),
    )  # fmt: skip
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["cycle", "at", "id"]
        verbose_name = _("cycle event")
        verbose_name_plural = _("cycle events")

    def __str__(self):
        return f"{self.cycle} {self.action}"


class Appraisal(RevisedModel):
    """One person's appraisal in one cycle, against the KPI set frozen into it when the cycle opened."""

    cycle = models.ForeignKey(
        AppraisalCycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="appraisals"
    )
    employee = models.ForeignKey(
        "positions.Employee", verbose_name=_("employee"), on_delete=models.PROTECT, related_name="appraisals"
    )
    position = models.ForeignKey(
        "positions.Position", verbose_name=_("position"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "departments.Department", verbose_name=_("unit"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    position_title = models.CharField(_("position title"), max_length=100, blank=True)
    reviewer = models.ForeignKey(
        "positions.Employee", verbose_name=_("reviewer"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="appraisals_to_review", help_text=_("The manager who scores this appraisal."),
    )  # fmt: skip
    kpi_set = models.ForeignKey(
        KpiSet, verbose_name=_("KPI set"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    results_weight = models.DecimalField(_("results weight"), **WEIGHT)
    ability_weight = models.DecimalField(_("ability weight"), **WEIGHT)
    attitude_weight = models.DecimalField(_("attitude weight"), **WEIGHT)
    state = FSMField(_("state"), max_length=16, choices=AppraisalState.choices, default=AppraisalState.SELF_ASSESSMENT)
    self_comment = models.TextField(_("self-assessment comment"), blank=True)
    manager_comment = models.TextField(_("manager's comment"), blank=True)
    self_submitted = models.DateTimeField(_("self-assessment submitted"), null=True, blank=True)
    reviewed = models.DateTimeField(_("review submitted"), null=True, blank=True)
    results_score = models.DecimalField(_("results score"), null=True, blank=True, **SCORE)
    ability_score = models.DecimalField(_("ability score"), null=True, blank=True, **SCORE)
    attitude_score = models.DecimalField(_("attitude score"), null=True, blank=True, **SCORE)
    final_score = models.DecimalField(_("final score"), max_digits=4, decimal_places=1, null=True, blank=True)
    computed_band = models.CharField(_("computed band"), max_length=8, blank=True)
    band = models.CharField(_("band"), max_length=8, blank=True, help_text=_("After calibration."))
    band_reason = models.TextField(
        _("calibration reason"), blank=True, help_text=_("Why HR moved the band; for HR only.")
    )
    band_note = models.TextField(
        _("calibration note for the employee"), blank=True, help_text=_("What the employee reads about a moved band.")
    )
    band_adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("calibrated by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    bonus_coefficient = models.DecimalField(
        _("bonus coefficient"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    merit_increase = models.DecimalField(_("merit increase (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    feedback_date = models.DateField(_("feedback conversation"), null=True, blank=True)
    feedback_notes = models.TextField(_("feedback notes"), blank=True)
    acknowledged = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    objection = models.TextField(_("objection"), blank=True, help_text=_("The employee's written objection, for HR."))
    objection_resolved = models.DateTimeField(_("objection dealt with"), null=True, blank=True)
    objection_resolution = models.TextField(
        _("answer to the objection"), blank=True, help_text=_("What HR did about the objection; the employee reads it.")
    )
    closed_band = models.CharField(
        _("band at the last close"), max_length=8, blank=True,
        help_text=_("The band as the cycle last closed, to tell whose result a reopening or appeal changed."),
    )  # fmt: skip
    closed_final_score = models.DecimalField(
        _("final score at the last close"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    returned_reason = models.TextField(
        _("why it was sent back"), blank=True, help_text=_("HR's reason for sending the review back to the manager.")
    )
    result_change_reason = models.TextField(
        _("why the result changed"), blank=True,
        help_text=_("Shown to the employee, who acknowledges the changed result again."),
    )  # fmt: skip

    history = audited()

    class Meta:
        ordering = ["cycle", "employee__employee_no"]
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        constraints = [models.UniqueConstraint(fields=["cycle", "employee"], name="appraisal_one_per_cycle")]

    def __str__(self):
        return f"{self.cycle} · {self.employee}"

    def dimension_weight(self, dimension):
        return getattr(self, f"{dimension}_weight")

    @transition(field=state, source=AppraisalState.SELF_ASSESSMENT, target=AppraisalState.MANAGER_REVIEW)
    def mark_self_submitted(self):
        """State change only; `appraisal_submit_self` does the work."""

    @transition(field=state, source=AppraisalState.CALIBRATED, target=AppraisalState.ACKNOWLEDGED)
    def mark_acknowledged(self):
        """State change only; `appraisal_acknowledge` does the work."""

    @property
    def submitted_review(self):
        """Whether the manager's review was submitted: only then does the appraisal have a result."""
        return self.reviewed is not None and self.state != AppraisalState.NOT_COMPLETED


class AppraisalLine(models.Model):
    """One indicator of an appraisal, frozen from the KPI set, with what was achieved and the scores."""

    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="lines"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=IndicatorKind.choices)
    unit = models.CharField(_("unit of measure"), max_length=32, blank=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, blank=True)
    weight = models.DecimalField(_("weight"), **WEIGHT)
    target = models.DecimalField(_("target"), null=True, blank=True, **QUANTITY)
    levels = models.JSONField(_("levels"), default=list, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    minimum = models.DecimalField(_("lowest actual"), null=True, blank=True, **QUANTITY)
    actual = models.DecimalField(
        _("actual"), null=True, blank=True, **QUANTITY,
        help_text=_("The value scored: the manager's if entered, else the employee's."),
    )  # fmt: skip
    self_actual = models.DecimalField(_("actual entered by the employee"), null=True, blank=True, **QUANTITY)
    manager_actual = models.DecimalField(_("actual entered by the manager"), null=True, blank=True, **QUANTITY)
    self_score = models.PositiveSmallIntegerField(_("self score (level)"), null=True, blank=True)
    manager_score = models.PositiveSmallIntegerField(_("manager score (level)"), null=True, blank=True)
    self_comment = models.TextField(_("self comment"), blank=True)
    comment = models.TextField(_("manager's comment"), blank=True)
    score = models.DecimalField(_("line score"), null=True, blank=True, **SCORE)

    # The score follows from the values above and the policy's cap: history keeps what people entered.
    history = audited(excluded_fields=["score"])

    class Meta:
        ordering = ["appraisal", "order", "id"]
        verbose_name = _("appraisal line")
        verbose_name_plural = _("appraisal lines")

    def __str__(self):
        return self.name


class AppraisalEvent(models.Model):
    """A step in one appraisal's life outside the ordinary ones: sent back, recalled, result changed, appeal."""

    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=24, choices=AppraisalAction.choices)
    reason = models.TextField(_("reason"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, help_text=_("{field: [before, after]}."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["appraisal", "at", "id"]
        verbose_name = _("appraisal event")
        verbose_name_plural = _("appraisal events")

    def __str__(self):
        return f"{self.appraisal} {self.action}"


class Appeal(RevisedModel):
    """An employee's appeal against a closed result, decided by HR or a person HR names (never the manager).

    One appeal per appraisal. It is filed before the cycle's appeal deadline and decided by its own
    deadline (`due`); a decision is always written, and "changed" rescoring or rebanding recomputes
    only this appraisal's outcomes.
    """

    appraisal = models.OneToOneField(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="appeal"
    )
    state = models.CharField(_("state"), max_length=8, choices=AppealState.choices, default=AppealState.OPEN)
    grounds = models.TextField(_("grounds"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decider = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by (named)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="appeals_to_decide",
        help_text=_("The person HR named to decide; any HR admin when empty. Never the original manager."),
    )  # fmt: skip
    due = models.DateField(_("decision due"))
    outcome = models.CharField(_("outcome"), max_length=8, choices=AppealOutcome.choices, blank=True)
    decision = models.TextField(_("written decision"), blank=True)
    decided = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    band_before = models.CharField(_("band before"), max_length=8, blank=True)
    band_after = models.CharField(_("band after"), max_length=8, blank=True)
    score_before = models.DecimalField(_("score before"), max_digits=4, decimal_places=1, null=True, blank=True)
    score_after = models.DecimalField(_("score after"), max_digits=4, decimal_places=1, null=True, blank=True)

    history = audited()

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self):
        return f"{_('Appeal')} · {self.appraisal}"


class AppraisalUserPermission(UserObjectPermissionBase):
    """Object permissions on appraisals with a real foreign key, so permission-filtered lists stay one query."""

    content_object = models.ForeignKey(Appraisal, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("appraisal permission")
        verbose_name_plural = _("appraisal permissions")


class AppraisalGroupPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Appraisal, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("appraisal group permission")
        verbose_name_plural = _("appraisal group permissions")
