"""Seeded demo data that feels real: imbalance, messy features, a small new segment.

Nothing is downloaded; the same seed gives the same data on every machine.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: Numeric columns of :func:`make_credit_applicants` (``income`` has missing values).
CREDIT_NUMERIC = (
    "income",
    "loan_amount",
    "debt_to_income",
    "credit_history_years",
    "late_payments_12m",
    "age",
)
#: Categorical (string) columns of :func:`make_credit_applicants`.
CREDIT_CATEGORICAL = ("employment", "home", "segment")
CREDIT_FEATURES = CREDIT_NUMERIC + CREDIT_CATEGORICAL


def make_credit_applicants(
    n_samples: int = 20_000,
    *,
    default_rate: float = 0.05,
    new_segment_share: float = 0.06,
    random_state: int | None = 0,
    as_frame: bool = True,
) -> tuple[Any, Any]:
    """Loan applicants and whether they defaulted (``"Yes"`` / ``"No"``).

    About ``default_rate`` of applicants default. Features are messy on purpose:
    skewed incomes with ~3 % missing, a few absurd outliers, categorical columns,
    and a small ``"gig economy"`` segment (``new_segment_share``) whose risk the
    features explain less well, as a newly entered market would.

    Returns ``(X, y)``: a pandas DataFrame and Series with ``as_frame=True``
    (pandas required), otherwise a dict of numpy columns and a numpy array.
    """
    if not isinstance(n_samples, int | np.integer) or n_samples < 100:
        raise ValueError(f"n_samples must be a whole number of at least 100; got {n_samples!r}")
    if not 0.005 <= default_rate <= 0.5:
        raise ValueError(f"default_rate must be between 0.005 and 0.5; got {default_rate!r}")
    if not 0.0 <= new_segment_share <= 0.5:
        raise ValueError(f"new_segment_share must be between 0 and 0.5; got {new_segment_share!r}")
    rng = np.random.default_rng(random_state)
    n = int(n_samples)

    segment = np.where(rng.random(n) < new_segment_share, "gig economy", "salaried")
    gig = segment == "gig economy"
    employment = np.where(
        gig,
        "self-employed",
        rng.choice(
            ["employed", "self-employed", "unemployed", "student"], n, p=[0.78, 0.1, 0.05, 0.07]
        ),
    )
    home = rng.choice(["rent", "mortgage", "own"], n, p=[0.45, 0.4, 0.15])
    age = np.clip(rng.normal(41, 12, n), 18, 85).round()
    income = np.exp(rng.normal(10.7, 0.55, n)) * np.where(gig, 0.8, 1.0)
    loan_amount = np.clip(income * rng.lognormal(-1.2, 0.6, n), 500, None).round(-2)
    debt_to_income = np.clip(rng.beta(2, 5, n) * 0.9 + 0.05 * (home == "rent"), 0, 1.2)
    history = np.clip(age - 18 - rng.exponential(6, n), 0, None).round(1)
    late = rng.poisson(0.25 + 1.5 * debt_to_income**2, n)

    # True log-odds of default; the gig segment carries risk the features do not show.
    z = (
        -1.2
        + 2.4 * debt_to_income
        + 0.55 * late
        - 0.35 * np.log(income / 30_000)
        + 0.25 * (loan_amount / income)
        - 0.03 * history
        + 0.6 * (employment == "unemployed")
        + 0.25 * (employment == "student")
        + 0.15 * (home == "rent")
        + np.where(gig, rng.normal(0.9, 0.9, n), 0.0)
        + rng.normal(0, 0.5, n)
    )
    # Calibrate the intercept so the default rate matches the request.
    lo, hi = -20.0, 20.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if np.mean(1 / (1 + np.exp(-(z + mid)))) < default_rate:
            lo = mid
        else:
            hi = mid
    p = 1 / (1 + np.exp(-(z + lo)))
    y = np.where(rng.random(n) < p, "Yes", "No")

    # Messiness: missing incomes, typos in the form (absurd values), rounded ages.
    income = income.round(-2)
    income[rng.random(n) < 0.03] = np.nan
    typo = rng.random(n) < 0.002
    income[typo] = income[typo] * 100
    columns: dict[str, Any] = {
        "income": income,
        "loan_amount": loan_amount,
        "debt_to_income": debt_to_income.round(3),
        "credit_history_years": history,
        "late_payments_12m": late,
        "age": age,
        "employment": employment,
        "home": home,
        "segment": segment,
    }
    if not as_frame:
        return columns, y
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is in the demo extra
        raise ImportError(
            "as_frame=True needs pandas (pip install pandas); or pass as_frame=False"
        ) from None
    X = pd.DataFrame(columns)
    X.index.name = "applicant_id"
    X.index = X.index + 1000
    return X, pd.Series(y, index=X.index, name="default")
