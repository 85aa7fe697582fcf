import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from orgdesign.exceptions import ConcurrentUpdate, Conflict
from positions.models import DescriptionDraft, Duty, Position
from positions.selectors import description_diff
from positions.services import (
    description_draft_approve,
    description_draft_return,
    description_draft_save,
    description_draft_start,
    description_draft_submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    model = get_user_model()
    return model.objects.create_user("author", password="x" * 12), model.objects.create_user(
        "checker", password="x" * 12
    )


def _edit(draft, author, **changes):
    content = dict(draft.content)
    content.update(changes)
    return description_draft_save(draft=draft, content=content, expected_revision=draft.revision, user=author)


def test_a_draft_sits_beside_the_published_description_until_approved(seed_org, people):
    author, checker = people
    position = Position.objects.get(title="品牌经理")
    published = list(position.duties.values_list("text", flat=True))
    draft = description_draft_start(position=position, user=author)
    duties = [*draft.content["duties"], {"category": "temporary", "text": "负责新品发布会的品牌宣传。"}]
    duties[0] = {**duties[0], "text": "制定品牌策略。"}
    draft = _edit(draft, author, duties=duties)
    assert list(position.duties.values_list("text", flat=True)) == published, "the published one is untouched"

    draft = description_draft_submit(draft=draft)
    with pytest.raises(Conflict):
        _edit(draft, author, purpose="在审核中修改")
    draft = description_draft_return(draft=draft, reviewer=checker, comment="请补充工作标准")
    assert draft.state == "returned" and draft.review_comment == "请补充工作标准"
    draft = _edit(draft, author, standards=[{"measure": "品牌知名度", "target": "80", "unit": "%", "duty_index": 0}])
    draft = description_draft_submit(draft=draft)
    with pytest.raises(Conflict):
        description_draft_approve(draft=draft, reviewer=author)
    version = description_draft_approve(draft=draft, reviewer=checker)

    assert (version.number, version.author, version.reviewer) == (2, author, checker)
    position.refresh_from_db()
    texts = list(position.duties.values_list("text", flat=True))
    assert texts[0] == "制定品牌策略。" and texts[-1] == "负责新品发布会的品牌宣传。"
    assert position.standards.get().duty == position.duties.first()
    assert not DescriptionDraft.objects.filter(position=position).exists()
    assert Duty.objects.filter(position=position, text=published[1]).exists(), "unchanged parts keep their rows"

    diff = description_diff(position.versions.get(number=1).snapshot, version.snapshot)
    ops = [row["op"] for row in diff["duties"]]
    assert ops == ["changed", "equal", "equal", "equal", "added"]
    assert diff["standards"] == [{"op": "added", "old": None, "new": "品牌知名度: 80 %"}]


def test_a_second_editor_with_a_stale_copy_is_refused(seed_org, people):
    author, checker = people
    position = Position.objects.get(title="品牌经理")
    first = description_draft_start(position=position, user=author)
    stale = DescriptionDraft.objects.get(pk=first.pk)
    _edit(first, author, purpose="第一位编辑")
    with pytest.raises(ConcurrentUpdate):
        _edit(stale, checker, purpose="第二位编辑")
    assert DescriptionDraft.objects.get(pk=first.pk).content["purpose"] == "第一位编辑"


def test_bad_draft_content_names_each_field(seed_org, people):
    author, _checker = people
    draft = description_draft_start(position=Position.objects.get(title="品牌经理"), user=author)
    with pytest.raises(ValidationError) as error:
        _edit(draft, author, duties=[{"category": "nonsense", "text": ""}],
              standards=[{"measure": "", "target": "abc", "duty_index": 3}])  # fmt: skip
    assert set(error.value.message_dict) == {
        "duties[0].category", "duties[0].text", "standards[0].measure", "standards[0].target",
        "standards[0].duty_index",
    }  # fmt: skip


def test_returning_needs_a_comment(seed_org, people):
    author, checker = people
    draft = description_draft_start(position=Position.objects.first(), user=author)
    with pytest.raises(Conflict, match="nothing to review"):
        description_draft_submit(draft=draft)
    draft = description_draft_submit(draft=_edit(draft, author, purpose="统筹营销工作。"))
    with pytest.raises(ValidationError):
        description_draft_return(draft=draft, reviewer=checker, comment=" ")


def test_a_part_id_of_another_position_becomes_a_new_part(seed_org, people):
    author, checker = people
    position, other = Position.objects.get(title="品牌经理"), Position.objects.get(title="产品经理")
    foreign = other.duties.first()
    draft = description_draft_start(position=position, user=author)
    duties = [*draft.content["duties"], {"id": foreign.pk, "category": "core", "text": "不属于本岗位的编号。"}]
    draft = description_draft_submit(draft=_edit(draft, author, duties=duties))
    assert "id" not in draft.content["duties"][-1]
    description_draft_approve(draft=draft, reviewer=checker)
    foreign.refresh_from_db()
    assert foreign.position == other and foreign.text != "不属于本岗位的编号。"
    assert position.duties.filter(text="不属于本岗位的编号。").exists()
