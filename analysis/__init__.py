"""minyi analysis: design-based survey statistics (pure: arrays/DataFrames in, result objects out).

Reference implementation: R package ``survey`` (T. Lumley).  This package never prints,
never reads files and imports no CLI, plotting, templating, YAML or database code.
"""

__all__ = ["Design", "DesignError"]


def __getattr__(name: str):
    """``Design`` and ``DesignError`` load with the first use, so that ``analysis.thresholds`` (read by
    the project store for every command) does not pull in pandas, scipy and the estimators."""
    if name in __all__:
        from . import design

        return getattr(design, name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
