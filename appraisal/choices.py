from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    """The three dimensions every appraisal weighs (chapter 06 of the seed)."""

    RESULTS = "results", _("results (业绩)")
    ABILITY = "ability", _("ability (能力)")
    ATTITUDE = "attitude", _("attitude (态度)")


class IndicatorKind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("quantitative")
    RATED = "rated", _("rated against levels")


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class KpiSetStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("active")
    RETIRED = "retired", _("retired")


class CycleState(models.TextChoices):
    DRAFT = "draft", _("draft")
    OPEN = "open", _("open")
    CALIBRATION = "calibration", _("calibration")
    CLOSED = "closed", _("closed")


class AppraisalState(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("self-assessment")
    MANAGER_REVIEW = "manager_review", _("manager review")
    CALIBRATED = "calibrated", _("calibrated")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    NOT_COMPLETED = "not_completed", _("not completed")


class CycleAction(models.TextChoices):
    OPEN = "open", _("opened")
    START_CALIBRATION = "start_calibration", _("calibration started")
    CLOSE = "close", _("closed")
    REOPEN = "reopen", _("reopened")
    RELEASE = "release", _("results released")
    FORCE_CLOSE = "force_close", _("closed with appraisals unfinished")
    FORCE_CALIBRATION = "force_calibration", _("calibration started with appraisals unfinished")


class AppraisalAction(models.TextChoices):
    """What happened to one appraisal outside its ordinary steps, kept with who, when and why."""

    RETURNED = "returned", _("sent back to the manager for rescoring")
    RECALLED = "recalled", _("review recalled by the manager")
    CALIBRATED = "calibrated", _("band moved in calibration")
    RESULT_CHANGED = "result_changed", _("result changed")
    NOT_COMPLETED = "not_completed", _("not completed at close")
    OBJECTION_RESOLVED = "objection_resolved", _("objection dealt with")
    APPEAL_FILED = "appeal_filed", _("appeal filed")
    APPEAL_DECIDED = "appeal_decided", _("appeal decided")


class AppealState(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("Result upheld")
    CHANGED = "changed", _("Result changed")
    REJECTED = "rejected", _("Appeal rejected")
