"""Logging annotators in: a signed cookie read by Datasette's actor system.

* ``POST /-/plea/login`` checks the name and password against the accounts file
  (accounts.py) and sets the ``plea_annotator`` cookie, signed with Datasette's
  secret (``datasette.sign``): ``{"a": name, "h": fingerprint of the stored
  hash, "t": issued}``. A tampered cookie fails the signature; a changed
  password or a removed account fails the fingerprint; an old one expires.
* :func:`actor_from_request` (the plugin's hook) turns the cookie into the actor
  ``{"id": name, "plea_annotator": True}``; :func:`permission_allowed` grants
  the ``plea-annotate`` action to such actors only, so the routes ask Datasette
  (``datasette.permission_allowed``) like any other permission.
* ``POST /-/plea/logout`` drops the cookie.

CSRF: every form carries Datasette's token (``{{ csrftoken() }}``) and asgi-csrf
checks it — but asgi-csrf lets a POST with no cookies at all through (there is
nothing to forge), so the login handler insists on the token cookie too, which
stops a cross-site page from logging a visitor in as someone else. Datasette's
secret is random at each start unless ``$DATASETTE_SECRET`` is set: without it a
restart logs everyone out.
"""
from __future__ import annotations

import asyncio
import hmac
import time

from datasette.utils.asgi import Forbidden, Response
from itsdangerous import BadSignature

from . import accounts
from .config import annotators_path

COOKIE = "plea_annotator"
NAMESPACE = "plea-annotator"
ANNOTATE = "plea-annotate"          # the permission the annotation routes ask for
SESSION_SECONDS = 14 * 24 * 3600
CSRF_COOKIE = "ds_csrftoken"        # Datasette's asgi-csrf cookie
# Datasette.ERROR (message types); datasette.app cannot be imported here, as
# Datasette loads this plugin while importing it.
ERROR = 3


def actor_from_cookie(datasette, request) -> dict | None:
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        data = datasette.unsign(value, NAMESPACE)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    name, print_, issued = data.get("a"), data.get("h"), data.get("t")
    if not isinstance(issued, int) or not 0 <= time.time() - issued <= SESSION_SECONDS:
        return None
    try:
        stored = accounts.load(annotators_path(datasette)).get(name) if name else None
    except accounts.AccountError:
        return None
    if not stored or not hmac.compare_digest(accounts.fingerprint(stored), str(print_ or "")):
        return None
    return {"id": name, "plea_annotator": True}


def is_annotator(actor: dict | None) -> bool:
    return bool(actor and actor.get("plea_annotator") and actor.get("id"))


def permission(actor: dict | None, action: str) -> bool | None:
    """The plugin's answer for ``plea-annotate``; None (no opinion) otherwise."""
    if action != ANNOTATE:
        return None
    return is_annotator(actor)


async def require_annotator(datasette, request) -> str:
    """The annotator's id, or Forbidden (403) for anyone else."""
    if not await datasette.permission_allowed(request.actor, ANNOTATE, default=False):
        raise Forbidden("Only logged-in annotators can annotate; visitors read only.")
    return request.actor["id"]


def safe_next(datasette, target: str | None) -> str:
    """Where to go after logging in or out: a path on this site, never elsewhere."""
    home = datasette.urls.path("/")
    if (not target or not target.startswith(home) or target.startswith("//")
            or "\\" in target or any(c in target for c in "\r\n")):
        return home
    return target


async def login(datasette, request):
    from .routes import render_page   # routes imports this module

    configured = annotators_path(datasette) is not None
    if request.method in ("GET", "HEAD"):
        return await render_page(datasette, request, "plea_login.html", {
            "next": safe_next(datasette, request.args.get("next")),
            "configured": configured, "error": None}, title="Log in")
    if request.method != "POST":
        return Response.text("Method not allowed", status=405, headers={"Allow": "GET, POST"})
    if CSRF_COOKIE not in request.cookies:
        raise Forbidden("Log in from the login page, with cookies enabled.")
    form = await request.post_vars()
    name = (form.get("username") or "").strip()[:64]
    password = form.get("password") or ""
    target = safe_next(datasette, form.get("next"))
    try:
        # scrypt takes tens of milliseconds: keep it off the event loop.
        stored = await asyncio.to_thread(accounts.authenticate, annotators_path(datasette),
                                         name, password[:1024])
    except accounts.AccountError as exc:
        stored, configured = None, False
        datasette.add_message(request, str(exc), ERROR)
    if not stored:
        return await render_page(datasette, request, "plea_login.html", {
            "next": target, "configured": configured, "username": name,
            "error": "Wrong user name or password."}, title="Log in", status=403)
    response = Response.redirect(target, status=303)
    response.set_cookie(COOKIE, datasette.sign(
        {"a": name, "h": accounts.fingerprint(stored), "t": int(time.time())}, NAMESPACE),
        max_age=SESSION_SECONDS, httponly=True, samesite="lax",
        secure=request.scheme == "https")
    datasette.add_message(request, f"Logged in as {name}: you can annotate provisions.")
    return response


async def logout(datasette, request):
    if request.method != "POST":
        return Response.text("Log out with the button (POST).", status=405,
                             headers={"Allow": "POST"})
    response = Response.redirect(datasette.urls.path("/"), status=303)
    response.set_cookie(COOKIE, "", max_age=0, expires=0, httponly=True, samesite="lax")
    datasette.add_message(request, "Logged out.")
    return response
