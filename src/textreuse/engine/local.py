"""The local engine: runs the relational plan on DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from textreuse.engine.plan import (
    COMPONENTS_INIT,
    COMPONENTS_STEP,
    MAX_COMPONENT_ROUNDS,
    Step,
)


class DuckDBEngine:
    """Executes plan steps as DuckDB tables in one connection."""

    def __init__(self, work_dir: Path, threads: int, memory_limit: str | None = None) -> None:
        self.work_dir = work_dir
        self.con = duckdb.connect(str(work_dir / "engine.duckdb"))
        self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute(f"SET temp_directory = '{work_dir / 'spill'}'")
        self.con.execute("SET preserve_insertion_order = false")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")

    def close(self) -> None:
        self.con.close()

    def load_parquet(self, name: str, path: Path) -> None:
        """Create table ``name`` from a Parquet file or folder (``*.parquet``)."""
        pattern = str(path / "*.parquet") if path.is_dir() else str(path)
        self.con.execute(
            f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_parquet('{pattern}')"
        )

    def run(self, step: Step, **params: Any) -> int:
        """Create the step's table; returns its row count."""
        sql = step.sql.format(**params)
        self.con.execute(f"CREATE OR REPLACE TABLE {step.name} AS {sql}")
        return self.count(step.name)

    def count(self, table: str) -> int:
        row = self.con.execute(f"SELECT count(*) FROM {table}").fetchall()
        return int(row[0][0]) if row else 0

    def components(self, edges: str, out: str) -> int:
        """Connected components of ``edges(a, b)`` into ``out(node, label)``.

        ``label`` is the smallest node of each component. Returns the rounds used.
        """
        con = self.con
        con.execute(f"CREATE OR REPLACE TABLE {out} AS {COMPONENTS_INIT.format(edges=edges)}")
        for round_no in range(1, MAX_COMPONENT_ROUNDS + 1):
            step = COMPONENTS_STEP.format(edges=edges, labels=out)
            con.execute(f"CREATE OR REPLACE TABLE {out}_next AS {step}")
            row = con.execute(
                f"SELECT count(*) FROM {out}_next AS n JOIN {out} AS o USING (node) "
                "WHERE n.label <> o.label"
            ).fetchall()
            con.execute(f"DROP TABLE {out}")
            con.execute(f"ALTER TABLE {out}_next RENAME TO {out}")
            if not row or row[0][0] == 0:
                return round_no
        raise RuntimeError(
            f"connected components did not converge in {MAX_COMPONENT_ROUNDS} rounds"
        )

    def arrow_reader(self, query: str, batch_size: int = 2048) -> Any:
        """Stream a query's result as Arrow record batches."""
        return self.con.cursor().sql(query).to_arrow_reader(batch_size)
