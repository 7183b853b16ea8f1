"""The Datasette plugin, templates and metadata of plea-corpus."""
