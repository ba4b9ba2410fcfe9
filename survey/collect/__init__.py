"""Collect answers ourselves: ``survey serve`` (a self-hosted mobile survey) and ``survey links`` (QR codes).

Modules, each owning one thing:

* :mod:`survey.collect.logic` — the questionnaire's skip logic compiled from minyi's parsed
  conditions (:mod:`survey.expr`) to a JavaScript file the phone runs (no ``eval``);
* :mod:`survey.collect.answers` — a submitted form → one row in minyi's native layout, checked
  with the import's row checks (:func:`survey.rowcheck.check_rows`), problems → field errors;
* :mod:`survey.collect.journal` — the durable submission journal (SQLite, WAL, fsync on commit);
* :mod:`survey.collect.committer` — the one writer thread: validates submissions in batches and
  acknowledges them only after the journal commit;
* :mod:`survey.collect.merge` — journal batches → the DuckDB project store (one import each);
* :mod:`survey.collect.settings` — serve settings and quotas from ``minyi.yaml``;
* :mod:`survey.collect.links` — signed respondent links, QR codes and the printable A4 sheet;
* :mod:`survey.collect.dashboard` — counts, quota progress and quality flags for the admin page;
* :mod:`survey.collect.app` — the Starlette application; :mod:`survey.collect.server` runs it
  under uvicorn.

Design notes (store, journal, durability, security): ``docs/collect.md``.
"""
