"""Admin pieces shared by the apps: optimistic locking and writes through services."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from orgdesign import access
from orgdesign.exceptions import Conflict
from orgdesign.models import ApiToken, Deletion
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
    """Tokens are issued here or with `manage.py create_api_token`; only name and read-only change later."""

    list_display = ("name", "user", "read_only", "created")
    list_filter = ("read_only",)
    search_fields = ("name", "user__username")
    autocomplete_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        return ("key", "user", "created") if obj is not None else ("key", "created")

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name", "read_only"])
        else:
            created = api_token_create(user=obj.user, name=obj.name, read_only=obj.read_only)
            obj.pk, obj.key, obj.created = created.pk, created.key, created.created


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
