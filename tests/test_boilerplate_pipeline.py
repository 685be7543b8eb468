"""Boilerplate in ``textreuse.run``: spans in documents.parquet, never reported as reuse."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, read_table, run_quick, write_jsonl
from fixtures.template_corpus import (
    SITES,
    TemplateCorpus,
    plant_reuse,
    template_corpus,
    template_only_page,
)

SEEDS = REPO.parent / "shared" / "data" / "seeds"
SOURCE, COPY = "riverton-ledger-005", "valleymorningpost-010"
EXACT_SOURCE, EXACT_COPY = "northfieldcourier-003", "coastline-mirror-of-northfield-003"


def covered(spans: list[tuple[int, int]], start: int, end: int) -> float:
    """Share of ``[start, end)`` covered by the union of ``spans``."""
    hit: set[int] = set()
    for s, e in spans:
        hit.update(range(max(s, start), min(e, end)))
    return len(hit) / (end - start) if end > start else 0.0


def boilerplate_of(out: Path) -> dict[str, list[tuple[int, int]]]:
    return {
        row["doc_id"]: [(s["start"], s["end"]) for s in row["boilerplate"]]
        for row in read_table(out, "documents")
    }


def assert_no_passage_touches_boilerplate(out: Path) -> None:
    spans = boilerplate_of(out)
    for p in read_table(out, "passages"):
        for doc, start, end in (
            (p["doc_a"], p["a_start"], p["a_end"]),
            (p["doc_b"], p["b_start"], p["b_end"]),
        ):
            assert covered(spans[doc], start, end) == 0, (doc, start, end, spans[doc])


@pytest.fixture(scope="module")
def corpus() -> TemplateCorpus:
    return template_corpus()


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory, corpus: TemplateCorpus) -> Path:
    path = write_jsonl(tmp_path_factory.mktemp("templates") / "pages.jsonl", corpus.records)
    out = path.parent / "out"
    run_quick([path], out)
    return out


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], str]:
    """The template corpus with a paragraph copied across sites, an exact copy of a page
    on another site, and two template-only pages."""
    corpus = template_corpus()
    paragraph = plant_reuse(corpus, SOURCE, COPY)
    records = corpus.records
    page = next(r for r in records if r["id"] == EXACT_SOURCE)
    records.append({"id": EXACT_COPY, "text": page["text"], "site": "Coastline Observer"})
    for k, site in enumerate(SITES[:2]):
        records.append({"id": f"template-only-{k}", "text": template_only_page(site)})
        records[-1].update({"site": site.name} if site.metadata == "site" else {})
        if site.metadata == "url":
            records[-1]["url"] = f"https://{site.host}/404"
    path = write_jsonl(tmp_path_factory.mktemp("planted") / "pages.jsonl", records)
    out = path.parent / "out"
    manifest = run_quick([path], out)
    return out, manifest, paragraph


def test_template_corpus_is_big_and_bodies_share_nothing(corpus: TemplateCorpus) -> None:
    assert len(corpus.records) >= 200
    grams: dict[tuple[str, ...], str] = {}
    for doc_id, body in corpus.bodies.items():
        words = " ".join(body).lower().replace(".", "").split()
        for i in range(len(words) - 3):
            gram = tuple(words[i : i + 4])
            assert grams.setdefault(gram, doc_id) == doc_id, (gram, doc_id)


def test_shared_templates_are_never_reuse(clean_run: Path) -> None:
    assert read_table(clean_run, "passages") == []
    assert read_table(clean_run, "clusters") == []
    assert read_table(clean_run, "duplicates") == []


def test_without_boilerplate_detection_templates_look_like_reuse(
    tmp_path: Path, corpus: TemplateCorpus
) -> None:
    path = write_jsonl(tmp_path / "pages.jsonl", corpus.records)
    manifest = run_quick([path], tmp_path / "out", boilerplate=False)
    assert manifest["output_counts"]["passages"] > 100
    assert manifest["parameters"]["boilerplate"] is False
    assert all(row["boilerplate"] == [] for row in read_table(tmp_path / "out", "documents"))


def test_bodies_are_never_boilerplate_and_templates_are(
    clean_run: Path, corpus: TemplateCorpus
) -> None:
    spans = boilerplate_of(clean_run)
    texts = {row["doc_id"]: row["text"] for row in read_table(clean_run, "documents")}
    for doc_id, body in corpus.bodies.items():
        text = texts[doc_id]
        for paragraph in body:
            start = text.index(paragraph)
            assert covered(spans[doc_id], start, start + len(paragraph)) == 0, doc_id
        # everything else (the template) is boilerplate, apart from the page title
        body_chars = sum(len(p) for p in body)
        template_chars = len(text.strip()) - body_chars
        cut = sum(e - s for s, e in spans[doc_id])
        assert cut >= template_chars * 0.8, doc_id
    for doc_spans in spans.values():
        assert doc_spans == sorted(doc_spans)
        assert all(e0 < s1 for (_, e0), (s1, _) in itertools.pairwise(doc_spans))


def test_planted_reuse_is_still_found(planted_run: tuple[Path, dict[str, Any], str]) -> None:
    out, _, paragraph = planted_run
    texts = {row["doc_id"]: row["text"] for row in read_table(out, "documents")}
    passages = read_table(out, "passages")
    pairs = {frozenset((p["doc_a"], p["doc_b"])) for p in passages}
    assert pairs == {frozenset((SOURCE, COPY)), frozenset((EXACT_SOURCE, EXACT_COPY))}
    found = [p for p in passages if {p["doc_a"], p["doc_b"]} == {SOURCE, COPY}]
    for doc in (SOURCE, COPY):
        start = texts[doc].index(paragraph)
        side = [
            (p["a_start"], p["a_end"]) if p["doc_a"] == doc else (p["b_start"], p["b_end"])
            for p in found
        ]
        assert covered(side, start, start + len(paragraph)) >= 0.95, doc
    assert_no_passage_touches_boilerplate(out)


def test_exact_copy_on_another_site_keeps_boilerplate_out(
    planted_run: tuple[Path, dict[str, Any], str], corpus: TemplateCorpus
) -> None:
    out, _, _ = planted_run
    texts = {row["doc_id"]: row["text"] for row in read_table(out, "documents")}
    pair = {EXACT_SOURCE, EXACT_COPY}
    found = [p for p in read_table(out, "passages") if {p["doc_a"], p["doc_b"]} == pair]
    text = texts[EXACT_SOURCE]
    spans = [(p["a_start"], p["a_end"]) for p in found]
    for paragraph in corpus.bodies[EXACT_SOURCE]:
        start = text.index(paragraph)
        assert covered(spans, start, start + len(paragraph)) >= 0.95
    assert_no_passage_touches_boilerplate(out)


def test_pages_that_are_all_template_are_empty(
    planted_run: tuple[Path, dict[str, Any], str],
) -> None:
    out, manifest, _ = planted_run
    docs = {row["doc_id"]: row for row in read_table(out, "documents")}
    for k in range(2):
        row = docs[f"template-only-{k}"]
        assert row["status"] == "empty"
        assert row["boilerplate"], "the spans of an all-boilerplate page are kept"
    counts = manifest["input_counts"]
    assert counts["read"] == counts["ok"] + counts["empty"] + counts["rejected"] == len(docs)
    assert counts["empty"] == counts["empty_all_boilerplate"] == 2
    assert counts["ok"] == sum(row["status"] == "ok" for row in docs.values())
    assert manifest["output_counts"]["documents_ok"] == counts["ok"]
    assert manifest["stages"]["boilerplate"]["documents_all_boilerplate"] == 2


@pytest.mark.data
@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not present at {SEEDS}")
def test_seed_tails_are_boilerplate_and_burns_is_still_found(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_quick([SEEDS], out)
    docs = {row["doc_id"]: row for row in read_table(out, "documents")}
    (doc0,) = [d for d in docs if d.startswith("000_")]
    (doc4,) = [d for d in docs if d.startswith("004_")]
    for doc, author_line in ((doc0, "Jackson Wintringham"), (doc4, "About Ellen Lewandowski")):
        text = docs[doc]["text"]
        spans = [(s["start"], s["end"]) for s in docs[doc]["boilerplate"]]
        tail = text.index(author_line)
        assert covered(spans, tail, len(text)) >= 0.95, doc
        assert covered(spans, 0, tail) <= 0.01, doc

    (passage,) = read_table(out, "passages")
    assert {passage["doc_a"], passage["doc_b"]} == {doc0, doc4}
    for doc, start, end in (
        (passage["doc_a"], passage["a_start"], passage["a_end"]),
        (passage["doc_b"], passage["b_start"], passage["b_end"]),
    ):
        text = docs[doc]["text"]
        s0 = text.index("William J. Burns, ")
        s1 = text.index("with NATO.", s0) + len("with NATO.")
        assert covered([(start, end)], s0, s1) >= 0.9, doc
    assert_no_passage_touches_boilerplate(out)


def test_boilerplate_options_are_validated(tmp_path: Path) -> None:
    from textreuse.errors import ConfigError

    path = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": "one two three"}])
    with pytest.raises(ConfigError, match="boilerplate_min_docs"):
        run_quick([path], tmp_path / "out", boilerplate_min_docs=1)
    with pytest.raises(ConfigError, match="boilerplate_min_share"):
        run_quick([path], tmp_path / "out", boilerplate_min_share=1.5)
    with pytest.raises(ConfigError, match="boilerplate must be"):
        run_quick([path], tmp_path / "out", boilerplate="yes")
