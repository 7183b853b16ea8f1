"""Sources, parsers, the document model and the provision store of plea-corpus."""
