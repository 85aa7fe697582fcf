"""The one mixin of the pages for who may open them: `access.POLICY`, as the API's `AccessPermission`."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy

from orgdesign import access

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class AccessRequiredMixin(LoginRequiredMixin):
    """Anonymous visitors go to the login page; a signed-in user the policy refuses gets 403.

    `access_resource` names the resource of `access.POLICY`; reading the page is "read" and
    sending its forms "write", unless `access_read` / `access_write` name other actions. What the
    page then shows is cut down by `access.visible` (an object outside it is a 404).
    """

    access_resource = None
    access_read = "read"
    access_write = "write"
    access_denied_message = gettext_lazy("You cannot do that here.")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        action = self.access_read if request.method in SAFE_METHODS else self.access_write
        if not access.can(request.user, action, self.access_resource):
            raise PermissionDenied(self.access_denied_message)
        return super().dispatch(request, *args, **kwargs)
