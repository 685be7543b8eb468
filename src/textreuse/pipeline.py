"""``textreuse run``: the whole job, stage by stage, on the local engine.

Stages (each timed, with peak memory, in the manifest):

1. ingest — read and validate every record, stream it to Parquet, with its
   furniture spans and line hashes (boilerplate patterns);
2. boilerplate — lines repeated across a site, merged with the pattern spans
   into each document's boilerplate (documents that are nothing else become
   empty);
3. keys — rank documents by id (every tie-break depends on ids, never on input order);
4. fingerprint — seed n-gram postings of each distinct text, leaving out
   n-grams that touch boilerplate;
5. candidates — the relational plan: near-duplicate groups (sampled n-gram
   containment), postings to candidate pairs;
6. align — align every candidate pair (in worker processes), never into boilerplate;
7. cluster — passages to reuse clusters and near-duplicate groups;
8. provenance — the direction of every passage, each cluster's source, the site graph;
9. write — the output files, atomically.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from textreuse.config import RunConfig
from textreuse.engine.local import DuckDBEngine
from textreuse.engine.plan import (
    BOILERPLATE_STEPS,
    CANDIDATE_STEPS,
    CLUSTER_STEPS,
    DUPLICATE_EDGES,
    PRE_ALIGN_STEPS,
    PROVENANCE_STEPS,
)
from textreuse.io.readers import RecordReader
from textreuse.manifest import Manifest, peak_rss_mb
from textreuse.output import OutputFolder, write_outputs
from textreuse.parallel import WorkerPool
from textreuse.progress import Reporter
from textreuse.schema import STATUS_EMPTY
from textreuse.stages.alignment import ALIGNED_SCHEMA, align_batch
from textreuse.stages.fingerprint import POSTINGS_SCHEMA, WORDS_SCHEMA, fingerprint_batch
from textreuse.stages.ingest import LINE_HASHES_FILE, PATTERN_SPANS_FILE, ingest

#: Characters two occurrences in one document may overlap and still be separate spans.
OVERLAP_SLACK = 40
#: Direction by containment: the shares of the two documents covered by the pair's
#: passages must differ by at least this much.
MIN_CONTAINMENT = 0.2
#: Direction by support: one occurrence's support must be at least this many times the other's.
MIN_SUPPORT_RATIO = 1.1
#: Weight of a passage directed by a tie-break (not by dates) in a cluster's source confidence.
TIEBREAK_WEIGHT = 0.5


def run(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    overwrite: bool = False,
    progress: str = "auto",
    keep_work: bool = False,
    **options: Any,
) -> dict[str, Any]:
    """Find, align and cluster reused passages in ``inputs``; write them to ``out``.

    ``options`` are the fields of :class:`~textreuse.config.RunConfig` and
    :class:`~textreuse.core.align.AlignParams` (``threads``, ``max_df``,
    ``min_words``, ...). Returns the manifest. Nothing appears at ``out`` unless
    the whole run succeeds. ``keep_work`` keeps the intermediate tables in
    ``out/_work`` for inspection.
    """
    config = RunConfig.from_options(**options)
    folder = OutputFolder(Path(out), overwrite=overwrite, keep_work=keep_work)
    manifest = Manifest(config=config, inputs=[str(p) for p in inputs])
    with folder, Reporter(progress) as reporter, WorkerPool(config.threads) as pool:
        _run_stages(inputs, config, folder, manifest, reporter, pool)
        folder.commit()
    return manifest.data


def _run_stages(
    inputs: Sequence[str | Path],
    config: RunConfig,
    folder: OutputFolder,
    manifest: Manifest,
    reporter: Reporter,
    pool: WorkerPool,
) -> None:
    work = folder.work_dir
    with manifest.stage("ingest"):
        reporter.stage("reading input")
        result = ingest(
            RecordReader.from_config(inputs, config),
            work / "records.parquet",
            on_batch=reporter.advance,
            boilerplate=config.boilerplate,
        )
        manifest.record_input(result.stats, result.rejects)
        folder.write_rejects(result.rejects)

    engine = DuckDBEngine(work, config.threads)
    try:
        with manifest.stage("boilerplate"):
            reporter.stage("finding boilerplate")
            _boilerplate(engine, config, manifest, work)

        with manifest.stage("keys"):
            engine.con.execute(
                """CREATE TABLE docs AS
                SELECT (row_number() OVER (ORDER BY r.doc_id) - 1)::INTEGER AS doc_key,
                       r.doc_id, r.text_hash, r.content_start, r.content_end,
                       r.content_end - r.content_start - coalesce(b.bp_chars, 0) AS n_content,
                       coalesce(b.bp_spans, 0) AS bp_spans, r.date_utc, r.site_key
                FROM records AS r LEFT JOIN doc_boilerplate AS b ON b.doc_id = r.doc_id
                WHERE r.status = 'ok'"""
            )
            engine.run(PRE_ALIGN_STEPS[0])
            n_docs = engine.count("docs")

        with manifest.stage("fingerprint"):
            _fingerprint(engine, config, pool, reporter, manifest, work)

        with manifest.stage("candidates"):
            engine.run(
                PRE_ALIGN_STEPS[1],
                dup_sample=config.dup_sample,
                dup_similarity=config.dup_similarity,
                max_df=config.max_df,
            )
            manifest.stage_info(
                "near_components_rounds", engine.components("near_edges", "near_components")
            )
            for step in CANDIDATE_STEPS:
                engine.run(
                    step,
                    max_df=config.max_df,
                    min_shared=config.min_shared,
                    group_min=config.group_min,
                    min_words=config.align.min_words,
                )
            manifest.stage_info("candidate_pairs", engine.count("candidate_pairs"))
            manifest.stage_info("align_pairs", engine.count("align_pairs"))

        with manifest.stage("align"):
            _align(engine, config, pool, reporter, manifest, work)

        with manifest.stage("cluster"):
            reporter.stage("clustering")
            _cluster(engine, config)

        with manifest.stage("provenance"):
            reporter.stage("finding sources")
            for step in PROVENANCE_STEPS:
                engine.run(
                    step,
                    min_containment=MIN_CONTAINMENT,
                    min_support_ratio=MIN_SUPPORT_RATIO,
                    tiebreak_weight=TIEBREAK_WEIGHT,
                )
            manifest.record_provenance(engine.con)

        with manifest.stage("write"):
            reporter.stage("writing output")
            counts = write_outputs(engine, folder)
            manifest.record_output(counts, n_docs)
        manifest.write(folder)
    finally:
        engine.close()


def _boilerplate(engine: DuckDBEngine, config: RunConfig, manifest: Manifest, work: Path) -> None:
    """Each document's boilerplate spans; documents that are all boilerplate become empty."""
    con = engine.con
    con.execute(
        f"""CREATE TABLE records AS
        SELECT * FROM read_parquet('{work / "records.parquet"}')"""
    )
    engine.load_parquet("pattern_spans", work / PATTERN_SPANS_FILE)
    engine.load_parquet("line_hashes", work / LINE_HASHES_FILE)
    for step in BOILERPLATE_STEPS:
        engine.run(
            step,
            min_docs=config.boilerplate_min_docs,
            min_share=config.boilerplate_min_share,
        )
    con.execute(
        f"""UPDATE records SET status = '{STATUS_EMPTY}'
        WHERE doc_id IN (SELECT doc_id FROM doc_boilerplate WHERE all_boilerplate = 1)"""
    )
    # the spans of each document as two lists, for the fingerprint and align readers
    con.execute(
        """CREATE TABLE doc_span_lists AS
        SELECT doc_id, list(start_pos ORDER BY start_pos) AS bp_starts,
               list(end_pos ORDER BY start_pos) AS bp_ends
        FROM boilerplate_spans GROUP BY doc_id"""
    )
    row = con.execute(
        """SELECT count(*), coalesce(sum(bp_chars), 0), coalesce(sum(all_boilerplate), 0)
        FROM doc_boilerplate"""
    ).fetchall()
    documents, chars, emptied = (int(v) for v in row[0])
    manifest.record_boilerplate_empty(emptied)
    manifest.stage_info("repeated_lines", engine.count("repeated_lines"))
    manifest.stage_info("documents_with_boilerplate", documents)
    manifest.stage_info("boilerplate_chars", chars)
    manifest.stage_info("documents_all_boilerplate", emptied)


def _fingerprint(
    engine: DuckDBEngine,
    config: RunConfig,
    pool: WorkerPool,
    reporter: Reporter,
    manifest: Manifest,
    work: Path,
) -> None:
    total = engine.count("exact_groups WHERE doc_key = erep")
    reporter.stage("fingerprinting", total)
    reader = engine.arrow_reader(
        """SELECT d.doc_key, r.text, s.bp_starts, s.bp_ends FROM docs AS d
           JOIN exact_groups AS e ON e.doc_key = d.doc_key AND e.doc_key = e.erep
           JOIN records AS r ON r.doc_id = d.doc_id
           LEFT JOIN doc_span_lists AS s ON s.doc_id = d.doc_id""",
        batch_size=512,
    )
    job = functools.partial(fingerprint_batch, config.index_ngram)
    with (
        pq.ParquetWriter(work / "postings.parquet", POSTINGS_SCHEMA) as postings,
        pq.ParquetWriter(work / "words.parquet", WORDS_SCHEMA) as word_counts,
    ):
        for (post_batch, words_batch), size in _Sized(job, manifest).results(pool, reader):
            postings.write_batch(post_batch)
            word_counts.write_batch(words_batch)
            reporter.advance(size)
    engine.load_parquet("postings", work / "postings.parquet")
    engine.load_parquet("doc_words", work / "words.parquet")
    # exact duplicates have the words of their representative
    engine.con.execute(
        """CREATE OR REPLACE TABLE docs AS
        SELECT d.*, w.n_words FROM docs AS d
        JOIN exact_groups AS e ON e.doc_key = d.doc_key
        JOIN doc_words AS w ON w.doc_key = e.erep"""
    )


def _align(
    engine: DuckDBEngine,
    config: RunConfig,
    pool: WorkerPool,
    reporter: Reporter,
    manifest: Manifest,
    work: Path,
) -> None:
    total = engine.count("align_pairs")
    reporter.stage("aligning", total)
    reader = engine.arrow_reader(
        """SELECT p.ka, ra.text AS text_a, sa.bp_starts AS starts_a, sa.bp_ends AS ends_a,
                  p.kb, rb.text AS text_b, sb.bp_starts AS starts_b, sb.bp_ends AS ends_b
           FROM (SELECT DISTINCT ka, kb FROM align_pairs) AS p
           JOIN docs AS da ON da.doc_key = p.ka JOIN records AS ra ON ra.doc_id = da.doc_id
           JOIN docs AS db ON db.doc_key = p.kb JOIN records AS rb ON rb.doc_id = db.doc_id
           LEFT JOIN doc_span_lists AS sa ON sa.doc_id = da.doc_id
           LEFT JOIN doc_span_lists AS sb ON sb.doc_id = db.doc_id
           ORDER BY p.ka, p.kb""",
        batch_size=256,
    )
    job = functools.partial(align_batch, config.align)
    with pq.ParquetWriter(work / "aligned.parquet", ALIGNED_SCHEMA) as writer:
        for batch, size in _Sized(job, manifest).results(pool, reader):
            writer.write_batch(batch)
            reporter.advance(size)
    engine.load_parquet("aligned", work / "aligned.parquet")


class _Sized:
    """Wraps a batch job so that it also returns its input size (for progress)
    and records the worker's peak memory for the manifest."""

    def __init__(self, job: Any, manifest: Manifest) -> None:
        self.job = job
        self.manifest = manifest

    def __call__(self, batch: pa.RecordBatch) -> tuple[Any, int, float]:
        return self.job(batch), batch.num_rows, peak_rss_mb()["process"]

    def results(self, pool: WorkerPool, batches: Any) -> Iterator[tuple[Any, int]]:
        """Run over ``batches`` in ``pool``; yields ``(result, batch size)``."""
        worker_peak = 0.0
        for result, size, peak in pool.map_unordered(self, batches):
            worker_peak = max(worker_peak, peak)
            yield result, size
        self.manifest.stage_info("worker_peak_rss_mb", worker_peak)

    def __getstate__(self) -> dict[str, Any]:
        return {"job": self.job}  # the manifest stays in the main process

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.job = state["job"]


def _cluster(engine: DuckDBEngine, config: RunConfig) -> None:
    con = engine.con
    con.execute(
        """CREATE OR REPLACE TABLE passages_keyed AS
        SELECT row_number() OVER (ORDER BY ka, kb, a_start, b_start, a_end, b_end) - 1 AS pid, *
        FROM (
            SELECT ka, kb, a_start, a_end, b_start, b_end, score,
                   matches, substitutions, insertions, deletions,
                   rewrite_rate_ab, rewrite_rate_ba, reordered_ab, reordered_ba,
                   substitutions_ab, substitutions_ba
            FROM aligned
            UNION ALL
            SELECT x.ka, x.kb, da.content_start, da.content_end, db.content_start, db.content_end,
                   1.0, da.n_words, 0, 0, 0, 0.0, 0.0, false, false,
                   []::STRUCT(source VARCHAR, copy VARCHAR)[],
                   []::STRUCT(source VARCHAR, copy VARCHAR)[]
            FROM exact_passages AS x
            JOIN docs AS da ON da.doc_key = x.ka JOIN docs AS db ON db.doc_key = x.kb
        ) AS p"""
    )
    for step in CLUSTER_STEPS:
        engine.run(step, overlap_slack=OVERLAP_SLACK)
    engine.components("passage_edges", "passage_components")
    engine.run(DUPLICATE_EDGES, dup_coverage=config.dup_coverage)
    engine.components("duplicate_edges", "duplicate_components")
