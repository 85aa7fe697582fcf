"""Every resource answers the same way: CRUD, ETag/If-None-Match/If-Match, errors. One mixin, three resources."""

import pytest

from departments.models import Department
from positions.models import Employee, Position
from tests.factories import make_employee, make_position, make_unit

pytestmark = pytest.mark.django_db


class ResourceContract:
    path = ""
    model = None

    def make(self):
        raise NotImplementedError

    def create_body(self):
        raise NotImplementedError

    change = {}
    invalid = ({}, "")

    def url(self, obj):
        return f"{self.path}{obj.pk}/"

    def test_list(self, hr_api):
        self.make()
        body = hr_api.get(self.path).json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert body["count"] == self.model.objects.count()

    def test_detail_has_etag_and_last_modified(self, hr_api):
        obj = self.make()
        response = hr_api.get(self.url(obj))
        assert response.status_code == 200
        assert response.json()["id"] == obj.pk
        assert response["ETag"] == f'"{obj.pk}.{obj.revision}"'
        assert "GMT" in response["Last-Modified"]

    def test_if_none_match_gives_304(self, hr_api):
        obj = self.make()
        etag = hr_api.get(self.url(obj))["ETag"]
        response = hr_api.get(self.url(obj), HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304
        assert response.content == b""
        assert hr_api.get(self.url(obj), HTTP_IF_NONE_MATCH='"0.0"').status_code == 200

    def test_create(self, hr_api):
        response = hr_api.post(self.path, self.create_body(), format="json")
        assert response.status_code == 201, response.json()
        created = self.model.objects.get(pk=response.json()["id"])
        assert response["Location"].endswith(self.url(created))
        assert response["ETag"] == f'"{created.pk}.{created.revision}"'

    def test_patch_with_current_if_match(self, hr_api):
        obj = self.make()
        etag = hr_api.get(self.url(obj))["ETag"]
        response = hr_api.patch(self.url(obj), self.change, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 200, response.json()
        assert response["ETag"] != etag
        obj.refresh_from_db()
        for name, value in self.change.items():
            assert getattr(obj, name) == value

    def test_patch_without_if_match_still_works(self, hr_api):
        obj = self.make()
        assert hr_api.patch(self.url(obj), self.change, format="json").status_code == 200

    def test_stale_if_match_gives_412_and_changes_nothing(self, hr_api):
        obj = self.make()
        stale = hr_api.get(self.url(obj))["ETag"]
        hr_api.patch(self.url(obj), self.change, format="json")
        before = self.model.objects.filter(pk=obj.pk).values().get()
        for method in (hr_api.patch, hr_api.put):
            response = method(self.url(obj), self.create_body(), format="json", HTTP_IF_MATCH=stale)
            assert response.status_code == 412
            assert response.json()["code"] == "precondition_failed"
        assert hr_api.delete(self.url(obj), HTTP_IF_MATCH=stale).status_code == 412
        assert self.model.objects.filter(pk=obj.pk).values().get() == before

    def test_invalid_body_names_the_field_and_saves_nothing(self, hr_api):
        body, field = self.invalid
        count = self.model.objects.count()
        response = hr_api.post(self.path, body, format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"]
        assert self.model.objects.count() == count

    def test_delete_with_current_if_match(self, hr_api):
        obj = self.make()
        etag = hr_api.get(self.url(obj))["ETag"]
        assert hr_api.delete(self.url(obj), HTTP_IF_MATCH=etag).status_code == 204
        assert not self.model.objects.filter(pk=obj.pk).exists()
        assert hr_api.get(self.url(obj)).status_code == 404

    def test_unknown_id_is_a_json_404(self, hr_api):
        response = hr_api.get(f"{self.path}999999/")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "code": "not_found"}


class TestDepartments(ResourceContract):
    path = "/api/v1/departments/"
    model = Department
    change = {"name": "新名称", "name_en": "New name"}
    invalid = ({"code": "", "name": "无编码"}, "code")

    def make(self):
        return make_unit(parent=make_unit())

    def create_body(self):
        return {"code": "NEW-U", "name": "新部门", "kind": "team", "parent": make_unit().pk}


class TestPositions(ResourceContract):
    path = "/api/v1/positions/"
    model = Position
    change = {"title": "新岗位名", "headcount": 4}
    invalid = ({"code": "X", "title": "缺单位"}, "department")

    def make(self):
        return make_position()

    def create_body(self):
        return {"code": "NEW-P", "title": "新岗位", "department": make_unit().pk, "headcount": 2}


class TestEmployees(ResourceContract):
    path = "/api/v1/employees/"
    model = Employee
    change = {"name": "新名字", "active": False}
    invalid = ({"employee_no": "E-1", "name": "某", "position": 987654}, "position")

    def make(self):
        return make_employee(position=make_position(headcount=2))

    def create_body(self):
        return {"employee_no": "E-NEW", "name": "新人", "position": make_position().pk, "start_date": "2026-01-05"}
