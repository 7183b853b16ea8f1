"""Annotator accounts and the signed-cookie login: salted hashes, bad passwords,
tampered and stale cookies, CSRF, and safe redirects."""
from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest

from plea.web import accounts
from plea.web.login import COOKIE, NAMESPACE
from tests.fixtures.web.inprocess import PASSWORDS, Visitor, datasette_for, make_accounts
from tests.fixtures.web.make_db import fixture_db


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return fixture_db(tmp_path_factory.mktemp("login"))


@pytest.fixture
def site(db, tmp_path, monkeypatch):
    monkeypatch.setenv("PLEA_ANNOTATORS", str(make_accounts(tmp_path / "annotators.json")))
    monkeypatch.setenv("PLEA_ANNOTATIONS", str(tmp_path / "annotations.db"))
    return datasette_for(db)


# -- accounts --------------------------------------------------------------------
def test_passwords_are_stored_as_salted_scrypt_hashes(tmp_path):
    path = make_accounts(tmp_path / "a.json")
    data = json.loads(path.read_text())
    assert set(data) == {"alice", "bob"}
    for name, stored in data.items():
        assert PASSWORDS[name] not in path.read_text()
        assert stored.startswith("scrypt$16384$8$1$")
        assert accounts.verify_password(PASSWORDS[name], stored)
        assert not accounts.verify_password(PASSWORDS[name] + "x", stored)
    # the same password twice gives two hashes (a fresh salt each time)
    assert accounts.hash_password("same password") != accounts.hash_password("same password")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not accounts.verify_password("anything", "not a hash")
    assert not accounts.verify_password("anything", "pbkdf2$1$2$3$4$5")


def test_bad_user_name_is_refused(tmp_path):
    # The command line (`plea annotators`) is tested in test_annotators_cli.py.
    with pytest.raises(accounts.AccountError):
        accounts.set_password(tmp_path / "team.json", "not a name!", "a long password")


# -- logging in --------------------------------------------------------------------
def test_login_with_the_right_password_sets_a_signed_cookie(site):
    v = Visitor(site)
    assert v.actor() is None
    resp = v.login("alice", next="/provision/xx-mini:art_2")
    assert resp.status_code == 303
    assert resp.headers["location"] == "/provision/xx-mini:art_2"
    cookie = next(h for h in resp.headers.get_list("set-cookie") if h.startswith(COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert PASSWORDS["alice"] not in cookie
    assert v.actor() == {"id": "alice", "plea_annotator": True}
    page = v.get("/").text
    assert "Annotating as <strong class=\"annotator\">alice</strong>" in page


@pytest.mark.parametrize("name,password", [("alice", "wrong password"), ("alice", ""),
                                           ("mallory", "alice-password"),
                                           ("bob", PASSWORDS["alice"])])
def test_a_bad_password_or_user_is_refused(site, name, password):
    v = Visitor(site)
    resp = v.login(name, password)
    assert resp.status_code == 403
    assert "Wrong user name or password" in resp.text
    assert COOKIE not in v.cookies and v.actor() is None


def test_a_tampered_cookie_is_no_login(site):
    v = Visitor(site)
    v.login("alice")
    good = v.cookies[COOKIE]
    signature = good.rsplit(".", 1)[1]
    # the payload names bob instead, with alice's signature
    forged = site.sign({"a": "bob"}, NAMESPACE).rsplit(".", 1)[0] + "." + signature
    for bad in (forged, good[:-2] + ("AA" if not good.endswith("AA") else "BB"), "x", ""):
        v.cookies[COOKIE] = bad
        assert v.actor() is None, bad
    # signed with another secret (another server, or a guess)
    other = datasette_for(site.databases["plea"].path, secret="another secret")
    v.cookies[COOKIE] = other.sign(site.unsign(good, NAMESPACE), NAMESPACE)
    assert v.actor() is None
    v.cookies[COOKIE] = good
    assert v.actor()["id"] == "alice"


def test_an_old_cookie_or_a_changed_password_ends_the_session(site):
    v = Visitor(site)
    v.login("alice")
    data = site.unsign(v.cookies[COOKIE], NAMESPACE)
    v.cookies[COOKIE] = site.sign({**data, "t": int(time.time()) - 15 * 24 * 3600}, NAMESPACE)
    assert v.actor() is None
    v.cookies[COOKIE] = site.sign(data, NAMESPACE)
    assert v.actor()["id"] == "alice"
    path = Path(os.environ["PLEA_ANNOTATORS"])
    time.sleep(0.01)   # a new mtime, so the file is read again
    accounts.set_password(path, "alice", "a new password")
    assert v.actor() is None
    accounts.remove(path, "alice")
    assert Visitor(site).login("alice", "a new password").status_code == 403


def test_login_needs_the_csrf_token(site):
    v = Visitor(site)
    v.token()                                   # the form's cookie, but no token sent
    resp = v.post("/-/plea/login", {"username": "alice", "password": PASSWORDS["alice"]})
    assert resp.status_code == 403 and COOKIE not in v.cookies
    # a cross-site form arrives without cookies: refused too (no login CSRF)
    resp = Visitor(site).post("/-/plea/login", {"username": "alice",
                                                "password": PASSWORDS["alice"]})
    assert resp.status_code == 403 and COOKIE not in resp.headers.get("set-cookie", "")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil",
                                    "javascript:alert(1)"])
def test_login_never_redirects_off_the_site(site, target):
    resp = Visitor(site).login("alice", next=target)
    assert resp.status_code == 303 and resp.headers["location"] == "/"


def test_logout(site):
    v = Visitor(site)
    v.login("alice")
    resp = v.post("/-/plea/logout", {"csrftoken": v.token("/")})
    assert resp.status_code == 303 and v.actor() is None
    assert v.get("/-/plea/logout").status_code == 405


def test_without_accounts_nobody_logs_in(db, tmp_path, monkeypatch):
    monkeypatch.delenv("PLEA_ANNOTATORS", raising=False)
    monkeypatch.chdir(tmp_path)   # no data/annotators.json here, the default file
    site = datasette_for(db)
    v = Visitor(site)
    assert "No annotator accounts are configured" in v.get("/-/plea/login").text
    resp = v.post("/-/plea/login", {"username": "alice", "password": PASSWORDS["alice"]})
    assert resp.status_code == 403 and v.actor() is None
