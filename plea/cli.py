"""The ``plea`` command: the group that registers the commands of plea/commands/.

Every command lives in plea/commands/ (one module per command or group of
commands) and calls a library function; adding one is a module there and its
name in ``plea.commands.MODULES``. Errors a user can cause (bad input, missing
files, a bad manifest: ``plea.corpus.errors.PleaError``) become one line on stderr
and an exit status in one place, ``plea.options.PleaGroup``, never a traceback.
"""
from __future__ import annotations

import click

from .commands import register
from .options import PleaGroup


@click.group(cls=PleaGroup)
@click.version_option(package_name="plea-corpus")
def cli():
    """plea-corpus: plea negotiation law of China, the US, Germany and Taiwan,
    parsed into citable provisions, searchable and served with Datasette."""


register(cli)


def main() -> None:  # pragma: no cover - console entry point
    cli()


if __name__ == "__main__":  # pragma: no cover - `python -m plea.cli`
    main()
