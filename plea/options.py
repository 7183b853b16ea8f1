"""Options shared by every `plea` command, and the one handler of user mistakes."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from plea.corpus import paths
from plea.corpus.errors import PleaError
from plea.corpus.readonly import OlderDatabase
from plea.corpus.vocab import LANGUAGES

def default_db() -> Path:
    return paths.db_path()


# -- shared options ------------------------------------------------------------
def sources_option(fn):
    return click.option("--sources", "sources_dir", type=click.Path(file_okay=False),
                        help=f"Directory of source texts (default: ${paths.SOURCES_VARIABLE}, "
                             f"else {(paths.SHARED / paths.SHARED_SOURCES).as_posix()}).")(fn)


def database_callback(name: str):
    """A click callback that notes the SQLite file an option names (``name`` is a
    key of ``plea.corpus.paths.DEFAULTS``), so the handler can say which one is wrong."""
    def remember(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        # ctx.meta is shared with the group's context, where the handler reads it.
        ctx.meta.setdefault("plea.databases", []).append(
            (param.opts[0], paths.default_path(name, value)))
        return value
    return remember


def db_option(fn):
    return click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None,
                        callback=database_callback("db"),
                        help=f"SQLite database (default: {paths.describe('db')}).")(fn)


def manifest_option(fn):
    return click.option("--manifest", type=click.Path(dir_okay=False), default=None,
                        help="Your own source manifest, merged with the shipped one "
                             f"(default: {paths.describe('manifest')}).")(fn)


# The names of annotate.taggers.REGISTRY, spelled out so that starting any `plea`
# command does not import the taggers (a test keeps the two equal).
TAGGER_NAMES = ("combined", "learned", "rule", "keyword")


def tagger_option(fn):
    return click.option("--tagger", type=click.Choice(TAGGER_NAMES), default=None,
                        help="Tagger by name (default: combined — learned codes with the "
                             "rules' evidence, roles and modality; keyword is a baseline).")(fn)


# -- the one handler ----------------------------------------------------------------
# What sqlite3 says when --db names a file that is not a plea database, or one
# built by another version; any other sqlite3 error is a bug and keeps its traceback.
NOT_A_PLEA_DATABASE = ("file is not a database", "database disk image is malformed",
                       "no such table", "no such column", "unable to open database file")


def _wrong_database(named: list[tuple[str, Path]], error: str) -> tuple[str, Path]:
    """Which of the SQLite files the command was given is the wrong one: the first
    that exists and is not SQLite at all, else (a table missing) the corpus database,
    whose tables the build makes (the store makes its own)."""
    if error.startswith(NOT_A_PLEA_DATABASE[:2]):
        for option, path in named:
            try:
                with open(path, "rb") as fh:
                    if fh.read(16) != b"SQLite format 3\x00":
                        return option, path
            except OSError:
                continue
    return next((n for n in named if n[0] == "--db"), named[0] if named else ("--db", default_db()))


class UserError(click.ClickException):
    """A user mistake as click shows it: ``Error: <one line>`` on stderr, then exit."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


class PleaGroup(click.Group):
    """The `plea` group: turns every user mistake raised under it into one line
    and an exit status, and lets everything else (a bug) show its traceback.

    A user mistake is a :class:`plea.corpus.errors.PleaError` (which names the file
    and the place), or one of the two a wrong path causes anywhere: ``--db``
    naming a file that is not a plea database, and an input file that is not
    UTF-8 text.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OlderDatabase as exc:
            # not even the corpus's first table: most likely --db names another file
            hint = ""
            if "sources" in exc.missing:
                option = _wrong_database(ctx.meta.get("plea.databases", []), "no such table")[0]
                hint = f" (is it a plea database? see {option})"
            raise UserError(str(exc) + hint, exc.exit_code) from None
        except PleaError as exc:
            raise UserError(str(exc), exc.exit_code) from None
        except sqlite3.DatabaseError as exc:
            if not str(exc).startswith(NOT_A_PLEA_DATABASE):
                raise
            option, db = _wrong_database(ctx.meta.get("plea.databases", []), str(exc))
            raise UserError(f"{db}: {exc} (is it a plea database? see {option})") from None
        except UnicodeDecodeError as exc:
            raise UserError(f"an input file is not UTF-8 text (byte "
                            f"0x{exc.object[exc.start]:02x} at offset {exc.start})") from None


def text_input(fn):
    """TEXT argument, --file, --jsonl and --lang: how `plea tag` and `plea refs` read text."""
    for decorator in reversed([
        click.argument("text", required=False),
        click.option("--file", "file_", type=click.File("rb"),
                     help="Read the text (UTF-8) from a file ('-' for standard input)."),
        click.option("--jsonl", is_flag=True,
                     help="Read JSON Lines on standard input and write JSON Lines "
                          "(shared/spec/interfaces.md)."),
        click.option("--lang", type=click.Choice(LANGUAGES),
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
