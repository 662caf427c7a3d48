"""Shared by the migration tests: reading the schema a migration leaves behind."""

from __future__ import annotations

# SQLite's own tables and indexes (sqlite_sequence, autoindexes) follow from what is declared.
SCHEMA = "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
