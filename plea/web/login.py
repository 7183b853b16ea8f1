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
* ``POST /-/plea/logout`` drops the cookie and revokes its session on the
  server (``"s"``, a random session id in the cookie), so a copy of the cookie
  is no login either. Revoked ids are kept until they would have expired.
* Guessing is throttled (:class:`Throttle`): after a few wrong passwords for
  one account, or from one address, each further attempt must wait, doubling
  up to a quarter of an hour, and is answered 429 with ``Retry-After`` without
  checking the password at all.
* ``next`` is followed only when it is a plain path on this site
  (:func:`safe_next`): no scheme, host, backslash, whitespace or control
  character (browsers drop tabs, so ``/\t/evil.com`` would be ``//evil.com``).

CSRF: every form carries Datasette's token (``{{ csrftoken() }}``) and asgi-csrf
checks it — but asgi-csrf lets a POST with no cookies at all through (there is
nothing to forge), so the login handler insists on the token cookie too, which
stops a cross-site page from logging a visitor in as someone else. Datasette's
secret is random at each start unless ``$DATASETTE_SECRET`` is set: without it a
restart logs everyone out.
"""
from __future__ import annotations

import hmac
import json
import os
import re
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from datasette.utils.asgi import Forbidden
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
    session = data.get("s")
    if not isinstance(session, str) or REVOKED.revoked(session, annotators_path(datasette)):
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


# A path and query in the characters URLs carry unescaped: no whitespace or
# controls (browsers strip tabs and newlines), no backslash (some read it as /).
_PLAIN_PATH = re.compile(r"^/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$")


def safe_next(datasette, target: str | None) -> str:
    """Where to go after logging in or out: a path on this site, never elsewhere."""
    home = datasette.urls.path("/")
    if not target or not _PLAIN_PATH.match(target) or target.startswith("//"):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith(home):
        return home
    # Once decoded, the path must still be plain: "/%09/evil.com" is "/\t/evil.com".
    decoded = unquote(parts.path)
    if decoded.startswith("//") or not _PLAIN_PATH.match(decoded.replace("%", "")):
        return home
    return target


class Throttle:
    """Failed logins per key (an account, an address) and the wait they impose.

    ``FREE`` failures cost nothing; each one after that doubles the wait before
    the next attempt, from one second up to ``MAX_WAIT``. A success clears the
    account's count; the address's count decays with time only.
    """

    FREE = 5
    MAX_WAIT = 15 * 60
    SIZE = 10_000     # keys remembered; the oldest are forgotten beyond this

    def __init__(self, free: int | None = None):
        self.free = self.FREE if free is None else free
        self.failures: dict[str, tuple[int, float]] = {}   # key → (count, last failure)
        self._lock = threading.Lock()

    def wait(self, key: str, now: float | None = None) -> int:
        """Seconds before ``key`` may try again (0: now)."""
        now = time.time() if now is None else now
        with self._lock:
            count, last = self.failures.get(key, (0, 0.0))
        if count < self.free:
            return 0
        delay = min(2 ** (count - self.free), self.MAX_WAIT)
        return max(0, int(last + delay - now + 0.999))

    def fail(self, key: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self._lock:
            count, last = self.failures.get(key, (0, 0.0))
            if now - last > self.MAX_WAIT * 4:
                count = 0      # a quiet day forgives
            self.failures[key] = (count + 1, now)
            if len(self.failures) > self.SIZE:
                oldest = min(self.failures, key=lambda k: self.failures[k][1])
                del self.failures[oldest]

    def clear(self, key: str) -> None:
        with self._lock:
            self.failures.pop(key, None)


class Revoked:
    """Session ids ended by logging out, until they would have expired anyway.

    Kept in memory and, beside the accounts file, in ``<accounts>.revoked``
    (JSON, ``{session id: expiry}``), so a logout outlives a restart with the
    same ``$DATASETTE_SECRET`` and holds for every server sharing the accounts.
    """

    def __init__(self):
        self.ids: dict[str, float] = {}
        self._seen: dict[Path, tuple[int, int]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def file_for(accounts_file: Path | None) -> Path | None:
        return accounts_file.with_name(accounts_file.name + ".revoked") if accounts_file else None

    def _read(self, path: Path | None) -> None:
        """Merge the file's ids into memory when it changed (lock held)."""
        if path is None:
            return
        try:
            info = path.stat()
        except OSError:
            return
        key = (info.st_mtime_ns, info.st_size)
        if self._seen.get(path) == key:
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return   # a damaged file must not end every login; memory still holds
        if isinstance(data, dict):
            self.ids.update({k: float(v) for k, v in data.items()
                             if isinstance(k, str) and isinstance(v, (int, float))})
        self._seen[path] = key

    def revoke(self, session: str, expires: float, accounts_file: Path | None = None) -> None:
        path = self.file_for(accounts_file)
        with self._lock:
            self._read(path)
            now = time.time()
            for old in [k for k, t in self.ids.items() if t < now]:
                del self.ids[old]
            self.ids[session] = expires
            if path is not None:
                tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                try:
                    tmp.write_text(json.dumps(self.ids), encoding="utf-8")
                    os.chmod(tmp, 0o600)
                    os.replace(tmp, path)
                except OSError:
                    tmp.unlink(missing_ok=True)   # read-only: the logout holds in memory

    def revoked(self, session: str, accounts_file: Path | None = None) -> bool:
        with self._lock:
            if session in self.ids:
                return True
            self._read(self.file_for(accounts_file))
            return session in self.ids


REVOKED = Revoked()


def throttles(datasette) -> tuple[Throttle, Throttle]:
    """(per account, per address) for this server."""
    found = getattr(datasette, "_plea_login_throttles", None)
    if found is None:
        # An address may hold several annotators (a seminar room behind one NAT).
        found = (Throttle(), Throttle(free=Throttle.FREE * 4))
        datasette._plea_login_throttles = found
    return found


def client_address(request) -> str:
    client = request.scope.get("client")
    return client[0] if client else "unknown"
