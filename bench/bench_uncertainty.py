"""Bootstrap ranges for UncertaintySpectrum: wall time at n_resamples=200, n_jobs=1 and 2.

A logistic regression on 10,000 rows (the credit demo data through a Pipeline with an imputer,
a scaler and one-hot encoding; and plain numeric data), 10 cases. The reference measured in the
same run is one fit of the same model, so the ratio says "how many fits the range costs".

Run: ``python bench/bench_uncertainty.py`` (writes its section of BENCHMARKS.md).
"""

from __future__ import annotations

import time

import numpy as np
from _report import machine, write_section
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from explainwidgets.core.uncertainty import measure
from explainwidgets.datasets import CREDIT_CATEGORICAL, CREDIT_NUMERIC, make_credit_applicants

NUM = list(CREDIT_NUMERIC)
CAT = list(CREDIT_CATEGORICAL)
N_RESAMPLES = 200


def credit_setup():
    X, y = make_credit_applicants(10_010, random_state=0)
    pre = make_column_transformer(
        (make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), NUM),
        (OneHotEncoder(handle_unknown="ignore"), CAT),
    )
    model = make_pipeline(pre, LogisticRegression(max_iter=1000))
    return model, X.iloc[:10_000], y.iloc[:10_000], X.iloc[10_000:]


def numeric_setup():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10_010, 8))
    y = (rng.random(10_010) < 1 / (1 + np.exp(-(X[:, 0] - X[:, 1] - 2)))).astype(int)
    return LogisticRegression(), X[:10_000], y[:10_000], X[10_000:]


def best_of(f, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    import os

    from threadpoolctl import threadpool_limits

    load_before = os.getloadavg()[0]
    rows = []
    setups = [
        ("credit pipeline (9 columns, NaN, categories)", credit_setup, "Yes"),
        ("numeric array (8 columns)", numeric_setup, None),
    ]
    for name, setup, pos in setups:
        model, X, y, cases = setup()
        model.fit(X, y)
        one_fit = best_of(lambda model=model, X=X, y=y: model.fit(X, y), 5)

        def run(n_jobs, model=model, X=X, y=y, cases=cases, pos=pos):
            measure(
                model,
                X,
                y,
                cases,
                pos_label=pos,
                n_resamples=N_RESAMPLES,
                random_state=0,
                n_jobs=n_jobs,
            )

        res = {1: best_of(lambda: run(1), 1), 2: best_of(lambda: run(2), 1)}
        with threadpool_limits(1):
            res["1t"] = best_of(lambda: run(1), 1)
        print(name, {k: round(v, 2) for k, v in res.items()}, f"one fit {one_fit * 1000:.0f} ms")
        rows.append(
            f"| {name} | {one_fit * 1000:.0f} ms | {res[1]:.1f} s | {res['1t']:.1f} s "
            f"| {res[2]:.1f} s | {res[1] / res[2]:.2f}x |"
        )
    load_after = os.getloadavg()[0]
    md = f"""## Uncertainty spectrum: bootstrap ranges

`core.uncertainty.measure`: {N_RESAMPLES} refits of a clone of a logistic regression (lbfgs)
on bootstrap resamples of 10,000 rows, each predicting 10 cases and its out-of-bag rows (for
the calibration check), plus the data-support count. One run each; the reference is one fit
of the same model on all 10,000 rows (best of 5), measured in the same run. {machine()};
load average {load_before:.1f} before, {load_after:.1f} after (other jobs were running: read
the ratios, not the seconds).

| model | one fit | n_jobs=1 | n_jobs=1, 1 BLAS thread | n_jobs=2 | speed-up 1 -> 2 |
|---|---|---|---|---|---|
{chr(10).join(rows)}

Results do not depend on `n_jobs` (each resample has its own seed, drawn up front from `random_state`; tested).
n_jobs=2 includes the joblib worker start-up (about a second). joblib limits each worker to
one BLAS/OpenMP thread; in one process the BLAS threads of a small fit contend with each
other (and with other jobs on a loaded machine), which is why limiting them
(`threadpoolctl.threadpool_limits(1)`, column 4) can help more than a second process.
"""
    write_section("uncertainty", md)


if __name__ == "__main__":
    main()
