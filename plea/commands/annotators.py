"""`plea annotators`: the accounts annotators log in with in the web view."""
from __future__ import annotations

from pathlib import Path

import click

from plea.corpus import paths


def _accounts_file(option: str | None) -> Path:
    return paths.annotators_path(option)


def _file_option(fn):
    return click.option("--file", "file_", type=click.Path(dir_okay=False),
                        help=f"Accounts file (default: {paths.describe('annotators')}).")(fn)


@click.group()
def annotators():
    """Annotator accounts for the web view: a JSON file of salted scrypt hashes
    that `plea serve --annotators FILE` reads (never plain passwords)."""


@annotators.command(name="add")
@click.argument("username")
@click.option("--password", default=None,
              help="The password (asked twice when neither this nor --password-stdin is "
                   "given; on the command line it is seen by other users of the machine).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input (for scripts).")
@_file_option
def add_account(username, password, password_stdin, file_):
    """Add USERNAME, or change its password."""
    import sys

    from plea.web.accounts import set_password
    path = _accounts_file(file_)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    set_password(path, username, password)
    click.echo(f"{username} can log in (accounts in {path}).")


@annotators.command(name="remove")
@click.argument("username")
@_file_option
def remove_account(username, file_):
    """Remove USERNAME's account (their annotations stay in the store)."""
    from plea.web.accounts import remove
    path = _accounts_file(file_)
    if not remove(path, username):
        raise click.ClickException(f"{path}: no account {username!r}")
    click.echo(f"Removed {username}.")


@annotators.command(name="list")
@_file_option
def list_accounts(file_):
    """List the annotators who can log in."""
    from plea.web.accounts import load
    names = sorted(load(_accounts_file(file_)))
    click.echo("\n".join(names) if names else "(no accounts)")


COMMANDS = [annotators]
