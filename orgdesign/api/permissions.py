from rest_framework.permissions import SAFE_METHODS, BasePermission

from orgdesign import access
from orgdesign.models import ApiToken

READ_ONLY = "This token is read-only; it cannot change anything."


class AccessPermission(BasePermission):
    """The one API permission: `access.POLICY` for the view's `access_resource`, and read-only tokens only read.

    The action is "read" for safe methods and "write" otherwise, unless the view names its own for
    one of its actions in `access_actions` (e.g. {"results": "results"}). What the rows hold is
    then cut down by `access.visible` in the view's queryset.
    """

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        safe = request.method in SAFE_METHODS
        if not safe and isinstance(request.auth, ApiToken) and request.auth.read_only:
            self.message = READ_ONLY
            return False
        action = getattr(view, "access_actions", {}).get(getattr(view, "action", None), "read" if safe else "write")
        self.message = getattr(view, "access_denied_message", None)
        return access.can(request.user, action, view.access_resource)
