"""How an appraisal is scored (see docs/scoring.md). Pure functions of plain values, no database.

- A quantitative line scores its achievement of the target in points: 100 × actual / target,
  or 100 × target / actual when lower is better, never below 0 and never above the cap
  (120 by default). A target of zero is met (100) or not (0); a lower-is-better actual of
  zero against a positive target earns the cap.
- A rated line scores the points of the level given.
- A dimension scores the weighted mean of its lines.
- The final score is the sum of dimension score × dimension weight / 100, at most 100,
  rounded half-up to one decimal. It is None until every line has a score.
- The band is the highest band whose lowest score the final score reaches.
"""

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")
ONE_PLACE = Decimal("0.1")


def quantitative_score(*, actual, target, lower_is_better, cap):
    """Points for achieving `actual` against `target` (Decimals), capped at `cap` points."""
    if actual is None or target is None:
        return None
    if target == 0:
        met = actual <= 0 if lower_is_better else actual >= 0
        return HUNDRED if met else Decimal(0)
    if lower_is_better:
        points = cap if actual <= 0 else HUNDRED * target / actual
    else:
        points = HUNDRED * actual / target
    return min(max(points, Decimal(0)), cap).quantize(TWO_PLACES, ROUND_HALF_UP)


def rated_score(*, level, levels):
    """Points of `level` in `levels` ([{"level": 1, "points": "20"}, ...]); None when no level is given."""
    if level is None:
        return None
    for entry in levels:
        if int(entry["level"]) == level:
            return Decimal(str(entry["points"])).quantize(TWO_PLACES, ROUND_HALF_UP)
    raise ValueError(f"level {level} is not on the scale")


def dimension_scores(lines):
    """{dimension: weighted mean score} from (dimension, weight, score) triples; None where a score is missing."""
    totals, weights, missing = {}, {}, set()
    for dimension, weight, score in lines:
        if score is None:
            missing.add(dimension)
            continue
        totals[dimension] = totals.get(dimension, Decimal(0)) + weight * score
        weights[dimension] = weights.get(dimension, Decimal(0)) + weight
    return {
        dimension: None if dimension in missing else weighted_mean(totals.get(dimension), weights.get(dimension))
        for dimension in set(totals) | missing
    }


def weighted_mean(total, weight):
    """Σ weight × score ÷ Σ weight, half-up to two decimals; None without weight."""
    if not weight:
        return None
    return (total / weight).quantize(TWO_PLACES, ROUND_HALF_UP)


def final_score(dimension_weights, scores):
    """Σ score × weight / 100 over the weighted dimensions, at most 100, half-up to one decimal."""
    total = Decimal(0)
    for dimension, weight in dimension_weights.items():
        if not weight:
            continue
        score = scores.get(dimension)
        if score is None:
            return None
        total += score * weight / HUNDRED
    return min(total, HUNDRED).quantize(ONE_PLACE, ROUND_HALF_UP)


def band_for(score, bands):
    """The code of the highest band (pairs of code, lowest score) that `score` reaches; "" for no score."""
    if score is None:
        return ""
    for code, lowest in sorted(bands, key=lambda band: band[1], reverse=True):
        if score >= lowest:
            return code
    return ""
