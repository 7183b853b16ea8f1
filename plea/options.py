"""Options and error handling shared by every `plea` command."""
from __future__ import annotations

import functools
import os
from pathlib import Path

import click

from corpus.errors import ConfigError, SourceError

DEFAULT_DB = Path("data") / "plea.db"


def default_db() -> Path:
    return Path(os.environ.get("PLEA_DB") or DEFAULT_DB)


# -- shared options ------------------------------------------------------------
def sources_option(fn):
    return click.option("--sources", "sources_dir", type=click.Path(file_okay=False),
                        help="Directory of source texts (default: $PLEA_SOURCES, "
                             "else ../shared/corpus).")(fn)


def db_option(fn):
    return click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None,
                        help=f"SQLite database (default: $PLEA_DB, else {DEFAULT_DB}).")(fn)


def manifest_option(fn):
    return click.option("--manifest", type=click.Path(dir_okay=False), default=None,
                        help="Your own source manifest, merged with the shipped one "
                             "(default: $PLEA_MANIFEST, else ./plea-sources.toml).")(fn)


def user_errors(fn):
    """Turn the library's user-facing errors into one clear line and exit 1."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (SourceError, ConfigError) as exc:
            raise click.ClickException(str(exc)) from None
    return wrapper
