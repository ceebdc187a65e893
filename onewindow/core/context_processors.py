from django.http import HttpRequest

from onewindow.identity.permissions import is_officer


def site(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "site_name_zh": "一网通办",
        "user_is_officer": bool(user and user.is_authenticated and is_officer(user)),
    }
