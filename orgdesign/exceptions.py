"""Domain errors raised by services; each interface maps them to its own response."""

from django.utils.translation import gettext as _


class ConcurrentUpdate(Exception):
    """The record changed since the writer read it (stale revision / If-Match)."""

    def __init__(self, obj, expected, current):
        self.obj = obj
        self.expected = expected
        self.current = current
        super().__init__(
            _(
                "%(object)s was changed by someone else (you edited revision %(expected)s, it is now at %(current)s). "
                "Reload it and apply your change again."
            )
            % {"object": obj, "expected": expected, "current": current}
        )


class Conflict(Exception):
    """The request is well formed but the current state of the data forbids it (HTTP 409).

    `code` and `data` (a dict) go into the API's error body beside `detail`, for a client that
    acts on what is in the way (the unfinished appraisals a gate counts, say).
    """

    def __init__(self, message="", *, code="conflict", data=None):
        super().__init__(message)
        self.code = code
        self.data = data or {}
