"""``textreuse run``: the whole job, stage by stage, on either engine.

Stages (each timed, with peak memory, in the manifest):

1. ingest — read and validate every record, stream it to Parquet, with its
   furniture spans and line hashes (boilerplate patterns); URIs are read by the
   engine's executors instead (:mod:`textreuse.stages.uri_ingest`);
2. boilerplate — lines repeated across a site, merged with the pattern spans
   into each document's boilerplate (documents that are nothing else become
   empty);
3. keys — rank documents by id (every tie-break depends on ids, never on input order);
4. fingerprint — seed n-gram postings of each distinct text, leaving out
   n-grams that touch boilerplate;
5. candidates — the relational plan: near-duplicate groups (sampled n-gram
   containment), postings to candidate pairs;
6. align — align every candidate pair, never into boilerplate;
7. cluster — passages to reuse clusters and near-duplicate groups;
8. provenance — the direction of every passage, each cluster's source, the site graph;
9. write — the output files.

The relational steps are plan steps (:mod:`textreuse.engine.plan`) and the
per-document work is the stages' pure batch functions; an engine
(:mod:`textreuse.engine.base`) runs both: DuckDB and a process pool here, or
Spark. Each finished stage leaves a completion marker (:mod:`textreuse.resume`),
so a failed run started again with ``resume=True`` skips it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from textreuse.config import RunConfig
from textreuse.duckdb_paths import check_database_path
from textreuse.engine.base import Engine, Lookup
from textreuse.engine.local import DuckDBEngine
from textreuse.engine.plan import (
    BOILERPLATE_STEPS,
    CANDIDATE_STEPS,
    CLUSTER_STEPS,
    DOCS,
    DUPLICATE_EDGES,
    DUPLICATE_GROUPS,
    KEY_STEPS,
    NEAR_EDGES,
    PROVENANCE_STEPS,
)
from textreuse.errors import ConfigError
from textreuse.io.html import require_html_extra
from textreuse.io.input_files import check_distinct_inputs, is_page_file, is_uri
from textreuse.io.readers import RecordReader
from textreuse.manifest import Manifest
from textreuse.output import (
    OutputFolder,
    check_output_spares_inputs,
    output_counts,
    write_outputs,
)
from textreuse.parallel import WorkerPool
from textreuse.progress import Reporter
from textreuse.resume import StageMarkers
from textreuse.stages.alignment import ALIGNED_SCHEMA, align_batch
from textreuse.stages.fingerprint import POSTINGS_SCHEMA, WORDS_SCHEMA, fingerprint_batch
from textreuse.stages.ingest import LINE_HASHES_FILE, PATTERN_SPANS_FILE, ingest
from textreuse.stages.uri_ingest import ingest_uris

if TYPE_CHECKING:
    from textreuse.engine.spark import SparkEngine

#: Characters two occurrences in one document may overlap and still be separate spans.
OVERLAP_SLACK = 40
#: Direction by word containment: the source side of a passage has at least this
#: many more words the other side lacks than the other way round.
MIN_OMITTED_WORDS = 1
#: Direction by containment: the shares of the two documents covered by the pair's
#: passages must differ by at least this much.
MIN_CONTAINMENT = 0.2
#: Direction by support: one occurrence's support must be at least this many times the other's.
MIN_SUPPORT_RATIO = 1.1
#: Weight of a passage directed by a tie-break (not by dates) in a cluster's source confidence.
TIEBREAK_WEIGHT = 0.5

ENGINES = ("local", "spark")

#: Each document's text and boilerplate spans, joined to the pairs to align as
#: ``text_a``, ``starts_a``, ``ends_a`` (by ``ka``) and the same with ``_b`` (by ``kb``).
PAIR_TEXTS = Lookup(
    """SELECT d.doc_key, r.text, s.bp_starts AS starts, s.bp_ends AS ends
       FROM docs AS d JOIN records AS r ON r.doc_id = d.doc_id
       LEFT JOIN doc_span_lists AS s ON s.doc_id = d.doc_id""",
    key="doc_key",
    attach=(("ka", "_a"), ("kb", "_b")),
)


def run(
    inputs: Sequence[str | Path] | str | Path,
    out: str | Path,
    *,
    overwrite: bool = False,
    progress: str = "auto",
    keep_work: bool = False,
    engine: str = "local",
    spark_master: str | None = None,
    partitions: int | None = None,
    spark_conf: dict[str, str] | None = None,
    resume: bool = False,
    verbose: bool = False,
    **options: Any,
) -> dict[str, Any]:
    """Find, align and cluster reused passages in ``inputs``; write them to ``out``.

    ``options`` are the fields of :class:`~textreuse.config.RunConfig` and
    :class:`~textreuse.core.align.AlignParams` (``threads``, ``max_df``,
    ``min_words``, ...). ``engine`` is ``"local"`` (DuckDB) or ``"spark"``
    (``spark_master``, by default ``local[threads]``; ``partitions``, the shuffle
    partitions; ``spark_conf``, more Spark settings). Returns the manifest.
    Nothing appears at ``out`` unless the whole run succeeds; a run that fails
    after its first stage leaves its work beside ``out``, and ``resume=True``
    continues it, skipping the finished stages. ``keep_work`` keeps the
    intermediate tables in ``out/_work`` for inspection. With the Spark engine
    ``out`` may be a Hadoop file system URI (``hdfs://...``, ``s3a://...``): the
    executors write the tables and outputs there, and no ``textreuse.duckdb``.
    """
    if engine not in ENGINES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if engine == "local" and (spark_master or partitions or spark_conf):
        raise ConfigError("--spark-master, --partitions and Spark settings need --engine spark")
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]  # one path, not a sequence of characters
    if not inputs:
        raise ConfigError("no inputs given")
    config = RunConfig.from_options(**options)
    _check_inputs(inputs, engine)
    check_output_spares_inputs(out, inputs)
    remote = is_uri(out)
    if remote and engine != "spark":
        raise ConfigError(f"{out} is a URI: output to a URI is written with --engine spark")
    if not remote:  # textreuse.duckdb, and the local engine's work database, go there
        check_database_path(os.path.abspath(out))
    folder_options: dict[str, Any] = {
        "overwrite": overwrite,
        "keep_work": keep_work,
        "resume": resume,
    }
    spark_options: dict[str, Any] = {
        "master": spark_master,
        "partitions": partitions,
        "conf": spark_conf,
    }
    with contextlib.ExitStack() as stack:
        reporter = stack.enter_context(Reporter(progress))
        if config.workers < config.threads:
            reporter.info(
                f"--threads {config.threads}: using {config.workers}, the cores available"
            )
        # the pool forks before any engine thread starts (the Spark engine needs none)
        pool = stack.enter_context(WorkerPool(config.workers if engine == "local" else 1))
        if remote:
            # the output's file system is reached through the Spark session, so the
            # engine starts first and stops after the folder is committed or cleared
            scratch = Path(tempfile.mkdtemp(prefix="textreuse-"))
            stack.callback(shutil.rmtree, scratch, ignore_errors=True)
            spark = _start_spark(scratch, config, spark_options, verbose)
            stack.callback(spark.close)
            folder = stack.enter_context(
                OutputFolder(str(out), storage=spark.storage, scratch=scratch, **folder_options)
            )
            spark.table_root = folder.work_dir
            engine_: Engine = spark
        else:
            folder = stack.enter_context(OutputFolder(out, **folder_options))
            engine_ = _start_engine(engine, folder.scratch, config, pool, spark_options, verbose)
            stack.callback(engine_.close)
        manifest = Manifest(config=config, inputs=[str(p) for p in inputs], engine=engine)
        markers = StageMarkers(folder, manifest, config, inputs, engine)
        _Job(inputs, config, folder, manifest, reporter, engine_, pool).run(markers)
        if not remote:
            engine_.close()  # its files go with the work folder
        folder.commit()
    return manifest.data


def _check_inputs(inputs: Sequence[str | Path], engine: str) -> None:
    """URIs (``hdfs://...``) are read by Spark's executors, local paths by this process;
    a URI naming an HTML page or a WARC file needs the ``html`` extra here too."""
    uris = [str(path) for path in inputs if is_uri(path)]
    if not uris:
        check_distinct_inputs([os.fspath(path) for path in inputs])  # before any output
        return
    if engine != "spark":
        raise ConfigError(f"{uris[0]} is a URI: URIs are read with --engine spark")
    if len(uris) != len(inputs):
        raise ConfigError(
            "give either local paths or URIs, not both (a local path can be given as a file:// URI)"
        )
    if any(is_page_file(uri) for uri in uris):
        require_html_extra()


def _start_engine(
    kind: str,
    work: Path,
    config: RunConfig,
    pool: WorkerPool,
    spark_options: dict[str, Any],
    verbose: bool,
) -> Engine:
    if kind == "spark":
        return _start_spark(work, config, spark_options, verbose)
    return DuckDBEngine(work, config.workers, pool=pool)


def _start_spark(
    work: Path, config: RunConfig, spark_options: dict[str, Any], verbose: bool
) -> SparkEngine:
    from textreuse.engine.spark import SparkEngine

    return SparkEngine(work, config.workers, verbose=verbose, **spark_options)


class _Job:
    """One run's stages, in order, over one engine."""

    STAGES = (
        "ingest",
        "boilerplate",
        "keys",
        "fingerprint",
        "candidates",
        "align",
        "cluster",
        "provenance",
    )

    def __init__(
        self,
        inputs: Sequence[str | Path],
        config: RunConfig,
        folder: OutputFolder,
        manifest: Manifest,
        reporter: Reporter,
        engine: Engine,
        pool: WorkerPool,
    ) -> None:
        """``pool``: the worker processes (one, inline, with Spark), for the work
        done on this machine beside the engine's (reading the input)."""
        self.inputs = inputs
        self.config = config
        self.folder = folder
        self.manifest = manifest
        self.reporter = reporter
        self.engine = engine
        self.pool = pool

    def run(self, markers: StageMarkers) -> None:
        for name in self.STAGES:
            if markers.restore(name, self.engine):
                continue
            before = self.engine.table_names()
            self.engine.describe(name)
            with self.manifest.stage(name):
                stage: Callable[[], None] = getattr(self, name)
                stage()
            markers.finish(name, self.engine, self.engine.table_names() - before)
        self.engine.describe("write")
        with self.manifest.stage("write"):
            self.reporter.stage("writing output")
            files = write_outputs(self.engine, self.folder)
            counts = output_counts(self.engine)
            self.manifest.record_output(counts, self.engine.count("docs"), files)
        self.manifest.write(self.folder)

    def ingest(self) -> None:
        """Tables ``records``, ``pattern_spans`` and ``line_hashes``: read here from
        local paths, or by the engine's executors from URIs."""
        self.reporter.stage("reading input")
        engine = self.engine
        if is_uri(self.inputs[0]):
            stats, rejects = ingest_uris(engine, [str(uri) for uri in self.inputs], self.config)
        else:
            result = ingest(
                RecordReader.from_config(self.inputs, self.config),
                self.folder.scratch / "records.parquet",
                on_batch=self.reporter.advance,
                boilerplate=self.config.boilerplate,
                pool=self.pool,
            )
            stats, rejects = result.stats, result.rejects
            stats.ignored_files = [p for p in stats.ignored_files if not self.folder.is_own(p)]
            engine.load_parquet("records", self.folder.publish("records.parquet"))
            engine.load_parquet("pattern_spans", self.folder.publish(PATTERN_SPANS_FILE))
            engine.load_parquet("line_hashes", self.folder.publish(LINE_HASHES_FILE))
        self.manifest.record_input(stats, rejects)
        self.folder.write_rejects(rejects)

    def boilerplate(self) -> None:
        """Each document's boilerplate spans; documents that are all boilerplate become empty."""
        self.reporter.stage("finding boilerplate")
        engine, config = self.engine, self.config
        for step in BOILERPLATE_STEPS:
            engine.run(
                step, min_docs=config.boilerplate_min_docs, min_share=config.boilerplate_min_share
            )
        row = engine.fetch(
            """SELECT count(*), coalesce(sum(bp_chars), 0), coalesce(sum(all_boilerplate), 0)
            FROM doc_boilerplate"""
        )
        documents, chars, emptied = (int(v) for v in row[0])
        self.manifest.record_boilerplate_empty(emptied)
        self.manifest.stage_info("repeated_lines", engine.count("repeated_lines"))
        self.manifest.stage_info("documents_with_boilerplate", documents)
        self.manifest.stage_info("boilerplate_chars", chars)
        self.manifest.stage_info("documents_all_boilerplate", emptied)

    def keys(self) -> None:
        for step in KEY_STEPS:
            self.engine.run(step)

    def fingerprint(self) -> None:
        engine = self.engine
        self.reporter.stage("fingerprinting", engine.count("exact_groups WHERE doc_key = erep"))
        facts = engine.map_batches(
            """SELECT d.doc_key, r.text, s.bp_starts, s.bp_ends FROM doc_keys AS d
               JOIN exact_groups AS e ON e.doc_key = d.doc_key AND e.doc_key = e.erep
               JOIN records AS r ON r.doc_id = d.doc_id
               LEFT JOIN doc_span_lists AS s ON s.doc_id = d.doc_id""",
            functools.partial(fingerprint_batch, self.config.index_ngram),
            {"postings": POSTINGS_SCHEMA, "doc_words": WORDS_SCHEMA},
            batch_size=512,
            progress=self.reporter.advance,
        )
        self._stage_facts(facts)
        # exact duplicates have the words of their representative
        engine.run(DOCS)

    def candidates(self) -> None:
        engine, config = self.engine, self.config
        self.reporter.stage("finding candidate pairs")
        engine.run(
            NEAR_EDGES,
            dup_sample=config.dup_sample,
            dup_similarity=config.dup_similarity,
            max_df=config.max_df,
        )
        rounds = engine.components("near_edges", "near_components")
        self.manifest.stage_info("near_components_rounds", rounds)
        for step in CANDIDATE_STEPS:
            engine.run(
                step,
                max_df=config.max_df,
                min_shared=config.min_shared,
                group_min=config.group_min,
                min_words=config.align.min_words,
            )
        self.manifest.stage_info("candidate_pairs", engine.count("candidate_pairs"))
        self.manifest.stage_info("align_pairs", engine.count("align_pairs"))

    def align(self) -> None:
        engine = self.engine
        self.reporter.stage("aligning", engine.count("align_pairs"))
        facts = engine.map_batches(
            "SELECT DISTINCT ka, kb FROM align_pairs",
            functools.partial(_one_output, functools.partial(align_batch, self.config.align)),
            {"aligned": ALIGNED_SCHEMA},
            batch_size=256,
            progress=self.reporter.advance,
            cluster_by=("ka", "kb"),  # a worker prepares each text once for its pairs
            pair_keys=("ka", "kb"),  # ... and a text's pairs come close together
            lookup=PAIR_TEXTS,  # each text joined to its pairs once they are in order
        )
        self._stage_facts(facts)

    def cluster(self) -> None:
        engine = self.engine
        self.reporter.stage("clustering")
        for step in CLUSTER_STEPS:
            engine.run(step, overlap_slack=OVERLAP_SLACK)
        engine.components("passage_edges", "passage_components")
        engine.run(DUPLICATE_EDGES, dup_coverage=self.config.dup_coverage)
        engine.components("duplicate_edges", "duplicate_components")
        engine.run(DUPLICATE_GROUPS)

    def provenance(self) -> None:
        self.reporter.stage("finding sources")
        for step in PROVENANCE_STEPS:
            self.engine.run(
                step,
                min_omitted=MIN_OMITTED_WORDS,
                min_containment=MIN_CONTAINMENT,
                min_support_ratio=MIN_SUPPORT_RATIO,
                tiebreak_weight=TIEBREAK_WEIGHT,
            )
        self.manifest.record_provenance(self.engine)

    def _stage_facts(self, facts: dict[str, Any]) -> None:
        for key, value in facts.items():
            self.manifest.stage_info(key, value)


def _one_output(
    job: Callable[[pa.RecordBatch], pa.RecordBatch], batch: pa.RecordBatch
) -> tuple[pa.RecordBatch]:
    """A batch function with one output table, in the engines' many-output form."""
    return (job(batch),)
