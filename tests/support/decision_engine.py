"""Hand-made scoring models for tests that need one without training."""

from __future__ import annotations

from datetime import date

import numpy as np

from arrears.batch.scoring.inputs import COLUMNS, EFFECT_TERMS, GROUPS
from arrears.batch.scoring.model import Head, Horizon, RecoveryModel


def hand_made_model(
    *, lifts: dict[str, float] | None = None, name: str = "recovery"
) -> RecoveryModel:
    """Paying is likelier with recent payments and less likely at 180+ DPD; each treatment in
    ``lifts`` raises the log-odds of paying by its lift."""
    lifts = lifts or {"agent_call": 1.0, "reminder_sms": 0.3}
    treatments = tuple(sorted(lifts))
    base = np.zeros(len(COLUMNS))
    base[COLUMNS.index("intercept")] = -1.0
    base[COLUMNS.index("paid_90d_share")] = 3.0
    base[COLUMNS.index("dpd:180+")] = -2.0
    effects = np.zeros((len(treatments), len(EFFECT_TERMS)))
    pay = Head(base, np.array([lifts[t] for t in treatments]), effects)
    share = Head(np.zeros(len(COLUMNS)), np.zeros(len(treatments)), effects.copy())
    return RecoveryModel(
        name=name, columns=COLUMNS, groups=GROUPS, effect_terms=EFFECT_TERMS,
        treatments=treatments, horizons=(Horizon(30, pay, share), Horizon(90, pay, share)),
        means=np.full(len(COLUMNS), 0.2), trained_from=date(2026, 1, 1),
        trained_to=date(2026, 6, 30), rows=1000,
    ).sealed()  # fmt: skip
