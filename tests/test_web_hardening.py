"""The web view against a hostile or careless visitor: statuses, headers, body
limits, CSRF whatever the headers, no arbitrary SQL by default, per-address
limits, briefs in a bounded worker, and a login that resists guessing."""
from __future__ import annotations

import io
import logging
from urllib.parse import quote

import docx
import pytest

from plea.web import guard
from plea.web.brief_worker import pool_for
from plea.web.login import COOKIE
from tests.fixtures.web.inprocess import PASSWORDS, Visitor, datasette_for, make_accounts
from tests.fixtures.web.make_db import fixture_db


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return fixture_db(tmp_path_factory.mktemp("hardening"))


@pytest.fixture
def site(db, tmp_path, monkeypatch):
    monkeypatch.setenv("PLEA_ANNOTATORS", str(make_accounts(tmp_path / "annotators.json")))
    monkeypatch.setenv("PLEA_ANNOTATIONS", str(tmp_path / "annotations.db"))
    return datasette_for(db)


# -- statuses: the visitor's mistakes are 4xx, answered cheaply ----------------------
STATUSES = [
    ("/nope", 404), ("/plea/nope", 404), ("/provision/nope", 404), ("/code/nope", 404),
    ("/plea/sources/nope/provisions", 404), ("/nope.json", 404),
    ("/plea/provisions?_sort=nope", 400), ("/plea/provisions?_sort_desc=nope", 400),
    ("/plea/provisions?_through=x", 400), ("/plea/provisions?_through=%7B%7D", 400),
    ("/plea/provisions?_timelimit=x", 400),
]


@pytest.mark.parametrize("path,status", STATUSES)
def test_unknown_paths_and_bad_parameters_are_not_server_errors(site, path, status, caplog):
    resp = Visitor(site).get(path)
    assert resp.status_code == status
    if status == 404:   # nothing to log for a 404: no traceback, let alone one with locals
        assert not [r for r in caplog.records if r.name == "plea.web"]


def test_datasettes_rich_exception_handler_is_not_used(site, capsys):
    from datasette.plugins import pm

    Visitor(site).get("/nope")
    assert pm.get_plugin("datasette.handle_exception") is None
    assert "locals" not in capsys.readouterr().err


def test_security_headers_on_every_kind_of_answer(site):
    v = Visitor(site)
    for path in ("/", "/nope", "/-/plea/login", "/-/static-plugins/plea-corpus/plea.js",
                 "/-/plea/brief?codes=subjects.court&format=md"):
        h = v.get(path).headers
        assert "script-src 'self';" in h["content-security-policy"], path
        assert "unsafe-inline" not in h["content-security-policy"].split("script-src")[1] \
            .split(";")[0]
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY"
        assert h["referrer-policy"] == "same-origin"


# -- request bodies ------------------------------------------------------------------
def test_multipart_is_415_and_a_large_body_413(site):
    v = Visitor(site)
    token = v.token()
    resp = v.request("POST", "/-/plea/login", files={"f": ("a.txt", b"x")},
                     data={"csrftoken": token, "username": "alice"})
    assert resp.status_code == 415
    resp = v.request("POST", "/-/plea/login", content=b"a=" + b"x" * 100_000,
                     headers={"content-type": "application/x-www-form-urlencoded"})
    assert resp.status_code == 413


def test_bearer_header_does_not_skip_the_csrf_check(site, tmp_path):
    v = Visitor(site)
    v.login("alice")
    assert v.actor()["id"] == "alice"
    resp = v.post("/-/plea/annotate", {"act": "note", "provision_id": "xx-mini:art_2",
                                       "note": "forged"},
                  headers={"Authorization": "Bearer anything"})
    assert resp.status_code == 403
    assert not (tmp_path / "annotations.db").exists() or b"forged" not in (
        tmp_path / "annotations.db").read_bytes()


# -- SQL and rate limits ---------------------------------------------------------------
def test_arbitrary_sql_is_off_but_stored_queries_work(site):
    v = Visitor(site)
    assert v.get("/plea?sql=select+1").status_code == 403
    assert v.get("/plea/coverage").status_code == 200


def test_expensive_endpoints_are_limited_per_address(db, monkeypatch):
    monkeypatch.setitem(guard.LIMITS, "brief", (2, 60))
    v = Visitor(datasette_for(db))
    answers = [v.get("/-/plea/brief?codes=subjects.court&format=md") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert 1 <= int(answers[2].headers["retry-after"]) <= 60


def test_rate_limiter_refills_over_time():
    limiter = guard.RateLimiter({"k": (2, 60)})     # two at once, then one every 30 s
    for now, expected in [(0.0, 0.0), (0.0, 0.0), (0.0, 30.0), (15.0, 15.0), (30.0, 0.0),
                          (30.0, 30.0)]:
        assert limiter.wait("1.2.3.4", "k", now=now) == pytest.approx(expected), now
    assert limiter.wait("5.6.7.8", "k", now=30.0) == 0.0   # per address


# -- briefs ----------------------------------------------------------------------------
def test_docx_brief_with_many_codes(site):
    codes = ",".join(r["code"] for r in Visitor(site).get(
        "/plea/taxonomy.json?_shape=array&_size=20").json())
    assert codes.count(",") >= 11
    resp = Visitor(site).get(f"/-/plea/brief?codes={quote(codes)}&format=docx")
    assert resp.status_code == 200, resp.text[:300]
    props = docx.Document(io.BytesIO(resp.content)).core_properties
    assert len(props.keywords) <= 255 and props.keywords.endswith("…")


def test_brief_over_its_time_limit_or_cap_is_503(site):
    v = Visitor(site)
    v.get("/")                                   # starts the server (and its pool)
    pool = pool_for(site)
    pool.time_limit_s = -5.0                     # already past the limit: the worker is stopped
    resp = v.get("/-/plea/brief?codes=subjects.court&format=md")
    assert resp.status_code == 503 and resp.headers["retry-after"]
    pool.time_limit_s, pool.in_flight = 20.0, pool.max_in_flight
    resp = v.get("/-/plea/brief?codes=subjects.court&format=md")
    assert resp.status_code == 503 and "briefs are being made" in resp.text
    pool.in_flight = 0
    assert v.get("/-/plea/brief?codes=subjects.court&format=md").status_code == 200
    pool.close()


# -- login -----------------------------------------------------------------------------
def test_a_hundred_wrong_passwords_are_throttled(site):
    v = Visitor(site)
    statuses = [v.login("alice", f"guess {i}").status_code for i in range(100)]
    assert statuses[:5] == [403] * 5
    assert statuses.count(429) >= 90
    refused = v.login("alice")                   # even the right password waits
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert COOKIE not in v.cookies
    # another account from another address is not locked out by alice's guesser
    assert Visitor(site).login("bob").status_code in (303, 429)


@pytest.mark.parametrize("target", ["/%09/evil.com", "/\t/evil.com", "/\n/evil.com",
                                    "/ /evil.com", "http:/evil.com", "/\\evil.com",
                                    "//evil.com", "https://evil.com/", "/x\x00"])
def test_next_is_a_plain_path_on_this_site(site, target):
    resp = Visitor(site).login("alice", next=target)
    assert resp.status_code == 303 and resp.headers["location"] == "/"


def test_next_keeps_a_real_path(site):
    resp = Visitor(site).login("alice", next="/provision/xx-mini:art_2?x=1")
    assert resp.headers["location"] == "/provision/xx-mini:art_2?x=1"


def test_logout_revokes_the_session_on_the_server(site, db, monkeypatch):
    v = Visitor(site)
    v.login("alice")
    stolen = v.cookies[COOKIE]
    v.post("/-/plea/logout", {"csrftoken": v.token("/")})
    thief = Visitor(site)
    thief.cookies[COOKIE] = stolen
    assert thief.actor() is None
    # after a restart with the same secret (a new server process: nothing in memory)
    from plea.web import login
    monkeypatch.setattr(login, "REVOKED", login.Revoked())
    restarted = Visitor(datasette_for(db))
    restarted.cookies[COOKIE] = stolen
    assert restarted.actor() is None


def test_errors_are_logged_plainly(site, caplog):
    with caplog.at_level(logging.ERROR, logger="plea.web"):
        Visitor(site).get("/plea/provisions?_timelimit=x")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "ValueError" in text and "locals" not in text


def test_plea_serve_sql_turns_arbitrary_sql_on(tmp_path, db):
    from plea.web.serve import datasette_command

    def setting(cmd):
        i = cmd.index("default_allow_sql")
        return cmd[i + 1]

    assert setting(datasette_command(db, host="127.0.0.1", port=1)) == "0"
    assert setting(datasette_command(db, host="127.0.0.1", port=1, sql=True)) == "1"


def test_throttle_waits_double_after_the_free_failures():
    from plea.web.login import Throttle

    throttle = Throttle(free=2)
    # (failures so far, seconds since the last one) → the wait before the next try
    for failures, since, wait in [(1, 0, 0), (2, 0, 1), (3, 0, 2), (4, 0, 4), (4, 3, 1),
                                  (4, 4, 0), (5, 0, 8)]:
        while throttle.failures.get("k", (0, 0))[0] < failures:
            throttle.fail("k", now=1000.0)
        assert throttle.wait("k", now=1000.0 + since) == wait, (failures, since)
    throttle.clear("k")
    assert throttle.wait("k", now=1000.0) == 0
