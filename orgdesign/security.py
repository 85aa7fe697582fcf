"""Answers to locked-out logins: JSON for the API, a page for the browser."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, credentials, *args, **kwargs):
    message = _("Too many failed logins: this account is locked. Ask HR to unlock it.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "locked_out"}, status=403)
    return render(request, "registration/locked_out.html", {"message": message}, status=403)
