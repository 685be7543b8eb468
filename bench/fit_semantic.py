"""Fit the paraphrase combiner of ``textreuse.semantic`` on MRPC train (issue #5).

Computes :data:`textreuse.semantic.FEATURES` for every MRPC training pair, fits
a logistic regression (numpy, Newton/IRLS, L2 penalty on standardised features,
the intercept unpenalised) and prints, as JSON lines: the ROC-AUC in sample, the
10-fold cross-validated AUC (the estimate for unseen pairs), the AUC of a fit on
the even rows scored on the odd rows and the reverse, the AUC of the constants
now shipped in ``textreuse.semantic``, and the fitted constants in raw feature
units, ready to paste into ``src/textreuse/semantic.py``::

    python bench/fit_semantic.py [--data PATH] [--l2 1.0] [--folds 10] [--seed 0]

Needs the ``semantic`` extra. Reads the data in place (never copied into the
repository).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mrpc_bench import DEFAULT_DATA, read_pairs, roc_auc

from textreuse import semantic

Model = tuple[float, npt.NDArray[np.float64]]


def fit(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], l2: float) -> Model:
    """Penalised logistic regression; returns (intercept, coefficients) in raw feature units."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.c_[np.ones(len(x)), (x - mean) / scale]
    penalty = l2 * np.eye(z.shape[1])
    penalty[0, 0] = 0.0
    w = np.zeros(z.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        hessian = z.T @ (z * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, z.T @ (p - y) + penalty @ w)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    coefficients = w[1:] / scale
    return float(w[0] - coefficients @ mean), coefficients


def predict(model: Model, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    intercept, coefficients = model
    return np.asarray(1.0 / (1.0 + np.exp(-(x @ coefficients + intercept))))


def cross_validated(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], l2: float, folds: int, seed: int
) -> float:
    order = np.random.default_rng(seed).permutation(len(y))
    out = np.empty(len(y))
    for fold in np.array_split(order, folds):
        train = np.setdiff1d(order, fold)
        out[fold] = predict(fit(x[train], y[train], l2), x[fold])
    return roc_auc(y.astype(int), out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    pairs, labels = read_pairs(args.data)
    y = labels.astype(float)

    start = time.perf_counter()
    x = semantic.load_encoder().features(pairs)
    print(json.dumps({"features_s": round(time.perf_counter() - start, 1), "pairs": len(pairs)}))
    for name, column in zip(semantic.FEATURES, x.T, strict=True):
        print(json.dumps({"feature": name, "auc_alone": round(roc_auc(labels, column), 4)}))

    model = fit(x, y, args.l2)
    even = np.arange(len(y)) % 2 == 0
    shipped = np.array([semantic.combine(row) for row in x])
    result = {
        "auc_in_sample": round(roc_auc(labels, predict(model, x)), 4),
        f"auc_cv{args.folds}": round(cross_validated(x, y, args.l2, args.folds, args.seed), 4),
        "auc_fit_even_score_odd": round(
            roc_auc(labels[~even], predict(fit(x[even], y[even], args.l2), x[~even])), 4
        ),
        "auc_fit_odd_score_even": round(
            roc_auc(labels[even], predict(fit(x[~even], y[~even], args.l2), x[even])), 4
        ),
        "auc_shipped_constants": round(roc_auc(labels, shipped), 4),
    }
    print(json.dumps(result))
    intercept, coefficients = model
    print(f"INTERCEPT = {intercept:.6g}")
    print("COEFFICIENTS: tuple[float, ...] = (")
    for name, value in zip(semantic.FEATURES, coefficients, strict=True):
        print(f"    {value:.6g},  # {name}")
    print(")")


if __name__ == "__main__":
    main()
