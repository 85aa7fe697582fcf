"""API endpoints that span the apps: token, org chart, change feed."""

import datetime

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from departments.models import Department
from departments.selectors import org_chart
from orgdesign import access
from orgdesign.api.authentication import ApiTokenAuthentication
from orgdesign.api.permissions import AccessPermission
from orgdesign.api.renderers import FastJSONRenderer
from orgdesign.models import Deletion
from orgdesign.security import lockout_response, login_succeeded
from orgdesign.services import api_token_create
from positions.models import Employee, Position


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="Login name.")
    password = serializers.CharField(help_text="Password.", style={"input_type": "password"}, trim_whitespace=False)


class TokenView(APIView):
    """Exchange a username and password for a new API token of that user.

    Keys are stored hashed, so an existing key cannot be given back: every call issues a new token
    named "login" (HR revokes those no longer needed, in the admin). Failed attempts
    count towards the same lock-out as the browser's logins, per username and address.
    """

    permission_classes = [AllowAny]
    authentication_classes = [ApiTokenAuthentication]  # no session: no CSRF on this form-less endpoint
    renderer_classes = [FastJSONRenderer]

    @extend_schema(
        summary="Get an API token",
        description=(
            "Send it back as `Authorization: Token <token>`. Every call issues a new token (named `login`); keep "
            "the key, it is shown only this once. After too many failed attempts for a username from one address, "
            "that username is locked from that address for a while: 403 with `code` `locked_out` and "
            "`Retry-After`."
        ),
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField(help_text="The key.")})},
        auth=[],
    )
    def post(self, request):
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        login = request._request  # axes follows the Django request (its address, its lock-out flag)
        username = form.validated_data["username"]
        user = authenticate(login, **form.validated_data)
        if getattr(login, "axes_locked_out", False):
            return lockout_response(login, credentials={"username": username})
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("Wrong username or password."))
        login_succeeded(login, username=username)
        token = api_token_create(user=user, name="login")
        return Response({"token": token.key})


@extend_schema_field(OpenApiTypes.INT)
class VisibleUnitField(serializers.PrimaryKeyRelatedField):
    """A unit id among the units the requesting user may see."""

    def get_queryset(self):
        return access.visible(self.context["request"].user, Department.objects.all())


class OrgChartQuerySerializer(serializers.Serializer):
    root = VisibleUnitField(
        required=False, help_text="Id of the unit at the top.",
        error_messages={"does_not_exist": "There is no unit with id {pk_value}."},
    )  # fmt: skip
    depth = serializers.IntegerField(
        required=False, min_value=0, max_value=100, help_text="Levels of units below the top to include (0: top only)."
    )


class ChartHolderSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Employee id.")
    employee_no = serializers.CharField(help_text="Employee number.")
    name = serializers.CharField(help_text="Name in Chinese.")
    name_en = serializers.CharField(help_text="Name in English.")


class ChartPositionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Position id.")
    code = serializers.CharField(help_text="Position code.")
    title = serializers.CharField(help_text="Title in Chinese.")
    title_en = serializers.CharField(help_text="Title in English.")
    reports_to = serializers.IntegerField(allow_null=True, help_text="Id of the superior position (reporting line).")
    grade = serializers.IntegerField(allow_null=True, help_text="Grade.")
    headcount = serializers.IntegerField(help_text="Planned headcount.")
    filled = serializers.IntegerField(help_text="Active holders.")
    vacant = serializers.IntegerField(help_text="Planned minus filled.")
    is_key = serializers.BooleanField(help_text="Key position.")
    holders = ChartHolderSerializer(many=True, help_text="The people holding it.")


class ChartUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Unit id.")
    code = serializers.CharField(help_text="Unit code.")
    name = serializers.CharField(help_text="Name in Chinese.")
    name_en = serializers.CharField(help_text="Name in English.")
    kind = serializers.CharField(help_text="headquarters, department or team.")
    parent = serializers.IntegerField(allow_null=True, help_text="Parent unit id.")
    head = serializers.IntegerField(allow_null=True, help_text="Id of the heading position.")
    order = serializers.IntegerField(help_text="Order among siblings.")
    depth = serializers.IntegerField(help_text="Level in the whole tree (0 at the top).")
    positions = ChartPositionSerializer(many=True, help_text="Positions of this unit.")
    children = serializers.ListField(child=serializers.DictField(), help_text="Units below, in the same shape.")


class OrgChartView(APIView):
    access_resource = "organisation"
    renderer_classes = [FastJSONRenderer]
    permission_classes = [AccessPermission]

    @extend_schema(
        summary="The whole organisation as one tree",
        description="Units with their positions (reporting lines, headcount, holders) and sub-units, in one response.",
        parameters=[OrgChartQuerySerializer],
        responses={
            200: inline_serializer(
                "OrgChart", {"units": ChartUnitSerializer(many=True, help_text="The top unit(s) of the tree.")}
            )
        },
    )
    def get(self, request):
        query = OrgChartQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        # A reader of the whole organisation needs no list of the units it may see.
        whole = access.reads_whole_organisation(request.user)
        units = None if whole else access.visible(request.user, Department.objects.all())
        # The people named are those the reader may see (an employee: themselves); the counts cover everyone.
        people = None if whole else access.visible(request.user, Employee.objects.all())
        return Response({"units": org_chart(units=units, people=people, **query.validated_data)})


class ChangesQuerySerializer(serializers.Serializer):
    since = serializers.DateTimeField(help_text="ISO 8601 time; use the `until` of your previous call.")


def _change_set(name):
    return inline_serializer(
        f"{name}Changes",
        {
            "changed": serializers.ListField(child=serializers.IntegerField(), help_text="Ids created or changed."),
            "deleted": serializers.ListField(child=serializers.IntegerField(), help_text="Ids deleted."),
        },
    )


class ChangesView(APIView):
    access_resource = "organisation"
    renderer_classes = [FastJSONRenderer]
    permission_classes = [AccessPermission]

    RESOURCES = {"departments": Department, "positions": Position, "employees": Employee}

    @extend_schema(
        summary="What changed since a point in time",
        description=(
            "Ids of units, positions and employees created, changed or deleted at or after `since`. Fetch the "
            "changed ones (or use `?updated_since=` on each list), delete the deleted ones, and pass `until` as the "
            "next `since`."
        ),
        parameters=[OpenApiParameter("since", OpenApiTypes.DATETIME, required=True, description="ISO 8601 time.")],
        responses={
            200: inline_serializer(
                "Changes",
                {
                    "since": serializers.DateTimeField(help_text="The `since` you sent."),
                    "until": serializers.DateTimeField(help_text="Time of this answer: the next call's `since`."),
                    **{name: _change_set(name.title()) for name in RESOURCES},
                },
            )
        },
    )
    def get(self, request):
        query = ChangesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        since = query.validated_data["since"].astimezone(datetime.UTC)
        until = timezone.now()
        body = {"since": since, "until": until}
        deleted = {name: [] for name in self.RESOURCES}
        if access.reads_whole_organisation(request.user):  # ids of deleted objects are not checked one by one
            for resource, object_id in Deletion.objects.filter(deleted__gte=since).values_list("resource", "object_id"):
                deleted.setdefault(resource, []).append(object_id)
        for name, model in self.RESOURCES.items():
            visible = access.visible(request.user, model.objects.filter(updated__gte=since))
            changed = visible.order_by("id").values_list("id", flat=True)
            body[name] = {"changed": list(changed), "deleted": deleted[name]}
        return Response(body)
