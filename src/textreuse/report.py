"""``textreuse report``: a summary of a run's output folder, as plain values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from textreuse.duckdb_paths import connect_quietly, parquet_source
from textreuse.errors import OutputError
from textreuse.io.input_files import is_uri


def build_report(out: str | Path, top: int = 10) -> dict[str, Any]:
    """Counts, the largest clusters with their sources, the top copier → source
    site pairs and the most rewritten copies of the run in ``out``."""
    if is_uri(out):
        raise OutputError(
            f"{out} is a URI: report reads a local output folder; copy it here first "
            "(for example with hadoop fs -get or aws s3 cp --recursive)"
        )
    folder = Path(out)
    if not folder.is_dir():
        raise OutputError(f"{folder}: no such output folder")
    # the local engine writes each table as one file, the Spark engine as a folder of parts
    missing = [
        name
        for name in (
            "manifest.json",
            "documents.parquet",
            "passages.parquet",
            "clusters.parquet",
            "sites.parquet",
        )
        if not (folder / name).exists()
    ]
    if missing:
        raise OutputError(f"{folder} is not a textreuse output folder: missing {missing[0]}")
    manifest = _read_manifest(folder / "manifest.json")
    try:
        tables = _summary_tables(folder, top)
    except duckdb.Error as error:
        reason = str(error).strip().splitlines()[0]
        raise OutputError(f"{folder}: cannot read its tables (damaged?): {reason}") from error
    by_direction = tables.pop("passages_by_direction")
    with_site = tables.pop("documents_with_site")[0]["n"]
    return {
        "out": str(folder),
        "counts": {
            "documents": manifest.get("input_counts", {}),
            **manifest.get("output_counts", {}),
            "documents_with_site": with_site,
            "passages_by_direction": {r["direction"]: r["n"] for r in by_direction},
        },
        "dates": manifest.get("dates", {}),
        **tables,
    }


def _read_manifest(path: Path) -> dict[str, Any]:
    """The run's manifest; an error naming the file if it is not one."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise OutputError(f"{path}: cannot read the run's manifest: {error}") from error
    if not isinstance(manifest, dict) or "textreuse_manifest" not in manifest:
        raise OutputError(f"{path}: not a textreuse run manifest")
    return manifest


def _summary_tables(folder: Path, top: int) -> dict[str, list[dict[str, Any]]]:
    """The report's lists, queried from the output's Parquet tables, by report key."""
    con = connect_quietly()
    try:

        def rows(sql: str) -> list[dict[str, Any]]:
            cursor = con.execute(sql)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

        documents = f"read_parquet({parquet_source(str(folder / 'documents.parquet'))})"
        passages = f"read_parquet({parquet_source(str(folder / 'passages.parquet'))})"
        clusters = f"read_parquet({parquet_source(str(folder / 'clusters.parquet'))})"
        sites = f"read_parquet({parquet_source(str(folder / 'sites.parquet'))})"
        directions = rows(
            f"SELECT direction, count(*) AS n FROM {passages} GROUP BY direction ORDER BY direction"
        )
        with_site = rows(
            f"""SELECT count(*) AS n FROM {documents}
            WHERE status = 'ok' AND (trim(site) <> '' OR trim(url) <> '')"""
        )
        top_clusters = rows(
            f"""SELECT cluster_id, count(DISTINCT doc_id) AS documents, count(*) AS occurrences,
                   any_value(source_doc) AS source_doc,
                   round(any_value(source_confidence), 3) AS source_confidence
            FROM {clusters} GROUP BY cluster_id
            ORDER BY documents DESC, occurrences DESC, cluster_id LIMIT {int(top)}"""
        )
        top_sites = rows(
            f"""SELECT copier_site, source_site, passages, copier_articles,
                   round(copier_share, 3) AS copier_share,
                   round(median_rewrite_rate, 3) AS median_rewrite_rate
            FROM {sites} ORDER BY passages DESC, copier_site, source_site LIMIT {int(top)}"""
        )
        rewritten = rows(
            f"""SELECT passage_id,
                   CASE WHEN direction = 'b_to_a' THEN doc_a ELSE doc_b END AS copy_doc,
                   CASE WHEN direction = 'b_to_a' THEN doc_b ELSE doc_a END AS source_doc,
                   direction, round(rewrite_rate, 3) AS rewrite_rate,
                   [p.source || ' → ' || p.copy FOR p IN substitution_pairs][1:5]
                       AS substitutions
            FROM {passages}
            WHERE direction <> 'unknown' AND rewrite_rate > 0
            ORDER BY rewrite_rate DESC, passage_id LIMIT {int(top)}"""
        )
    finally:
        con.close()
    return {
        "passages_by_direction": directions,
        "documents_with_site": with_site,
        "top_clusters": top_clusters,
        "top_site_pairs": top_sites,
        "most_rewritten": rewritten,
    }
