"""The confidence model's fit: L2-regularised logistic regression by Newton's method (numpy), the
two classes weighted equally, checked by two-fold cross-validation over alternate weeks (the
coefficients of each half, and the AUC each half's model gets on the other).

Small on purpose: seven features and a bias (`assistant.reading.confidence.FEATURES`), a few
hundred rows per class; the bias is not penalised. Each feature keeps the direction it was built
for (`SIGNS`): a warning sign the data does not support gets 0, never a weight that would raise
the confidence.
"""

from __future__ import annotations

import numpy as np

from assistant.reading.confidence import FEATURES, SIGNS
from training.reader.metrics import auc as _auc


def matrix(rows) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[1.0] + [r.features[k] for k in FEATURES] for r in rows])
    y = np.array([float(r.label) for r in rows])
    return x, y


def auc(scores: np.ndarray, y: np.ndarray) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    return _auc(scores.tolist(), [int(v > 0) for v in y])


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 50) -> np.ndarray:
    """`fit_free` with each feature held to its sign (`SIGNS`): a feature whose coefficient comes
    out the wrong way is dropped (coefficient 0) and the rest refitted, until none is."""
    keep = list(range(x.shape[1]))
    while True:
        beta = np.zeros(x.shape[1])
        beta[keep] = fit_free(x[:, keep], y, l2, iters)
        wrong = [j for j in keep[1:] if beta[j] * SIGNS[FEATURES[j - 1]] < 0]
        if not wrong:
            return beta
        keep = [j for j in keep if j not in wrong]


def fit_free(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 50) -> np.ndarray:
    """Coefficients (bias first) maximising the class-balanced log-likelihood minus l2/2 |w|^2."""
    pos = y.sum()
    w_row = np.where(y > 0, 0.5 / max(pos, 1.0), 0.5 / max(len(y) - pos, 1.0)) * len(y)
    reg = np.full(x.shape[1], l2)
    reg[0] = 1e-6  # the bias is (all but) free; a trace keeps the step solvable when the classes separate
    beta = np.zeros(x.shape[1])
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        grad = x.T @ (w_row * (y - p)) - reg * beta
        hess = (x * (w_row * p * (1 - p))[:, None]).T @ x + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def named(beta: np.ndarray) -> dict[str, float]:
    return {"bias": round(float(beta[0]), 2), **{k: round(float(b), 2) for k, b in zip(FEATURES, beta[1:])}}


def cross_validate(rows, l2: float = 1.0) -> dict:
    """Two folds by alternate weeks: each half's coefficients and its AUC on the other half."""
    weeks = sorted({r.week for r in rows})
    halves = [{w for i, w in enumerate(weeks) if i % 2 == k} for k in (0, 1)]
    out = {}
    for k, half in enumerate(halves):
        train = [r for r in rows if r.week in half]
        test = [r for r in rows if r.week not in half]
        beta = fit(*matrix(train), l2=l2)
        xt, yt = matrix(test)
        out[f"fold {k + 1}"] = {"coef": named(beta), "auc_on_other_half": round(auc(xt @ beta, yt), 3)}
    return out
