"""``textreuse ingest``: read inputs into one corpus Parquet file, without detecting reuse.

The corpus holds one row per input record with the columns of
:data:`textreuse.schema.RECORD_SCHEMA` (``doc_id``, ``text``, metadata, ``status``,
``source``, ``location``); for HTML and WARC input ``text`` is the extracted main text.
It can be passed to ``textreuse run`` as it is: the run reads ``doc_id`` as the id and
counts each row the ingest rejected as rejected again (see
:func:`textreuse.io.formats.read_parquet`). Rejected records are listed beside it in
``NAME.rejects.jsonl``. Both files are written under a temporary name and renamed into
place, so a failed run leaves nothing that looks complete.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from textreuse.config import RunConfig
from textreuse.errors import OutputError
from textreuse.io.html import Extractor
from textreuse.io.readers import RecordReader
from textreuse.manifest import count_reason_kinds
from textreuse.output import check_output_spares_inputs
from textreuse.progress import Reporter
from textreuse.schema import RECORD_SCHEMA

__all__ = ["ingest_corpus", "rejects_path"]


def rejects_path(out: Path) -> Path:
    """Where the rejects of corpus ``out`` go: ``corpus.parquet`` -> ``corpus.rejects.jsonl``."""
    stem = out.name[: -len(".parquet")] if out.name.lower().endswith(".parquet") else out.name
    return out.with_name(f"{stem}.rejects.jsonl")


def ingest_corpus(
    inputs: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    page_extractor: Extractor | None = None,
    progress: str = "auto",
    **options: Any,
) -> dict[str, Any]:
    """Read ``inputs`` into the Parquet file ``out``; returns the counts.

    ``options`` are the reading options of :class:`~textreuse.config.RunConfig`
    (``threads``, ``page_timeout``, ``on_error``, ``max_doc_chars``,
    ``txt_fallback_encoding``, ``batch_size``). ``progress`` is as for
    :func:`textreuse.run`: a bar on a terminal, log lines otherwise (``auto``), or
    ``none``. Raises :class:`OutputError` if ``out`` exists and ``overwrite`` is false.
    """
    config = RunConfig.from_options(**options)
    target = Path(out)
    if not target.name.lower().endswith(".parquet"):
        raise OutputError(
            f"--out {out}: ingest writes a Parquet corpus, so its name must end in .parquet "
            "(a .jsonl or .csv name would hold Parquet that no reader expects)"
        )
    rejects_target = rejects_path(target)
    for written in (target, rejects_target):
        check_output_spares_inputs(written, list(inputs))
    if not overwrite:
        for path in (target, rejects_target):
            if path.exists():
                raise OutputError(f"{path} already exists (use --overwrite to replace it)")
    reader = RecordReader.from_config(list(inputs), config, page_extractor)
    started = time.monotonic()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {target.parent}: {exc.strerror or exc}") from exc
    temp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    temp_rejects = rejects_target.with_name(f".{rejects_target.name}.tmp-{os.getpid()}")
    try:
        with (
            Reporter(progress) as reporter,
            pq.ParquetWriter(temp, RECORD_SCHEMA, compression="zstd") as writer,
        ):
            reporter.stage("reading input")
            for batch in reader.batches():
                writer.write_batch(batch)
                reporter.advance(batch.num_rows)
        with temp_rejects.open("w", encoding="utf-8") as handle:
            for reject in reader.rejects:
                handle.write(json.dumps(reject.to_dict(), ensure_ascii=False) + "\n")
        os.replace(temp, target)
        os.replace(temp_rejects, rejects_target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        for path in (temp, temp_rejects):
            path.unlink(missing_ok=True)
    counts: dict[str, Any] = reader.stats.to_dict()
    counts["rejected_by_reason"] = count_reason_kinds(reader.rejects)
    return {
        "corpus": str(target),
        "rejects": str(rejects_target),
        "input_counts": counts,
        "seconds": round(time.monotonic() - started, 3),
    }
