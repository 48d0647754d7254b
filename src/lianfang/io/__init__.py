"""Readers and writers of unit workbooks (xlsx and YAML)."""
