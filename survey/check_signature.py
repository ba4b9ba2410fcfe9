"""The signature of a wave's stored data-quality checks: when it still matches, the checks are current.

A wave's checks (``survey check``, or the first command that needs them) are stored with the
signature of what they were computed from: the ids of the wave's imports and the check settings of
``minyi.yaml`` (speeder fraction, same-IP similarity, straight-lining minimum).  Any import, removal
or setting change gives another signature, and the next command re-checks the wave.

Kept apart from :mod:`survey.store` (and free of NumPy/pandas) because the cache lookup of an
unchanged project (:mod:`survey.cache`) needs it before anything heavy is loaded.
"""

from __future__ import annotations

# issue 3: "speeders (completion time below a configurable fraction of the median, default 1/3)" — exactly a
# third (a new project's minyi.yaml wrote 0.3333, which missed a time just under a third of the median)
SPEEDER_FRACTION = 1 / 3


def quality_params(config: dict) -> dict:
    """The check settings of ``minyi.yaml`` (defaults where absent), as
    :func:`survey.quality.quality_flags` takes them."""
    return {"speeder_fraction": float(config.get("speeder_fraction", SPEEDER_FRACTION)),
            "near_identical": float(config.get("same_ip_similarity", 0.9)),
            "straightline_min_rows": int(config.get("straightline_min_rows", 5))}


def check_signature(con, wave: str, config: dict) -> str:
    """``"<import ids>|<settings>"`` of ``wave`` on the open project database ``con``."""
    ids = [r[0] for r in con.execute("SELECT id FROM imports WHERE wave = ? ORDER BY id", [wave]).fetchall()]
    return ",".join(map(str, ids)) + "|" + repr(sorted(quality_params(config).items()))
