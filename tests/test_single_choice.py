"""single_choice (one table of the answer codes) equals multiple_choice's "% of respondents" with one
indicator column per option (the computation it replaced in the question tables), on seeded random
designs: strata, clusters or none, fpc, zero weights, domains, groupings, every CI method."""

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.ci import CI_METHODS
from analysis.indicators import Grouping
from analysis.multiple import multiple_choice, single_choice


def _design(rng, clustered: bool, fpc: bool):
    n = int(rng.integers(30, 200))
    st = rng.integers(0, 3, n)
    psu = st * 100 + (rng.integers(0, 6, n) if clustered else np.arange(n))
    w = rng.uniform(0.5, 4.0, n)
    w[rng.random(n) < 0.05] = 0.0
    df = pd.DataFrame({"st": st, "psu": psu, "w": w, "N": 1000})
    return Design.from_frame(df, weights="w", strata="st", psu="psu" if clustered else None,
                             fpc="N" if fpc else None, lonely_psu="adjust")


@pytest.mark.parametrize("clustered", [False, True])
@pytest.mark.parametrize("fpc", [False, True])
@pytest.mark.parametrize("method", [m for m in CI_METHODS if m != "likelihood"])  # likelihood: not for groups
def test_single_choice_equals_multiple_choice(clustered, fpc, method):
    rng = np.random.default_rng([clustered, fpc, len(method)])
    for _ in range(4):
        d = _design(rng, clustered, fpc)
        if rng.random() < 0.5:
            d = d.subset(rng.random(d.n) < 0.8)
        codes = [1, 2, 3, 5]
        x = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0, np.nan], d.n)  # 4: answered but not an option
        g = Grouping("g", rng.integers(-1, 3, d.n), ["a", "b", "c"])
        answered = np.isfinite(x)
        sel = [np.where(answered, (x == c).astype(float), np.nan) for c in codes]
        labels = [str(c) for c in codes]
        old = multiple_choice(d, sel, codes, labels, asked=answered, groupings=[g], ci_method=method)
        new = single_choice(d, x, codes, labels, groupings=[g], ci_method=method)
        assert new.groups == old.groups and new.n_asked == old.n_asked
        for a, b in zip(old.options, new.options):
            ea, eb = a.stats["respondents"], b.stats["respondents"]
            for f in ("estimate", "se", "ci_low", "ci_high", "df", "n"):
                np.testing.assert_allclose(np.asarray(getattr(eb, f), float), np.asarray(getattr(ea, f), float),
                                           rtol=1e-10, atol=1e-14, equal_nan=True)
