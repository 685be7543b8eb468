"""Evaluation against gold standards: PAN text alignment and document-level labels."""

from __future__ import annotations

from textreuse.eval.labels import LabelScores, coverage, evaluate_labels
from textreuse.eval.metrics import roc_auc
from textreuse.eval.pan import (
    PanCase,
    PanScores,
    detections_from_passages,
    evaluate_pan,
    read_pan_truth,
    score_pan,
)

__all__ = [
    "LabelScores",
    "PanCase",
    "PanScores",
    "coverage",
    "detections_from_passages",
    "evaluate_labels",
    "evaluate_pan",
    "read_pan_truth",
    "roc_auc",
    "score_pan",
]
