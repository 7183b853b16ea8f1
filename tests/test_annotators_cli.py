"""`plea annotators`: accounts are salted hashes, never plain passwords, and the
file it writes by default is the one `plea serve` reads by default."""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request

from click.testing import CliRunner

from plea.corpus.build import build
from plea.corpus.sources import read_manifest
from plea.cli import cli
from plea.web.accounts import authenticate
from tests.conftest import FIXTURES, serving


def test_add_list_remove(tmp_path):
    accounts = tmp_path / "a.json"
    run = CliRunner().invoke
    result = run(cli, ["annotators", "add", "alice", "--password", "correct horse", "--file", str(accounts)])
    assert result.exit_code == 0, result.output
    stored = json.loads(accounts.read_text(encoding="utf-8"))
    assert "correct horse" not in accounts.read_text(encoding="utf-8") and "alice" in stored
    assert authenticate(accounts, "alice", "correct horse")
    assert not authenticate(accounts, "alice", "wrong horse")
    assert run(cli, ["annotators", "list", "--file", str(accounts)]).output.strip() == "alice"
    assert run(cli, ["annotators", "remove", "alice", "--file", str(accounts)]).exit_code == 0
    result = run(cli, ["annotators", "remove", "alice", "--file", str(accounts)])
    assert result.exit_code == 1 and "no account 'alice'" in result.output


def test_short_password_is_refused(tmp_path):
    result = CliRunner().invoke(cli, ["annotators", "add", "bob", "--password", "x",
                                      "--file", str(tmp_path / "a.json")])
    assert result.exit_code == 1 and "at least" in result.output
    assert not (tmp_path / "a.json").exists()


def test_password_from_standard_input_and_from_the_prompt(tmp_path):
    accounts = tmp_path / "team.json"
    run = CliRunner().invoke
    result = run(cli, ["annotators", "add", "carol", "--password-stdin", "--file", str(accounts)],
                 input="a long password\n")
    assert result.exit_code == 0, result.output
    assert authenticate(accounts, "carol", "a long password")
    # Asked twice; two different answers are asked again, never stored.
    result = run(cli, ["annotators", "add", "dave", "--file", str(accounts)],
                 input="first password\nother password\nfirst password\nfirst password\n")
    assert result.exit_code == 0, result.output
    assert authenticate(accounts, "dave", "first password")
    result = run(cli, ["annotators", "add", "erin", "--password-stdin", "--file", str(accounts)],
                 input="short\n")
    assert result.exit_code == 1 and "at least 8" in result.output
    assert sorted(json.loads(accounts.read_text(encoding="utf-8"))) == ["carol", "dave"]


def test_default_file_is_data_annotators_json(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLEA_ANNOTATORS", raising=False)
    result = CliRunner().invoke(cli, ["annotators", "add", "alice", "--password", "a long password"])
    assert result.exit_code == 0, result.output
    assert authenticate(tmp_path / "data" / "annotators.json", "alice", "a long password")
    monkeypatch.setenv("PLEA_ANNOTATORS", str(tmp_path / "other.json"))
    assert CliRunner().invoke(cli, ["annotators", "list"]).output.strip() == "(no accounts)"


def _log_in(base: str, username: str, password: str) -> dict | None:
    """Log in through the login form as a browser would; the actor the server then sees."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/-/plea/login", timeout=10).read().decode("utf-8")
    token = re.search(r'name="csrftoken" value="([^"]+)"', page)
    assert token, "the login page has no form: the server found no accounts"
    form = urllib.parse.urlencode({"csrftoken": token.group(1), "username": username,
                                   "password": password, "next": "/"}).encode("ascii")
    try:
        opener.open(f"{base}/-/plea/login", data=form, timeout=10).read()
    except urllib.error.HTTPError as exc:   # a wrong password is answered 403
        assert exc.code == 403, exc
    return json.loads(opener.open(f"{base}/-/actor.json", timeout=10).read())["actor"]


def test_an_annotator_added_with_the_defaults_can_log_in_to_plea_serve(tmp_path, monkeypatch):
    # No option and no $PLEA_ANNOTATORS anywhere: `plea annotators add` and
    # `plea serve`, run from one directory, must agree on the file.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLEA_ANNOTATORS", raising=False)
    result = CliRunner().invoke(cli, ["annotators", "add", "alice", "--password-stdin"],
                                input="a long password\n")
    assert result.exit_code == 0, result.output
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURES / "cn_markdown", sources / "cn_markdown")
    db = tmp_path / "mini.db"
    build(db, read_manifest(FIXTURES / "manifests" / "mini.toml"), sources)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEA_")}
    with serving(db, cwd=tmp_path, env=env) as base:
        assert _log_in(base, "alice", "wrong password") is None
        actor = _log_in(base, "alice", "a long password")
    assert actor and actor.get("id") == "alice"
