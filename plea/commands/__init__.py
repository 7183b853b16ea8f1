"""The commands of `plea`, one module per command or group of commands.

Each module defines click commands and lists them in ``COMMANDS``; adding a
command means adding its module here and its name to ``MODULES``. Commands
raise ``plea.corpus.errors.PleaError`` for a user mistake and leave the message to
the group's one handler (``plea.options.PleaGroup``).
"""
from __future__ import annotations

import importlib

import click

MODULES: list[str] = ["sources", "build", "serve", "add", "diff", "tag", "refs", "annotate",
                      "annotators", "brief", "compare"]


def register(group: click.Group) -> None:
    for name in MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        for command in module.COMMANDS:
            group.add_command(command)
