"""Feature commands of `plea`, one module per feature.

Each module defines click commands and lists them in ``COMMANDS``; adding a
feature means adding its module name to ``MODULES``.
"""
from __future__ import annotations

import importlib

import click

MODULES: list[str] = ["sources", "serve", "tag", "refs", "brief", "annotate", "annotators", "add", "diff"]


def register(group: click.Group) -> None:
    for name in MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        for command in module.COMMANDS:
            group.add_command(command)
