"""``python -m cli``: the ``survey`` command."""

from . import main

main()
