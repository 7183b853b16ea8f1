"""Options and error handling shared by every `plea` command."""
from __future__ import annotations

import functools
import os
import sqlite3
from pathlib import Path

import click

from corpus.errors import BuildFailed, ConfigError, SourceError

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


# The names of annotate.taggers.REGISTRY, spelled out so that starting any `plea`
# command does not import the taggers (a test keeps the two equal).
TAGGER_NAMES = ("combined", "learned", "rule", "keyword")


def tagger_option(fn):
    return click.option("--tagger", type=click.Choice(TAGGER_NAMES), default=None,
                        help="Tagger by name (default: combined — learned codes with the "
                             "rules' evidence, roles and modality; keyword is a baseline).")(fn)


def user_errors(fn):
    """Turn the library's user-facing errors into one clear line and exit 1.

    Also the two a wrong path causes anywhere: ``--db`` naming a file that is
    not SQLite, and an input file that is not UTF-8 text.
    """
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (SourceError, ConfigError, BuildFailed) as exc:
            raise click.ClickException(str(exc)) from None
        except sqlite3.DatabaseError as exc:
            db = kwargs.get("db_path") or default_db()
            raise click.ClickException(f"{db}: {exc} (is it a plea database? see --db)") from None
        except UnicodeDecodeError as exc:
            raise click.ClickException(f"an input file is not UTF-8 text (byte "
                                       f"0x{exc.object[exc.start]:02x} at offset {exc.start})"
                                       ) from None
    return wrapper


def text_input(fn):
    """TEXT argument, --file, --jsonl and --lang: how `plea tag` and `plea refs` read text."""
    for decorator in reversed([
        click.argument("text", required=False),
        click.option("--file", "file_", type=click.File("rb"),
                     help="Read the text (UTF-8) from a file ('-' for standard input)."),
        click.option("--jsonl", is_flag=True,
                     help="Read JSON Lines on standard input and write JSON Lines "
                          "(shared/spec/interfaces.md)."),
        click.option("--lang", type=click.Choice(["zh", "en", "de"]),
                     help="Language of the text (detected when omitted)."),
    ]):
        fn = decorator(fn)
    return fn


def read_text_file(file_) -> str:
    """The text of a ``--file`` (opened in binary): UTF-8, a BOM allowed; anything
    else (a PDF, an image) is one line naming the file and the byte, not a traceback."""
    data = file_.read()
    name = getattr(file_, "name", "<stdin>")
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{name}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "give a text file") from None
