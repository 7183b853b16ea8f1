"""What the web view needs to lay out the comparison matrix: its columns, and the
codebook the database was built with (dimension labels, the order of roles and
modalities), read from the database's codebook tables (annotate.taxonomy).

The matrix itself is one SQL statement owned by the comparison code
(``plea.annotate.compare.matrix_sql``): it is the ``comparison_matrix`` view the build
creates (plea.web.views), the stored query of that name when the view is absent, and
what the home page reads through ``plea.annotate.compare.matrix`` — so the HTML matrix
and its CSV/JSON export cannot disagree.
"""
from __future__ import annotations

import sqlite3

# The comparison's own order (any other jurisdiction follows alphabetically) lives with
# the comparison code; re-exported for the metadata.
from plea.annotate.compare import (JURISDICTION_ORDER, matrix_jurisdictions,  # noqa: F401
                              order_jurisdictions)
from plea.annotate.taxonomy import Taxonomy, stored_codebook

SCHOLARSHIP = "scholarship"


def codebook(conn: sqlite3.Connection) -> Taxonomy:
    """The codebook of the served database: dimensions (with labels), codes, roles and
    modalities in codebook order, from its ``dimensions``, ``taxonomy``, ``roles`` and
    ``modalities`` tables."""
    return stored_codebook(conn)


def jurisdictions(conn: sqlite3.Connection) -> list[str]:
    """Jurisdictions with at least one non-scholarly source in the database."""
    return matrix_jurisdictions(conn)

