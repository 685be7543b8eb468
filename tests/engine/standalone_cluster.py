"""A real Spark standalone cluster on loopback, for integration tests.

:class:`StandaloneCluster` starts one master and a few workers as separate JVMs from
the scripts and jars shipped inside the ``pyspark`` pip package (``bin/spark-class``;
the pip package has no ``sbin/start-master.sh``), waits until the master reports
every worker ALIVE, and stops them all again on exit::

    with StandaloneCluster(workers=2) as cluster, cluster.driver_environment():
        engine = SparkEngine(tmp_path / "engine", master=cluster.master_url,
                             conf=cluster.spark_conf())
        ...
        cluster.kill_worker(0)  # SIGKILL one worker JVM and its executor
        ...
        engine.close()

Each daemon runs in its own process group (``start_new_session``), so killing a
worker's group also kills the executor JVM it forked; the executor's Python daemon
makes a group of its own and is found through ``/proc`` instead. Nothing is left
running after :meth:`StandaloneCluster.stop`, even when a test fails. Daemon logs go
to files under the cluster's folder, never to the test output; a start-up failure
quotes their tails.

Linux only (process groups, ``/proc``); needs Java 17 or later, like PySpark 4.0.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

HOST = "127.0.0.1"
MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
#: How often the start-up and kill waits ask the master for its state (seconds).
POLL_INTERVAL = 0.2
#: JVM options for the daemons and executors: test jobs are tiny and short-lived, and
#: the machines small, so one GC thread and no C2 compiler save CPU and start-up time.
JVM_OPTIONS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1"


class ClusterError(RuntimeError):
    """The cluster did not start, or did not reach the state a test waited for."""


def spark_home() -> Path:
    """The Spark installation that belongs to the imported ``pyspark``.

    The pip package is itself a Spark home (``bin/spark-class``, ``jars/``); a
    ``SPARK_HOME`` in the environment is used only when the package is not one, so
    the daemons always run the same Spark version as the client.
    """
    import pyspark

    package = Path(pyspark.__file__).resolve().parent
    if (package / "bin" / "spark-class").is_file() and (package / "jars").is_dir():
        return package
    from pyspark.find_spark_home import _find_spark_home

    return Path(_find_spark_home())


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _children_by_pid() -> dict[int, list[int]]:
    """Every live process's children, read from ``/proc/<pid>/stat``."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="utf-8", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited while we looked
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def descendants(pid: int) -> list[int]:
    """The PIDs of all processes below ``pid`` (children, grandchildren, ...)."""
    children = _children_by_pid()
    found: list[int] = []
    stack = list(children.get(pid, []))
    while stack:
        child = stack.pop()
        found.append(child)
        stack.extend(children.get(child, []))
    return found


def is_running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie, dead but not yet reaped, is not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def _kill_tree(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """SIGKILL ``process``, its process group, and every descendant; return once all are dead.

    Descendants are listed before anything dies (an orphan's parent becomes init,
    so the tree can only be read while it is whole). A descendant that leads a group
    of its own (PySpark's ``daemon.py`` does ``setpgid(0, 0)``) has that group
    killed too, which takes the Python workers it forked. SIGKILL is delivered
    asynchronously (a JVM with many threads takes a moment to go), so this then
    reaps ``process`` and polls until no descendant is left.
    """
    if process.poll() is not None:
        return
    below = descendants(process.pid)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # start_new_session: group id == pid
    for pid in below:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if os.getpgid(pid) == pid:
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
    process.wait(timeout=timeout)
    deadline = time.monotonic() + timeout
    while survivors := [pid for pid in below if is_running(pid)]:
        if time.monotonic() > deadline:
            raise ClusterError(f"processes {survivors} survived SIGKILL for {timeout:.0f} s")
        time.sleep(0.02)


def _tail(path: Path, lines: int) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"<cannot read {path}: {exc}>"
    return "\n".join(text.splitlines()[-lines:])


class StandaloneCluster:
    """One Spark standalone master and ``workers`` workers, each its own JVM, on loopback.

    ``cores`` and ``memory`` are what each worker offers; ``executor_memory`` is what
    :meth:`spark_conf` asks for per executor (one executor per worker, one core each
    by default). ``daemon_memory`` is the heap of the master and worker JVMs;
    ``jvm_options`` go to them and, through :meth:`spark_conf`, to the executors
    (``""`` keeps the JVM's defaults). Files (daemon logs, the workers' folders with
    the executors' logs) go under ``base_dir``, or under a temporary folder that
    :meth:`stop` deletes; a ``base_dir`` given by the caller is kept. :meth:`start`
    waits at most ``start_timeout`` seconds for every worker to register.
    """

    def __init__(
        self,
        workers: int = 2,
        *,
        cores: int = 1,
        memory: str = "1g",
        executor_memory: str = "512m",
        daemon_memory: str = "256m",
        jvm_options: str = JVM_OPTIONS,
        base_dir: Path | None = None,
        start_timeout: float = 90.0,
    ) -> None:
        if workers < 1:
            raise ValueError("a cluster needs at least one worker")
        self.workers = workers
        self.cores = cores
        self.memory = memory
        self.executor_memory = executor_memory
        self.daemon_memory = daemon_memory
        self.jvm_options = jvm_options
        self.start_timeout = start_timeout
        self.spark_home = spark_home()
        self._own_dir = base_dir is None
        self.base_dir = base_dir if base_dir is not None else Path(tempfile.mkdtemp("-spark"))
        self.log_dir = self.base_dir / "logs"
        self.master_port = 0
        self.webui_port = 0
        self._master: subprocess.Popen[bytes] | None = None
        self._workers: list[subprocess.Popen[bytes]] = []
        self._logs: list[IO[bytes]] = []

    # -- addresses ------------------------------------------------------------------

    @property
    def master_url(self) -> str:
        """The URL clients connect to: ``spark://127.0.0.1:<port>``."""
        return f"spark://{HOST}:{self.master_port}"

    @property
    def webui_url(self) -> str:
        """The master's web UI; ``<webui_url>/json/`` is its state as JSON."""
        return f"http://{HOST}:{self.webui_port}"

    @property
    def worker_pids(self) -> list[int]:
        """The PID of each worker JVM, in start order (a killed worker's PID stays listed).

        ``spark-class`` ends in ``exec java``, so once the worker runs this is the JVM
        itself; it also leads the worker's process group.
        """
        return [process.pid for process in self._workers]

    @property
    def master_pid(self) -> int:
        """The PID of the master JVM (it leads the master's process group)."""
        if self._master is None:
            raise ClusterError("the cluster is not started")
        return self._master.pid

    def worker_log(self, index: int) -> Path:
        """The file that worker ``index``'s output goes to."""
        return self.log_dir / f"worker-{index}.log"

    @property
    def master_log(self) -> Path:
        return self.log_dir / "master.log"

    # -- life cycle -----------------------------------------------------------------

    def __enter__(self) -> StandaloneCluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> StandaloneCluster:
        """Start the master and the workers; return once all workers are ALIVE.

        Raises :class:`ClusterError` (with the tails of the daemon logs) if a daemon
        exits or the workers do not all register in time. Whatever was started is
        stopped again before the error propagates.
        """
        if self._master is not None:
            raise ClusterError("the cluster is already started")
        try:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            self.master_port, self.webui_port = free_port(), free_port()
            self._master = self._launch(
                "master",
                [
                    *(MASTER_CLASS, "--host", HOST, "--port", str(self.master_port)),
                    *("--webui-port", str(self.webui_port)),
                ],
            )
            for index in range(self.workers):
                work_dir = self.base_dir / f"worker-{index}"
                work_dir.mkdir(parents=True, exist_ok=True)
                self._workers.append(
                    self._launch(
                        f"worker-{index}",
                        [
                            *(WORKER_CLASS, self.master_url, "--host", HOST),
                            *("--cores", str(self.cores), "--memory", self.memory),
                            *("--webui-port", str(free_port()), "--work-dir", str(work_dir)),
                        ],
                    )
                )
            self.wait_for_workers(self.workers, timeout=self.start_timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Kill every daemon with all it started (executors, Python workers); idempotent.

        Uses SIGKILL: a test cluster has nothing to save, and a graceful shutdown
        only adds seconds. Deletes the cluster's folder unless the caller gave it.
        """
        processes = [*self._workers, *([self._master] if self._master is not None else [])]
        errors: list[BaseException] = []
        for process in processes:
            try:
                _kill_tree(process)
            except Exception as exc:  # keep going: kill the others first
                errors.append(exc)
        for log in self._logs:
            log.close()
        self._logs.clear()
        if self._own_dir and not errors:
            shutil.rmtree(self.base_dir, ignore_errors=True)
        if errors:
            raise ClusterError(f"could not stop all daemons: {errors!r}")

    def _launch(self, name: str, arguments: list[str]) -> subprocess.Popen[bytes]:
        """Run ``spark-class <arguments>`` as a new session, output to ``logs/<name>.log``."""
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 (closed by stop())
        self._logs.append(log)
        return subprocess.Popen(
            [str(self.spark_home / "bin" / "spark-class"), *arguments],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self._environment(),
            cwd=self.base_dir,
            start_new_session=True,
        )

    def _environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            # a client's gateway settings must not leak into the daemons
            if not key.startswith(("PYSPARK_GATEWAY", "PYSPARK_DRIVER"))
        }
        env.update(
            SPARK_HOME=str(self.spark_home),
            SPARK_CONF_DIR=str(self.base_dir / "conf"),  # empty: no stray spark-env.sh
            SPARK_LOCAL_IP=HOST,
            SPARK_LOG_DIR=str(self.log_dir),
            SPARK_PID_DIR=str(self.base_dir / "pids"),
            SPARK_WORKER_DIR=str(self.base_dir / "work"),
            SPARK_DAEMON_MEMORY=self.daemon_memory,
            SPARK_DAEMON_JAVA_OPTS=self.jvm_options,
            PYSPARK_PYTHON=sys.executable,
        )
        return env

    # -- state ----------------------------------------------------------------------

    def master_state(self, timeout: float = 5.0) -> dict[str, Any]:
        """The master's state, as its web UI serves it at ``/json/``."""
        with urllib.request.urlopen(f"{self.webui_url}/json/", timeout=timeout) as response:
            state: dict[str, Any] = json.load(response)
        return state

    def alive_workers(self) -> int:
        """How many workers the master counts as ALIVE."""
        state = self.master_state()
        return sum(1 for worker in state.get("workers", []) if worker.get("state") == "ALIVE")

    def wait_for_workers(self, count: int, timeout: float = 90.0) -> None:
        """Poll the master until exactly ``count`` workers are ALIVE."""
        self._wait(lambda: self.alive_workers() == count, f"{count} alive workers", timeout)

    def _wait(self, done: Callable[[], bool], what: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last_error: BaseException | None = None
        while True:
            if self._master is not None and self._master.poll() is not None:
                raise ClusterError(
                    f"the Spark master exited with {self._master.returncode}\n{self.logs_tail()}"
                )
            try:
                if done():
                    return
            except (OSError, urllib.error.URLError, ValueError) as exc:
                last_error = exc  # the web UI is not up yet
            if time.monotonic() > deadline:
                raise ClusterError(
                    f"no {what} after {timeout:.0f} s (last error: {last_error!r})\n"
                    f"{self.logs_tail()}"
                )
            time.sleep(POLL_INTERVAL)

    def logs_tail(self, lines: int = 30) -> str:
        """The last ``lines`` lines of the master's and every worker's log."""
        paths = [self.master_log, *(self.worker_log(i) for i in range(len(self._workers)))]
        return "\n".join(f"--- {path.name} ---\n{_tail(path, lines)}" for path in paths)

    # -- faults ---------------------------------------------------------------------

    def kill_worker(self, index: int, *, wait: bool = True, timeout: float = 30.0) -> None:
        """SIGKILL worker ``index`` with its executor JVM and that executor's Python workers.

        Like a machine dying: nothing shuts down cleanly. With ``wait``, returns only
        once the master no longer counts the worker as ALIVE (a killed JVM's sockets
        close at once, so this takes well under a second).
        """
        process = self._workers[index]
        if process.poll() is not None:
            raise ClusterError(f"worker {index} is not running")
        alive = sum(1 for worker in self._workers if worker.poll() is None)
        _kill_tree(process)
        if wait:
            self.wait_for_workers(alive - 1, timeout=timeout)

    # -- clients --------------------------------------------------------------------

    def spark_conf(self) -> dict[str, str]:
        """Settings a client session needs for this cluster (pass them to the builder).

        One executor per worker (``spark.executor.cores`` = a worker's cores), every
        address on loopback, no driver UI. Executors run ``sys.executable``, which
        imports ``textreuse`` (installed in editable mode), provided the driver runs
        with :meth:`driver_environment`: PySpark reads the executors' Python from the
        driver's ``PYSPARK_PYTHON`` only (``spark.pyspark.python`` in the conf is ignored
        when the driver is a plain Python process, as in tests).
        """
        conf = {
            "spark.executor.memory": self.executor_memory,
            "spark.executor.cores": str(self.cores),
            "spark.cores.max": str(self.cores * self.workers),
            "spark.driver.host": HOST,
            "spark.driver.bindAddress": HOST,
            "spark.ui.enabled": "false",
            "spark.sql.shuffle.partitions": "4",
        }
        if self.jvm_options:
            conf["spark.executor.extraJavaOptions"] = self.jvm_options
        return conf

    @staticmethod
    @contextlib.contextmanager
    def driver_environment() -> Iterator[None]:
        """Environment for a driver started in this process; restored on exit.

        Sets ``PYSPARK_PYTHON`` to this interpreter: PySpark's ``SparkContext`` takes
        the executors' Python from it (default: ``python3`` on the ``PATH``, which may
        not see the virtual environment, so executors could not import ``textreuse``
        or even ``pyarrow``). Sets ``SPARK_LOCAL_IP`` to loopback, so the driver JVM
        binds nothing else either. Both are read when the session starts.
        """
        wanted = {"PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": HOST}
        previous = {key: os.environ.get(key) for key in wanted}
        os.environ.update(wanted)
        try:
            yield
        finally:
            for key, value in previous.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def executor_count(spark: SparkSession) -> int:
    """How many executors (not counting the driver) the session has right now."""
    tracker = spark.sparkContext._jsc.sc().statusTracker()
    return len(tracker.getExecutorInfos()) - 1


def wait_for_executors(spark: SparkSession, count: int, timeout: float = 60.0) -> None:
    """Poll until the session has exactly ``count`` executors (they register asynchronously)."""
    deadline = time.monotonic() + timeout
    while (found := executor_count(spark)) != count:
        if time.monotonic() > deadline:
            raise ClusterError(f"{found} executors after {timeout:.0f} s, expected {count}")
        time.sleep(POLL_INTERVAL)
