import pytest
from django.contrib import admin
from django.urls import reverse

from positions.models import DescriptionVersion, Position

pytestmark = pytest.mark.django_db

MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"departments", "positions", "auth", "orgdesign", "appraisal"}
]


def _admin_urls(model):
    opts = model._meta
    urls = [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")]
    if admin.site._registry[model].has_add_permission(_FakeRequest()):
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    first = model.objects.order_by("pk").first()
    if first is not None:
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
    return urls


class _FakeRequest:
    class user:  # noqa: N801
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(perm, obj=None):
            return True


@pytest.fixture
def hr_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("hr", password="pw")
    client.force_login(user)
    return client


def test_every_admin_page_answers_for_a_superuser_and_sends_anonymous_visitors_to_log_in(hr_client, seed_org_demo):
    """Every registered model's list, add and change pages (one seed for all of them: it is the slow part)."""
    urls = [url for model in MODELS for url in _admin_urls(model)]
    assert len(urls) > 2 * len(MODELS)
    answers = {url: hr_client.get(url).status_code for url in urls}
    assert {url: status for url, status in answers.items() if status != 200} == {}
    from django.test import Client

    anonymous = Client()
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), url


def test_lists_can_be_searched_and_filtered(hr_client, seed_org_demo):
    url = reverse("admin:positions_position_changelist")
    response = hr_client.get(url, {"q": "品牌"})
    assert [p.title for p in response.context["cl"].result_list] == ["品牌经理", "品牌专员"]
    response = hr_client.get(url, {"is_key__exact": "1"})
    assert response.context["cl"].result_count == 4
    response = hr_client.get(url, {"staffing": "vacant"})
    assert all(p.filled_total < p.headcount for p in response.context["cl"].result_list)


def test_the_position_list_shows_unit_superior_and_headcount(hr_client, seed_org_demo):
    response = hr_client.get(reverse("admin:positions_position_changelist"), {"q": "SA-REP"})
    content = response.content.decode()
    assert "销售部" in content and "区域销售经理" in content and "/ 3" in content


def test_a_unit_page_lists_its_positions(hr_client, seed_org):
    unit = Position.objects.get(title="品牌经理").department
    response = hr_client.get(reverse("admin:departments_department_change", args=[unit.pk]))
    content = response.content.decode()
    for title in ["市场部经理", "产品专员", "策划专员"]:
        assert title in content


def _position_form_data(position, **overrides):
    data = {
        "code": position.code, "order": position.order, "title": position.title, "title_en": position.title_en,
        "department": position.department_id, "reports_to": position.reports_to_id or "",
        "grade": "", "headcount": position.headcount, "is_key": "on" if position.is_key else "",
        "purpose": position.purpose, "purpose_en": position.purpose_en, "revision_seen": position.revision,
        "authorities-TOTAL_FORMS": 0, "authorities-INITIAL_FORMS": 0,
        "standards-TOTAL_FORMS": 0, "standards-INITIAL_FORMS": 0,
    }  # fmt: skip
    duties = list(position.duties.all())
    data.update({"duties-TOTAL_FORMS": len(duties), "duties-INITIAL_FORMS": len(duties)})
    for index, duty in enumerate(duties):
        data.update({
            f"duties-{index}-id": duty.pk, f"duties-{index}-position": position.pk, f"duties-{index}-order": duty.order,
            f"duties-{index}-category": duty.category, f"duties-{index}-title": duty.title,
            f"duties-{index}-text": duty.text, f"duties-{index}-title_en": duty.title_en,
            f"duties-{index}-text_en": duty.text_en,
        })  # fmt: skip
    data.update(overrides)
    return {key: "" if value is None else value for key, value in data.items()}


def test_editing_a_duty_inline_publishes_the_next_version(hr_client, seed_org):
    position = Position.objects.get(title="品牌经理")
    url = reverse("admin:positions_position_change", args=[position.pk])
    response = hr_client.post(url, _position_form_data(position, **{"duties-0-text": "制定品牌策略。"}))
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = position.versions.first()
    assert (latest.number, latest.source, latest.author.username) == (2, "admin", "hr")
    assert latest.snapshot["duties"][0]["text"] == "制定品牌策略。"


def test_a_reporting_cycle_is_refused_in_the_admin_form_with_the_chain(hr_client, seed_org):
    director = Position.objects.get(title="营销总监")
    specialist = Position.objects.get(title="品牌专员")
    url = reverse("admin:positions_position_change", args=[director.pk])
    response = hr_client.post(url, _position_form_data(director, reports_to=specialist.pk))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["reports_to"]
    chain = "营销总监 → 品牌专员 → 品牌经理 → 市场部经理 → 营销总监"
    assert errors == [f"A position cannot report to itself or to anyone below it: {chain}."]
    assert Position.objects.get(pk=director.pk).reports_to_id is None


def test_a_stale_admin_save_is_refused_and_keeps_the_other_change(hr_client, seed_org):
    position = Position.objects.get(title="品牌经理")
    url = reverse("admin:positions_position_change", args=[position.pk])
    stale = _position_form_data(position, title="第二个编辑者")
    first = hr_client.post(url, _position_form_data(position, title="第一个编辑者"))
    assert first.status_code == 302
    second = hr_client.post(url, stale)
    assert second.status_code == 200
    assert "Someone else saved this record" in second.content.decode()
    assert Position.objects.get(pk=position.pk).title == "第一个编辑者"


def test_versions_are_read_only_in_the_admin(hr_client, seed_org):
    version = DescriptionVersion.objects.first()
    url = reverse("admin:positions_descriptionversion_change", args=[version.pk])
    assert hr_client.post(url, {"note": "改"}).status_code == 403
    delete = reverse("admin:positions_descriptionversion_delete", args=[version.pk])
    assert hr_client.post(delete, {"post": "yes"}).status_code == 403


def test_deleting_a_unit_with_positions_is_refused_with_a_message(hr_client, seed_org):
    unit = Position.objects.get(title="品牌经理").department
    url = reverse("admin:departments_department_delete", args=[unit.pk])
    response = hr_client.post(url, {"post": "yes"}, follow=True)
    assert "Cannot delete unit" in response.content.decode()
    assert type(unit).objects.filter(pk=unit.pk).exists()


def test_the_admin_speaks_chinese_to_a_chinese_browser(hr_client, seed_org):
    response = hr_client.get(reverse("admin:positions_position_changelist"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    content = response.content.decode()
    assert "组织设计" in content
    assert "在岗 / 编制" in content


def test_the_language_can_be_switched_and_is_remembered(hr_client, seed_org):
    hr_client.post(reverse("set_language"), {"language": "zh-hans", "next": "/admin/"})
    response = hr_client.get(reverse("admin:index"))
    assert "组织设计" in response.content.decode()
    hr_client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    assert "Org design" in hr_client.get(reverse("admin:index")).content.decode()
