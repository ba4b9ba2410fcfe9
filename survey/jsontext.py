"""What minyi writes for a value the JSON encoders do not know (the ``default`` of ``json.dumps`` and
``orjson.dumps``), in one place for the ``--json`` outputs (``cli._common``) and the project's cache of
results (:mod:`survey.cache`), so a result reads the same whether it was computed or loaded.

Light on purpose: NumPy is imported only when a value needs it and pandas not at all, since commands
that print JSON without analysing anything should not pay for either.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def json_default(o: Any) -> Any:
    """NumPy integers as int, NumPy floats as float (NaN as null), arrays as lists, pandas' ``NA`` and
    ``NaT`` as null, paths and anything else as their text."""
    import numpy as np

    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        f = float(o)
        return None if f != f else f
    if isinstance(o, np.ndarray):
        return o.tolist()
    if type(o).__name__ in ("NAType", "NaTType"):  # pandas' missing values, without importing pandas
        return None
    if isinstance(o, Path):
        return str(o)
    return str(o)
