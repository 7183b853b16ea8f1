"""The web view's pages, one module each, and the one route table.

A page module holds its query, its view model and its handler together, and
declares its URL: ``ROUTE`` (a regular expression, as Datasette's
``register_routes`` takes) and ``async def handle(datasette, request)``. What pages
share lives outside this package: render.py (links, template rendering, the page
cache), viewmodel.py (labels, highlighted pieces), queries.py (SQL).

To add a page: a module here and its name in :data:`PAGES`.
"""
from __future__ import annotations

import importlib
from typing import Awaitable, Callable

# In the order Datasette tries them.
PAGES: list[str] = ["matrix", "code", "provision", "search", "diff", "coverage", "brief",
                    "login", "logout", "annotate", "agreement"]


def routes() -> list[tuple[str, Callable[..., Awaitable]]]:
    """(pattern, handler) for every page, for the plugin's ``register_routes``."""
    out = []
    for name in PAGES:
        module = importlib.import_module(f"{__name__}.{name}")
        out.append((module.ROUTE, module.handle))
    return out
