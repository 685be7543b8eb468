"""The run manifest: parameters, versions, counts, and per-stage time and memory."""

from __future__ import annotations

import json
import platform
import re
import resource
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from textreuse.config import RunConfig
from textreuse.io.readers import ReadStats, Reject

if TYPE_CHECKING:
    from textreuse.engine.base import Engine
    from textreuse.output import OutputFolder

_PACKAGES = (
    "textreuse",
    "duckdb",
    "pyarrow",
    "numpy",
    "xxhash",
    "rapidfuzz",
    "trafilatura",
    "fastwarc",
    "python-dateutil",
)

#: Unparseable dates quoted in the manifest, as examples.
DATE_EXAMPLES = 10


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def peak_rss_mb() -> dict[str, float]:
    """Peak resident memory so far of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"process": round(own, 1), "children": round(children, 1)}


def reason_kind(reason: str) -> str:
    """A reject reason without its particulars (ids, numbers), to count kinds of problem."""
    kind = reason.split(";")[0].split(":")[0]
    kind = re.sub(r"^duplicate id '.*'$", "duplicate id", kind)
    return re.sub(r"(?<![\w-])\d+", "N", kind)[:120]


def count_reason_kinds(rejects: Iterable[Reject]) -> dict[str, int]:
    """How many rejects there are of each :func:`reason_kind`, in order of first sight."""
    return dict(Counter(reason_kind(reject.reason) for reject in rejects))


class Manifest:
    """Collects what a run did; written last, so its presence marks a complete run."""

    def __init__(self, config: RunConfig, inputs: list[str], engine: str = "local") -> None:
        self.data: dict[str, Any] = {
            "textreuse_manifest": 1,
            "engine": engine,
            "inputs": inputs,
            "parameters": config.to_dict(),
            "versions": _versions(),
            "input_counts": {},
            "output_counts": {},
            "stages": {},
        }
        self._current: dict[str, Any] | None = None
        self._started = time.monotonic()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time a stage and record the peak memory after it."""
        started = time.monotonic()
        entry: dict[str, Any] = {}
        self.data["stages"][name] = entry
        self._current = entry
        try:
            yield
        finally:
            entry["seconds"] = round(time.monotonic() - started, 3)
            entry["peak_rss_mb"] = peak_rss_mb()
            self._current = None

    def restore(self, data: dict[str, Any], stage: str) -> None:
        """Continue from the manifest a resumed run had after ``stage`` (its figures
        and counts); the stage is listed under ``resumed_stages``."""
        resumed = [*self.data.get("resumed_stages", []), stage]
        self.data = {**data, "parameters": self.data["parameters"], "resumed_stages": resumed}

    def stage_info(self, key: str, value: Any) -> None:
        """Attach a figure to the running stage."""
        if self._current is not None:
            self._current[key] = value

    def record_input(self, stats: ReadStats, rejects: list[Reject]) -> None:
        counts = stats.to_dict()
        counts["rejected_by_reason"] = count_reason_kinds(rejects)
        self.data["input_counts"] = counts

    def record_boilerplate_empty(self, count: int) -> None:
        """Move ``count`` documents that are all boilerplate from ``ok`` to ``empty``."""
        counts = self.data["input_counts"]
        counts["ok"] -= count
        counts["empty"] += count
        counts["empty_all_boilerplate"] = count

    def record_provenance(self, engine: Engine) -> None:
        """Date parsing of the indexed documents, and how passages were directed."""
        rows = engine.fetch(
            """SELECT r.date_status, count(*) FROM docs AS d
            JOIN records AS r ON r.doc_id = d.doc_id GROUP BY r.date_status"""
        )
        dates: dict[str, Any] = {"ok": 0, "missing": 0, "unparseable": 0}
        dates.update({str(status): int(n) for status, n in rows})
        examples = engine.fetch(
            f"""SELECT r.doc_id, r.date FROM docs AS d JOIN records AS r ON r.doc_id = d.doc_id
            WHERE r.date_status = 'unparseable'
            ORDER BY r.doc_id LIMIT {DATE_EXAMPLES}"""
        )
        dates["unparseable_examples"] = [{"doc_id": d, "date": v} for d, v in examples]
        if dates["ok"] == 0:
            dates["note"] = (
                "no document has a usable date: passage directions come from "
                "tie-breaks (containment, support) only"
            )
        self.data["dates"] = dates
        directions = engine.fetch(
            """SELECT direction, direction_basis, count(*) FROM passage_direction
            GROUP BY direction, direction_basis ORDER BY direction, direction_basis"""
        )
        by_direction: dict[str, int] = {}
        by_basis: dict[str, int] = {}
        for direction, basis, n in directions:
            by_direction[direction] = by_direction.get(direction, 0) + int(n)
            by_basis[basis] = by_basis.get(basis, 0) + int(n)
        self.data["directions"] = {"by_direction": by_direction, "by_basis": by_basis}

    def record_output(self, counts: dict[str, int], indexed_docs: int, files: list[str]) -> None:
        """What was found, and the files written (besides this manifest and the rejects)."""
        self.data["output_counts"] = {"documents_ok": indexed_docs, **counts}
        self.data["output_files"] = files

    def write(self, folder: OutputFolder) -> None:
        self.data["seconds"] = round(time.monotonic() - self._started, 3)
        self.data["peak_rss_mb"] = peak_rss_mb()
        folder.write_text("manifest.json", json.dumps(self.data, indent=2, default=str) + "\n")
