"""Shared fixtures and helpers for the end-to-end tests: a small news corpus with planted reuse.

Every article text below was written for these tests. The corpus holds:

* ``ferry-orig``: an original story (three paragraphs);
* ``ferry-copy``: the same story republished verbatim on another site, after a one-line intro;
* ``school-quote``: a different story that quotes the second ferry paragraph word for word;
* ``library-orig`` / ``library-spun``: a story and a content-farm rewrite (synonyms swapped);
* ``bridge-orig`` / ``bridge-reordered``: a story and a copy with its paragraphs shuffled;
* ``market-a`` / ``market-b``: exact duplicates that differ only in white space;
* ``chess``, ``orchard``: unrelated articles with no reuse.
"""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import textreuse
from textreuse.engine.class_archive import CACHE_DIR_ENV

_OWN_CACHE = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """Files textreuse keeps between runs (the Spark JVM's class archive) go to a
    folder of this test session, not the user's cache."""
    if not os.environ.get(CACHE_DIR_ENV):
        os.environ[CACHE_DIR_ENV] = tempfile.mkdtemp(prefix="textreuse-test-cache-")
        config.stash[_OWN_CACHE] = os.environ[CACHE_DIR_ENV]


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_OWN_CACHE, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


FERRY_P1 = (
    "The harbour authority confirmed on Tuesday that the evening ferry between Port Alden "
    "and the island of Merrow will stop running at the end of next month, after passenger "
    "numbers fell for a third consecutive winter and the operator warned that fuel costs "
    "had doubled since the contract was signed."
)
FERRY_P2 = (
    "Residents of Merrow, many of whom commute to jobs at the hospital and the fish market "
    "on the mainland, said the decision would leave them with a single morning crossing and "
    "a long wait for the last boat home. A petition started by the island's primary school "
    "has already collected more than two thousand signatures in four days."
)
FERRY_P3 = (
    "Council officials said they were studying whether a smaller vessel could run the route "
    "at lower cost, and promised a public meeting before any timetable is changed. The "
    "operator declined to comment on whether staff would lose their jobs."
)
FERRY = f"{FERRY_P1}\n\n{FERRY_P2}\n\n{FERRY_P3}"
FERRY_INTRO = "This report first appeared in the Harbour Gazette and is reprinted with permission."
FERRY_COPY = f"{FERRY_INTRO}\n\n{FERRY}"

SCHOOL = (
    "Teachers at Merrow Primary have turned their weekly assembly into a campaign office. "
    "Children designed posters, parents printed leaflets, and the head teacher wrote to every "
    "member of the regional council asking for the crossing to be saved.\n\n"
    f"{FERRY_P2}\n\n"
    "The school says it will hand the petition over at the public meeting, which has not yet "
    "been scheduled. Pupils plan to read their letters aloud on the steps of the town hall."
)

LIBRARY = (
    "The central library on Mill Street reopened its doors on Saturday after an eighteen "
    "month renovation that replaced the leaking roof, restored the reading room ceiling and "
    "added a new children's wing facing the park. Hundreds of visitors queued along the "
    "pavement before the doors opened at nine.\n\n"
    "The chief librarian said the building now has space for twice as many study desks, a "
    "small recording studio that anyone with a library card can book, and a cafe run by a "
    "local charity that trains young people for work in kitchens. The renovation cost just "
    "under four million pounds, most of it paid by a national heritage grant.\n\n"
    "Opening hours will be extended to eight in the evening on weekdays from next month, and "
    "the library will lend laptops and tablets for the first time."
)
LIBRARY_SPUN = (
    "The main library on Mill Street reopened its doors on Saturday following an eighteen "
    "month refurbishment that replaced the leaky roof, repaired the reading room ceiling and "
    "added a new kids' wing facing the park. Hundreds of visitors lined up along the "
    "pavement before the doors opened at nine.\n\n"
    "The head librarian stated the building now has room for twice as many study desks, a "
    "small recording studio that anybody with a library card can reserve, and a cafe "
    "operated by a local charity that trains young people for work in kitchens. The "
    "refurbishment cost just under four million pounds, most of it funded by a national "
    "heritage grant.\n\n"
    "Opening hours will be lengthened to eight in the evening on weekdays from next month, "
    "and the library will lend laptops and tablets for the very first time."
)

BRIDGE_P1 = (
    "Engineers closed the Kestrel Road bridge to all traffic on Monday morning after a "
    "routine inspection found cracks in two of the steel supports beneath the eastern span. "
    "Buses on three routes have been diverted through the industrial estate, adding about "
    "fifteen minutes to journeys into the town centre."
)
BRIDGE_P2 = (
    "The county highways department said the bridge would stay shut for at least six weeks "
    "while a specialist team assesses whether the supports can be strengthened or must be "
    "replaced. Pedestrians and cyclists can still use the footpath on the western side, "
    "which rests on a separate frame."
)
BRIDGE_P3 = (
    "Shop owners on the far side of the river said trade had already dropped sharply, and "
    "asked the county to put up signs telling drivers that businesses remain open during "
    "the works."
)
BRIDGE = f"{BRIDGE_P1}\n\n{BRIDGE_P2}\n\n{BRIDGE_P3}"
BRIDGE_REORDERED = f"{BRIDGE_P2}\n\n{BRIDGE_P3}\n\n{BRIDGE_P1}"

MARKET = (
    "Stallholders at the Saturday farmers' market in Linton Square voted this week to keep "
    "trading through the winter for the first time in the market's forty year history. "
    "Organisers will rent heated marquees and move the opening time to ten o'clock, an hour "
    "later than in summer.\n\n"
    "A cheesemaker who has sold at the square since it began said regular customers had "
    "asked for years why the stalls vanished every November, and that the extra months could "
    "keep several small farms afloat."
)
MARKET_SPACED = "  " + MARKET.replace(" ", "  ").replace("\n\n", "\n \n") + "\n\n"

CHESS = (
    "A fourteen year old from Ashby won the county chess championship on Sunday without "
    "losing a game, beating three former champions on her way to the title. Her final "
    "opponent resigned after a long endgame in which she sacrificed a rook to promote a "
    "pawn.\n\n"
    "She learned to play from her grandfather during lockdown and now trains twice a week at "
    "the club above the old post office. Next spring she will represent the county at the "
    "national junior finals in Leeds."
)
ORCHARD = (
    "Volunteers planted sixty apple and pear trees on waste ground behind Fenwick Street "
    "over the weekend, creating what organisers describe as the first community orchard in "
    "the borough. The saplings are old local varieties grafted at a nursery near the coast.\n\n"
    "Neighbours will share the harvest once the trees start fruiting in about four years. "
    "Until then, a rota of families has agreed to water the young trees during dry spells "
    "and to keep rabbits away with wire guards. A local beekeeper has offered two hives for "
    "the corner nearest the allotments."
)

#: The fixture corpus, in the order it is written to ``corpus.jsonl``.
CORPUS: list[dict[str, Any]] = [
    {"id": "ferry-orig", "site": "harbourgazette.example", "date": "2025-01-07", "text": FERRY},
    {"id": "chess", "site": "ashbytimes.example", "date": "2025-01-08", "text": CHESS},
    {"id": "library-orig", "site": "millpost.example", "date": "2025-01-09", "text": LIBRARY},
    {"id": "bridge-orig", "site": "countynews.example", "date": "2025-01-10", "text": BRIDGE},
    {"id": "market-a", "site": "lintonherald.example", "date": "2025-01-11", "text": MARKET},
    {"id": "ferry-copy", "site": "coastdaily.example", "date": "2025-01-12", "text": FERRY_COPY},
    {"id": "school-quote", "site": "merrowvoice.example", "date": "2025-01-13", "text": SCHOOL},
    {"id": "library-spun", "site": "newsfarm.example", "date": "2025-01-14", "text": LIBRARY_SPUN},
    {"id": "orchard", "site": "fenwickpost.example", "date": "2025-01-15", "text": ORCHARD},
    {
        "id": "bridge-reordered",
        "site": "quickdigest.example",
        "date": "2025-01-16",
        "text": BRIDGE_REORDERED,
    },
    {"id": "market-b", "site": "regionwire.example", "date": "2025-01-17", "text": MARKET_SPACED},
]

UNRELATED = ("chess", "orchard")

REPO = Path(__file__).resolve().parents[1]


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> Path:
    """Write ``records`` as JSON Lines to ``path``; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def run_quick(inputs: list[Path | str] | Path | str, out: Path, **options: Any) -> dict[str, Any]:
    """``textreuse.run`` with one thread and no progress output unless told otherwise."""
    options.setdefault("threads", 1)
    options.setdefault("progress", "none")
    return textreuse.run(inputs, out, **options)


def read_rejects(out: Path) -> list[dict[str, Any]]:
    """The records of ``out/rejects.jsonl``."""
    lines = (out / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def read_table(out: Path, name: str) -> list[dict[str, Any]]:
    """The rows of ``out/{name}.parquet`` as dicts."""
    return pq.read_table(out / f"{name}.parquet").to_pylist()


@pytest.fixture(scope="session")
def corpus_records() -> list[dict[str, Any]]:
    """A fresh copy of the fixture corpus records."""
    return [dict(record) for record in CORPUS]


@pytest.fixture(scope="session")
def corpus_jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture corpus as one JSON Lines file (written once per session)."""
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "corpus.jsonl", CORPUS)


@pytest.fixture(scope="session")
def corpus_run(
    tmp_path_factory: pytest.TempPathFactory, corpus_jsonl: Path
) -> tuple[Path, dict[str, Any]]:
    """One run over the fixture corpus, shared by the read-only tests: ``(out, manifest)``."""
    out = tmp_path_factory.mktemp("run") / "out"
    manifest = run_quick([corpus_jsonl], out)
    return out, manifest


@pytest.fixture(scope="module")
def spark_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A ``local[2]`` session for the module; the pipeline's engines reuse it (an
    engine given no master picks up the active session)."""
    pytest.importorskip("pyspark", reason="pip install 'textreuse[spark]'")
    from textreuse.engine.spark import SparkEngine

    # adaptive execution costs seconds per statement on tables this small, and
    # changes no result
    owner = SparkEngine(
        tmp_path_factory.mktemp("spark"), 2, conf={"spark.sql.adaptive.enabled": "false"}
    )
    yield owner.spark
    owner.close()


def compress(data: bytes, suffix: str) -> bytes:
    """``data`` compressed as a file ending in ``suffix`` (``.gz``, ``.bz2``, ``.xz``,
    ``.zst``) is."""
    if suffix == ".gz":
        return gzip.compress(data)
    if suffix == ".bz2":
        return bz2.compress(data, compresslevel=1)  # 100 kB blocks: a cut one is partly read
    if suffix == ".xz":
        return lzma.compress(data)
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "zstd") as out:
        out.write(data)
    return bytes(sink.getvalue().to_pybytes())
