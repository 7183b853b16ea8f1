"""`plea annotators`: accounts are salted hashes, never plain passwords."""
from __future__ import annotations

import json

from click.testing import CliRunner

from plea.cli import cli
from plea.web.accounts import authenticate


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
