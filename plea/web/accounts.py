"""Annotator accounts: a JSON file of {username: salted password hash}.

The file is named by ``$PLEA_ANNOTATORS`` (or the plugin setting ``annotators``),
else it is ``data/annotators.json`` (see config.py and corpus/paths.py); with no
such file nobody can log in and the site is read-only.
Passwords are never stored: each entry is ``scrypt$n$r$p$salt$hash`` (salt and
hash in URL-safe base64), made by :func:`hash_password`. Create, change, list
and remove accounts with `plea annotators` (plea/commands/annotators.py).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
from pathlib import Path

from plea.annotate.human.model import ANNOTATOR_RE
from plea.corpus.errors import PleaError

SCHEME = "scrypt"
# scrypt's interactive-login cost (RFC 7914 §2 suggests N=2^14 for interactive
# use): about 50 ms and 16 MB per check, so guessing is slow.
N, R, P = 2 ** 14, 8, 1
MAXMEM = 64 * 1024 * 1024
MIN_PASSWORD = 8


class AccountError(PleaError, ValueError):
    """A bad account file, user name or password (one line to show)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=MAXMEM,
                          dklen=32)


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password`` in the account file's format."""
    salt = secrets.token_bytes(16)
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(_scrypt(password, salt, N, R, P))}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the ``stored`` hash (constant-time compare)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return False
        found = _scrypt(password, _unb64(salt), int(n), int(r), int(p))
        return hmac.compare_digest(found, _unb64(digest))
    except (ValueError, TypeError):   # a malformed entry never lets anyone in
        return False


# A hash to check against when the user does not exist, so that a wrong name
# costs as long as a wrong password and names cannot be found by timing.
_DUMMY = hash_password(secrets.token_urlsafe(12))


def fingerprint(stored: str) -> str:
    """A short digest of the stored hash, put in the login cookie: changing the
    password (or removing the account) ends the sessions made with the old one."""
    return hashlib.sha256(stored.encode("utf-8")).hexdigest()[:16]


# -- the file ----------------------------------------------------------------------
_cache: dict[Path, tuple[tuple[int, int], dict[str, str]]] = {}
_cache_lock = threading.Lock()


def load(path: Path | None) -> dict[str, str]:
    """The accounts in ``path`` (empty when there is no file). Read again only
    when the file changes, so it can be edited while the server runs."""
    if path is None or not path.is_file():
        return {}
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        hit = _cache.get(path)
        if hit and hit[0] == key:
            return hit[1]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AccountError(f"cannot read the annotator accounts in {path}: {exc}") from None
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise AccountError(f"{path} must hold a JSON object of {{username: password hash}}")
    accounts = {k: v for k, v in data.items() if ANNOTATOR_RE.match(k)}
    with _cache_lock:
        _cache[path] = (key, accounts)
    return accounts


def authenticate(path: Path | None, username: str, password: str) -> str | None:
    """The stored hash when ``username`` and ``password`` match an account, else None."""
    accounts = load(path)
    stored = accounts.get(username)
    ok = verify_password(password, stored if stored else _DUMMY)
    return stored if ok and stored else None


def set_password(path: Path, username: str, password: str) -> None:
    """Add the account or change its password, writing the file atomically (mode 600)."""
    if not ANNOTATOR_RE.match(username or ""):
        raise AccountError(f"bad user name {username!r}: letters, digits and . _ @ - "
                           "(the annotator id the store records)")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    accounts = dict(load(path)) if path.is_file() else {}
    accounts[username] = hash_password(password)
    _write(path, accounts)


def remove(path: Path, username: str) -> bool:
    accounts = dict(load(path))
    if accounts.pop(username, None) is None:
        return False
    _write(path, accounts)
    return True


def _write(path: Path, accounts: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(accounts, out, indent=2, sort_keys=True)
        out.write("\n")
    os.replace(tmp, path)
