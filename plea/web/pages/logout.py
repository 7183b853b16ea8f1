"""``POST /-/plea/logout``: drops the annotator cookie and revokes its session on the
server, so a copy of the cookie is no login either (plea/web/login.py).
"""
from __future__ import annotations

from datasette.utils.asgi import Response
from itsdangerous import BadSignature

from .. import login
from ..config import annotators_path
from ..login import COOKIE, NAMESPACE, SESSION_SECONDS

ROUTE = r"^/-/plea/logout$"


async def handle(datasette, request):
    if request.method != "POST":
        return Response.text("Log out with the button (POST).", status=405,
                             headers={"Allow": "POST"})
    # End the session on the server too: a copied cookie must not outlive the logout.
    try:
        data = datasette.unsign(request.cookies.get(COOKIE) or "", NAMESPACE)
    except BadSignature:
        data = None
    if isinstance(data, dict) and isinstance(data.get("s"), str):
        login.REVOKED.revoke(data["s"], float(data.get("t") or 0) + SESSION_SECONDS,
                       annotators_path(datasette))
    response = Response.redirect(datasette.urls.path("/"), status=303)
    response.set_cookie(COOKIE, "", max_age=0, expires=0, httponly=True, samesite="lax")
    datasette.add_message(request, "Logged out.")
    return response
