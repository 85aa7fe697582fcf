from decimal import Decimal as D

import pytest

from appraisal import scoring

LEVELS = [{"level": n, "points": p} for n, p in [(1, "40"), (2, "60"), (3, "75"), (4, "90"), (5, "100")]]
BANDS = [("S", D(95)), ("A", D(85)), ("B", D(70)), ("C", D(60)), ("D", D(0))]
CAP = D(120)


def q(actual, target, lower=False):
    return scoring.quantitative_score(actual=D(actual), target=D(target), lower_is_better=lower, cap=CAP)


def test_the_documented_worked_example():
    sales, collection = q("108", "100"), q("90", "95")
    assert (sales, collection) == (D("108.00"), D("94.74"))
    ability = [scoring.rated_score(level=4, levels=LEVELS), scoring.rated_score(level=3, levels=LEVELS)]
    attitude = [scoring.rated_score(level=5, levels=LEVELS), scoring.rated_score(level=4, levels=LEVELS)]
    lines = [("results", D(70), sales), ("results", D(30), collection),
             ("ability", D(50), ability[0]), ("ability", D(50), ability[1]),
             ("attitude", D(50), attitude[0]), ("attitude", D(50), attitude[1])]  # fmt: skip
    dimensions = scoring.dimension_scores(lines)
    assert dimensions == {"results": D("104.02"), "ability": D("82.50"), "attitude": D("95.00")}
    final = scoring.final_score({"results": D(60), "ability": D(25), "attitude": D(15)}, dimensions)
    assert final == D("97.3")
    assert scoring.band_for(final, BANDS) == "S"


def test_lower_is_better_inverts_and_the_cap_holds():
    assert q("92", "100", lower=True) == D("108.70")
    assert q("130", "100") == D("120.00")
    assert q("50", "100", lower=True) == D("120.00")
    assert q("0", "100", lower=True) == D("120.00")


def test_a_zero_target_is_met_or_not():
    assert q("0", "0") == D(100)
    assert q("3", "0") == D(100)
    assert q("-1", "0") == D(0)
    assert q("0", "0", lower=True) == D(100)
    assert q("2", "0", lower=True) == D(0)


def test_scores_never_go_below_zero():
    assert q("-20", "100") == D(0)


def test_a_missing_line_leaves_the_dimension_and_final_score_empty():
    dimensions = scoring.dimension_scores([("results", D(50), D(90)), ("results", D(50), None)])
    assert dimensions == {"results": None}
    assert scoring.final_score({"results": D(100)}, dimensions) is None
    assert scoring.quantitative_score(actual=None, target=D(1), lower_is_better=False, cap=CAP) is None
    assert scoring.rated_score(level=None, levels=LEVELS) is None


def test_a_level_off_the_scale_is_an_error():
    with pytest.raises(ValueError):
        scoring.rated_score(level=7, levels=LEVELS)


def test_the_final_score_rounds_half_up_and_stops_at_100():
    assert scoring.final_score({"results": D(100)}, {"results": D("84.95")}) == D("85.0")
    assert scoring.final_score({"results": D(100)}, {"results": D("84.94")}) == D("84.9")
    assert scoring.final_score({"results": D(60), "ability": D(40)}, {"results": D(120), "ability": D(100)}) == D(100)


def test_an_unweighted_dimension_does_not_count():
    assert scoring.final_score({"results": D(100), "attitude": D(0)}, {"results": D(80)}) == D("80.0")


@pytest.mark.parametrize(("score", "band"), [("95", "S"), ("94.9", "A"), ("85", "A"), ("70", "B"), ("69.9", "C"),
                                             ("60", "C"), ("59.9", "D"), ("0", "D")])  # fmt: skip
def test_band_boundaries(score, band):
    assert scoring.band_for(D(score), BANDS) == band


def test_no_score_no_band():
    assert scoring.band_for(None, BANDS) == ""
