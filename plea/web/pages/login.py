"""``/-/plea/login``: the login form (GET) and the check of a name and password (POST),
which sets the signed annotator cookie. How the cookie, the throttles and the
revocation work is login.py's (plea/web/login.py).
"""
from __future__ import annotations

import asyncio
import secrets
import time

from datasette.utils.asgi import Forbidden, Response

from .. import accounts
from ..config import annotators_path
from ..login import (COOKIE, CSRF_COOKIE, ERROR, NAMESPACE, SESSION_SECONDS, client_address,
                     safe_next, throttles)
from ..render import render_page

ROUTE = r"^/-/plea/login$"


async def handle(datasette, request):
    configured = annotators_path(datasette).is_file()
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
    per_account, per_address = throttles(datasette)
    account_key, address_key = "account:" + name.lower(), "address:" + client_address(request)
    wait = max(per_account.wait(account_key), per_address.wait(address_key))
    if wait:
        response = await render_page(datasette, request, "plea_login.html", {
            "next": target, "configured": configured, "username": name,
            "error": f"Too many failed attempts: wait {wait} seconds and try again."},
            title="Log in", status=429)
        response.headers["Retry-After"] = str(wait)
        return response
    try:
        # scrypt takes tens of milliseconds: keep it off the event loop.
        stored = await asyncio.to_thread(accounts.authenticate, annotators_path(datasette),
                                         name, password[:1024])
    except accounts.AccountError as exc:
        stored, configured = None, False
        datasette.add_message(request, str(exc), ERROR)
    if not stored:
        per_account.fail(account_key)
        per_address.fail(address_key)
        return await render_page(datasette, request, "plea_login.html", {
            "next": target, "configured": configured, "username": name,
            "error": "Wrong user name or password."}, title="Log in", status=403)
    per_account.clear(account_key)
    response = Response.redirect(target, status=303)
    response.set_cookie(COOKIE, datasette.sign(
        {"a": name, "h": accounts.fingerprint(stored), "t": int(time.time()),
         "s": secrets.token_urlsafe(16)}, NAMESPACE),
        max_age=SESSION_SECONDS, httponly=True, samesite="lax",
        secure=request.scheme == "https")
    datasette.add_message(request, f"Logged in as {name}: you can annotate provisions.")
    return response
