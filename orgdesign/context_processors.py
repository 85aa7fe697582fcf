"""What every page's frame needs to know about the signed-in user."""

from orgdesign import access


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_reviews": access.is_hr(user) or access.is_manager(user), "nav_hr": access.is_hr(user)}
