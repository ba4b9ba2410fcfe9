"""``python -m cli``: the ``survey`` command.  Also run by path, as ``spark-submit …/cli/__main__.py analyze
hdfs:///… --engine spark`` does (docs/scale.md): then the package is imported by name, with this folder
taken off ``sys.path`` so that its modules (``analyze``, ``report`` …) do not hide the packages of the
same name."""

if __package__:
    from . import main
else:  # run as a script
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    sys.path.insert(0, os.path.dirname(here))  # the checkout or site-packages that holds this package
    from cli import main

main()
