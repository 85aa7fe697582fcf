from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from appraisal.choices import KpiSetStatus
from appraisal.models import KpiSet
from appraisal.services import indicator_write, kpi_set_activate, kpi_set_problems, kpi_set_write
from tests.appraisal.conftest import make_set
from tests.factories import make_position

pytestmark = pytest.mark.django_db


def test_a_set_that_adds_up_can_be_activated(library):
    kpi_set = make_set(library)
    assert kpi_set.status == KpiSetStatus.ACTIVE
    assert kpi_set_problems(kpi_set) == []


def test_decimal_weights_are_stored_exactly(library):
    kpi_set = make_set(library, results=(("sales", "33.33"), ("budget", "66.67")), weights=("33.33", "33.33", "33.34"))
    kpi_set.refresh_from_db()
    assert kpi_set.results_weight == D("33.33") and kpi_set.attitude_weight == D("33.34")
    assert sorted(kpi_set.items.values_list("weight", flat=True)) == [D("33.33"), D("66.67"), D(100), D(100)]
    assert kpi_set.status == KpiSetStatus.ACTIVE


def test_a_set_that_does_not_add_up_is_saved_as_draft_but_cannot_be_activated(library):
    kpi_set = make_set(library, code="BAD", weights=("60", "25", "5"), results=(("sales", "70"), ("budget", "25")),
                       activate=False)  # fmt: skip
    assert KpiSet.objects.get(pk=kpi_set.pk).status == KpiSetStatus.DRAFT
    with pytest.raises(ValidationError) as error:
        kpi_set_activate(kpi_set=kpi_set)
    messages = error.value.message_dict["status"]
    assert "KPI set BAD考核指标: the dimension weights add up to 90, not 100." in messages
    assert "KPI set BAD考核指标: the results (业绩) indicators add up to 95, not 100." in messages
    assert KpiSet.objects.get(pk=kpi_set.pk).status == KpiSetStatus.DRAFT


def test_an_active_set_cannot_be_broken(library):
    kpi_set = make_set(library)
    with pytest.raises(ValidationError):
        kpi_set_write(kpi_set=kpi_set, fields={"results_weight": D(50)})
    assert KpiSet.objects.get(pk=kpi_set.pk).results_weight == D(60)


def test_a_quantitative_item_needs_a_target(library):
    kpi_set = make_set(library, activate=False)
    kpi_set.items.filter(indicator=library["sales"]).update(target=None)
    assert any("needs a target" in p for p in kpi_set_problems(kpi_set))


def test_a_position_is_on_at_most_one_active_set(library):
    position = make_position(title="销售代表")
    make_set(library, code="ONE", positions=[position])
    second = make_set(library, code="TWO", positions=[position], activate=False)
    with pytest.raises(ValidationError) as error:
        kpi_set_activate(kpi_set=second)
    assert error.value.message_dict["positions"] == ["销售代表 is already appraised on the active set ONE考核指标."]


def test_a_set_serves_several_positions(library):
    one, two = make_position(), make_position()
    kpi_set = make_set(library, positions=[one, two])
    assert set(kpi_set.positions.all()) == {one, two}


def test_a_retired_indicator_cannot_join_a_set(library):
    indicator_write(indicator=library["budget"], fields={"retired": True})
    with pytest.raises(ValidationError) as error:
        make_set(library, code="NEW")
    assert "items[1].indicator" in error.value.message_dict


def test_a_rated_indicator_needs_levels(db):
    with pytest.raises(ValidationError) as error:
        indicator_write(fields={"code": "X", "name": "某能力", "dimension": "ability", "kind": "rated"}, levels=[])
    assert "levels" in error.value.message_dict


def test_a_quantitative_indicator_needs_a_direction(db):
    with pytest.raises(ValidationError) as error:
        indicator_write(fields={"code": "Y", "name": "某指标", "dimension": "results", "kind": "quantitative"})
    assert "direction" in error.value.message_dict
