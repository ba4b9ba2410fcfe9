"""minyi analysis: design-based survey statistics (pure: arrays/DataFrames in, result objects out).

Reference implementation: R package ``survey`` (T. Lumley).  This package never prints,
never reads files and imports no CLI, plotting, templating, YAML or database code.
"""

from .design import Design, DesignError

__all__ = ["Design", "DesignError"]
