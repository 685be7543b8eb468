"""Completion markers of a run's stages, so that a failed run can be resumed.

When a stage finishes, its tables are made durable by the engine (DuckDB keeps
them in its database file; Spark writes them as Parquet folders) and a marker
``_work/stages/NAME.json`` is written atomically: the tables, and the manifest as
it stood. A run started again with ``resume`` restores the stages that have a
marker, in order, and runs the rest. A run resumes only the work of the same
inputs, options, engine and textreuse version (``_work/run.json``); ``threads``
may differ.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textreuse.config import RunConfig
from textreuse.errors import ConfigError
from textreuse.io.input_files import is_uri
from textreuse.io.storage import child

if TYPE_CHECKING:
    from textreuse.engine.base import Engine
    from textreuse.manifest import Manifest
    from textreuse.output import OutputFolder

#: Options that change how fast a run goes, never what it finds.
_ANY_VALUE = ("threads", "workers")


class StageMarkers:
    """The markers of one output folder's staging work."""

    def __init__(
        self,
        folder: OutputFolder,
        manifest: Manifest,
        config: RunConfig,
        inputs: Sequence[str | Path],
        engine: str,
    ) -> None:
        self.folder = folder
        self.storage = folder.storage
        self.manifest = manifest
        self.dir = child(folder.work_dir, "stages")
        self.storage.make_dirs(self.dir)
        parameters = {k: v for k, v in config.to_dict().items() if k not in _ANY_VALUE}
        from textreuse import __version__

        self.run_key = {
            "inputs": [str(p) if is_uri(p) else str(Path(p).resolve()) for p in inputs],
            "parameters": parameters,
            "engine": engine,
            "version": __version__,
        }
        key_file = child(folder.work_dir, "run.json")
        self.resuming = folder.resumed
        if self.resuming:
            started = self._read_json(key_file)
            if started != json.loads(json.dumps(self.run_key)):
                raise ConfigError(
                    f"cannot resume {folder.path}: the unfinished run there had other "
                    "inputs, options, engine or textreuse version; run again without "
                    "--resume to start over"
                )
        else:
            self._write_json(key_file, self.run_key)

    def restore(self, stage: str, engine: Engine) -> bool:
        """Restore ``stage`` if it finished before; once one has not, none after it is."""
        marker = child(self.dir, f"{stage}.json")
        if not self.resuming or not self.storage.exists(marker):
            self.resuming = False
            return False
        done = self._read_json(marker)
        if not isinstance(done, dict) or not {"tables", "manifest"} <= done.keys():
            raise self._damaged(marker, "not a stage marker")
        engine.restore(done["tables"])
        self.manifest.restore(done["manifest"], stage)
        return True

    def finish(self, stage: str, engine: Engine, tables: Iterable[str]) -> None:
        """Make the stage's new tables durable, then write its marker."""
        stored = engine.checkpoint(sorted(tables))
        marker = child(self.dir, f"{stage}.json")
        self._write_json(marker, {"tables": stored, "manifest": self.manifest.data})
        self.folder.keep_on_failure = True

    def _read_json(self, location: str) -> Any:
        try:
            return json.loads(self.storage.read_text(location))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise self._damaged(location, str(error)) from error

    def _damaged(self, location: str, reason: str) -> ConfigError:
        """Work files are written atomically, so only something outside the run
        damages them; it cannot be resumed."""
        return ConfigError(
            f"cannot resume {self.folder.path}: its work file {location} is missing or "
            f"damaged ({reason}); run again without --resume to start over"
        )

    def _write_json(self, location: str, data: Any) -> None:
        self.storage.write_text(location, json.dumps(data, indent=1, default=str))
