"""Engines that run the relational plan: DuckDB locally (Spark is planned, issue #6)."""
