"""Admin pieces shared by the apps: optimistic locking and writes through services; tokens, logins, lock-outs."""

from axes import admin as axes_admin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from orgdesign import access
from orgdesign.exceptions import Conflict
from orgdesign.models import ApiToken, Deletion
from orgdesign.security import locked_until, locks_until
from orgdesign.services import api_token_create


class RevisionCheckedForm(forms.ModelForm):
    """Carries the revision the editor loaded and refuses the save if it has moved on."""

    revision_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["revision_seen"].initial = self.instance.revision

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("revision_seen")
        if self.instance.pk is not None and seen is not None:
            current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("revision", flat=True).first()
            if current != seen:
                raise forms.ValidationError(
                    _(
                        "Someone else saved this record while you were editing it (your copy is revision %(seen)s, "
                        "the saved one is %(current)s). Open it again to see their change, then apply yours."
                    ),
                    code="stale",
                    params={"seen": seen, "current": current},
                )
        return cleaned


COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}


class ServiceAdmin(SimpleHistoryAdmin):
    """A ModelAdmin whose writes go through the app's services and whose lists obey `access`.

    Subclasses name `save_service(obj, form, request)` and `delete_service(obj)`. A
    deletion the domain refuses (`Conflict`) is shown as an error message, not a crash. The
    history page shows the audit trail, read-only.
    """

    def get_queryset(self, request):
        return access.visible(request.user, super().get_queryset(request))

    def save_model(self, request, obj, form, change):
        self.save_service(obj, form, request)

    def delete_model(self, request, obj):
        try:
            self.delete_service(obj)
        except Conflict as error:
            self.message_user(request, str(error), level=messages.ERROR)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_service(self, obj, form, request):
        raise NotImplementedError

    def delete_service(self, obj):
        raise NotImplementedError


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens: everyone makes their own here; HR sees every token and revokes any (delete).

    A new token is always the signed-in user's, and its key is shown once, on the page that
    answers the form; the key is stored only hashed and appears nowhere else (the list, the
    token's page and the admin log show its prefix). Name and read-only change later, by the owner.
    """

    list_display = ("name", "key_prefix", "user", "read_only", "created")
    list_filter = ("read_only",)
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)

    def get_fields(self, request, obj=None):
        return ("name", "read_only") if obj is None else ("name", "read_only", "key_prefix", "user", "created")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("key_prefix", "user", "created")

    @admin.display(description=_("key"), ordering="prefix")
    def key_prefix(self, obj):
        return f"{obj.prefix}…"

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.user_id == request.user.pk)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name", "read_only"])
            return
        created = api_token_create(user=request.user, name=obj.name, read_only=obj.read_only)
        obj.pk, obj.user, obj.prefix, obj.created = created.pk, created.user, created.prefix, created.created
        obj.key = created.key

    def response_add(self, request, obj, post_url_continue=None):
        """The key, once: a page rather than a message, so it is kept in no cookie and no session."""
        return TemplateResponse(request, "admin/orgdesign/apitoken/created.html", {
            **self.admin_site.each_context(request), "title": _("Your new API token"), "token": obj,
            "key": obj.key, "opts": self.model._meta,
        })  # fmt: skip


@admin.register(Deletion)
class DeletionAdmin(admin.ModelAdmin):
    list_display = ("resource", "object_id", "code", "deleted")
    list_filter = ("resource",)
    search_fields = ("code",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- who may grant what -----------------------------------------------------------------------

SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")
SUPERUSER_ONLY_GROUPS = (access.HR_ADMIN,)


def _grants(user_id):
    """What only a superuser gives, as stored: the superuser flag, the HR admin group, a user's own permissions."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None:
        return (False, frozenset(), frozenset())
    groups = user.groups.filter(name__in=SUPERUSER_ONLY_GROUPS).values_list("pk", flat=True)
    return (user.is_superuser, frozenset(groups), frozenset(user.user_permissions.values_list("pk", flat=True)))


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class UserAdmin(auth_admin.UserAdmin):
    """Logins. Only a superuser makes superusers or HR admins or gives a user permissions of their own.

    For anyone else the form has no superuser flag and no permissions, its groups leave out HR
    admin (a membership the user already has stays), and the save checks all three again on the
    server. Superusers and other HR admins are theirs to look at, not to change: setting their
    password would let the editor sign in as them.
    """

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in SUPERUSER_ONLY_FIELDS]})
            for name, options in fieldsets
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.exclude(name__in=SUPERUSER_ONLY_GROUPS)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _may_manage(self, request, user):
        editor = request.user
        if editor.is_superuser or user.pk == editor.pk:
            return True
        return not (user.is_superuser or user.groups.filter(name__in=SUPERUSER_ONLY_GROUPS).exists())

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self._may_manage(request, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or self._may_manage(request, obj))

    def save_model(self, request, obj, form, change):
        form.grants_before = _grants(obj.pk)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if request.user.is_superuser:
            return
        before = form.grants_before
        form.instance.groups.add(*before[1])  # the form does not offer HR admin: keep the membership it had
        if _grants(form.instance.pk) != before:
            raise PermissionDenied(_("Only a superuser may make superusers or HR admins or give permissions."))


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(auth_admin.GroupAdmin):
    """Roles. A group's permissions are its members' permissions, so only a superuser changes groups."""

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


# --- failed logins ----------------------------------------------------------------------------

admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    """Failed logins per username, address (and browser); *Unlock* lifts the lock of the selected pairs."""

    list_display = ("username", "ip_address", "failures_since_start", "attempt_time", "lock", "user_agent")
    list_filter = ("attempt_time", "path_info")
    actions = ["unlock"]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        ends = locks_until((attempt.username, attempt.ip_address) for attempt in changelist.result_list)
        for attempt in changelist.result_list:
            attempt.locked_until = ends.get((attempt.username, attempt.ip_address))
        return changelist

    @admin.display(description=_("locked until"))
    def lock(self, obj):
        if not hasattr(obj, "locked_until"):
            obj.locked_until = locked_until(obj.username, obj.ip_address)
        return date_format(timezone.localtime(obj.locked_until), "DATETIME_FORMAT") if obj.locked_until else "—"

    @admin.action(description=_("Unlock the selected usernames at their addresses"), permissions=["delete"])
    def unlock(self, request, queryset):
        pairs = set(queryset.values_list("username", "ip_address"))
        for username, ip_address in pairs:
            AxesProxyHandler.reset_attempts(username=username, ip_address=ip_address)
        self.message_user(
            request, ngettext("%(count)d unlocked.", "%(count)d unlocked.", len(pairs)) % {"count": len(pairs)}
        )
