"""Datasette plugin: Chinese-aware search on every connection.

Datasette's table search runs ``… MATCH escape_fts(:search)``. Registering our
own ``escape_fts`` after Datasette's (``trylast``) turns a query such as 协商
into the single-character phrase the index is built for (see corpus.search),
and leaves English and German queries as Datasette would have them.
"""
from __future__ import annotations

from datasette import hookimpl

from corpus.search import fts_query, index_text


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)
    conn.create_function("plea_fts_query", 1, fts_query, deterministic=True)
    conn.create_function("plea_index_text", 1, index_text, deterministic=True)
