"""Engines that run the relational plan: DuckDB on one machine, Spark on a cluster.

Both implement :class:`~textreuse.engine.base.Engine`; the pipeline is written
against that interface only.
"""
