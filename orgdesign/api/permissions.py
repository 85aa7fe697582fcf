from rest_framework.permissions import SAFE_METHODS, BasePermission, DjangoModelPermissions

from orgdesign.models import ApiToken


class ReadOnlyTokenPermission(BasePermission):
    """A request authenticated with a read-only token may only read."""

    message = "This token is read-only; it cannot change anything."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return not (isinstance(request.auth, ApiToken) and request.auth.read_only)


class ModelWritePermission(DjangoModelPermissions):
    """Reads need a login; writes also need the model's add/change/delete permission."""

    perms_map = {**DjangoModelPermissions.perms_map, "GET": [], "HEAD": [], "OPTIONS": []}


class ModelViewPermission(DjangoModelPermissions):
    """Reads need the model's view permission too: for data only some roles may see (appraisals)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }
