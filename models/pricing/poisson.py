"""Poisson regression with one fixed effect per group (SKU), the effects profiled out in closed form.

Daily units are small counts with many zero days, so a log-linear Poisson model is fitted instead of OLS on
log(units) (which must drop zero days and is biased by the log of noise). For fixed slopes the MLE of a
group's effect is log(total units / sum exp(eta)), so Newton only runs over the few slope parameters
(Hausman, Hall & Griliches' conditional Poisson): thousands of SKUs cost one group-sum per iteration.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse


@dataclass(frozen=True)
class PoissonFit:
    beta: np.ndarray
    cov: np.ndarray  # scaled by the deviance dispersion when the counts are overdispersed
    dispersion: float
    iterations: int


def _group_sum(groups: np.ndarray, n_groups: int, values: np.ndarray) -> np.ndarray:
    return np.bincount(groups, weights=values, minlength=n_groups)


def profile_mu(eta: np.ndarray, y: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Fitted means with each group's effect at its MLE (a group's fitted units sum to its observed units)."""
    shift = np.full(n_groups, -np.inf)
    np.maximum.at(shift, groups, eta)
    m = np.exp(eta - shift[groups])
    total = _group_sum(groups, n_groups, y)
    return total[groups] * m / _group_sum(groups, n_groups, m)[groups]


def deviance(y: np.ndarray, mu: np.ndarray) -> float:
    """Poisson deviance; steadier than Pearson's X2 when many fitted means are tiny."""
    mu = np.maximum(mu, 1e-12)
    term = np.where(y > 0, y * np.log(np.where(y > 0, y, 1) / mu), 0.0)
    return float(2 * np.sum(term - (y - mu)))


def _loglik(eta: np.ndarray, y: np.ndarray, groups: np.ndarray, n_groups: int) -> float:
    mu = profile_mu(eta, y, groups, n_groups)
    pos = y > 0
    return float(np.sum(y[pos] * np.log(mu[pos])))


def _newton_system(X, y, mu, groups, n_groups, ridge):
    grad = np.asarray(X.T @ (y - mu)).ravel()
    weighted = X.multiply(mu[:, None]).tocsr()
    info = np.asarray((X.T @ weighted).todense())
    G = sparse.csr_matrix((np.ones(len(y)), (groups, np.arange(len(y)))), shape=(n_groups, len(y)))
    per_group = np.asarray((G @ weighted).todense())
    total = np.maximum(_group_sum(groups, n_groups, y), 1e-12)
    info -= per_group.T @ (per_group / total[:, None])
    return grad, info + ridge * np.eye(X.shape[1])


def fit_fe_poisson(X: sparse.csr_matrix, y: np.ndarray, groups: np.ndarray, *, ridge: float = 1e-6,
                   max_iter: int = 50, tol: float = 1e-7) -> PoissonFit:
    """Slopes of log E[y] = a_group + X beta. Groups without any units carry no information: drop them first."""
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    beta = np.zeros(X.shape[1])
    eta = np.zeros(len(y))
    ll = _loglik(eta, y, groups, n_groups)
    it = 0
    for it in range(1, max_iter + 1):
        mu = profile_mu(eta, y, groups, n_groups)
        grad, info = _newton_system(X, y, mu, groups, n_groups, ridge)
        step = np.linalg.solve(info, grad - ridge * beta)
        for _ in range(30):  # step-halving keeps every iteration an ascent
            new_eta = np.asarray(X @ (beta + step)).ravel()
            new_ll = _loglik(new_eta, y, groups, n_groups)
            if new_ll >= ll - 1e-9:
                break
            step /= 2
        beta, eta, ll = beta + step, new_eta, new_ll
        if np.max(np.abs(step)) < tol:
            break
    mu = profile_mu(eta, y, groups, n_groups)
    _, info = _newton_system(X, y, mu, groups, n_groups, ridge)
    dof = max(1, len(y) - X.shape[1] - n_groups)
    dispersion = max(1.0, deviance(y, mu) / dof)
    return PoissonFit(beta, np.linalg.pinv(info) * dispersion, dispersion, it)
