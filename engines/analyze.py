"""``survey analyze DATA --engine duckdb|spark``: the indicators computed where the data live.

DATA is a project folder (its wave, exclusion rules applied) or a folder of Parquet files in
minyi's native layout (one column per question / matrix row, codes as numbers), with the
questionnaire in ``DATA/questionnaire.yaml`` (or ``--questionnaire``) and, optionally, a
``DATA/minyi.yaml`` with the same ``design``, ``na_policy`` and ``ci_method`` keys as a project's.

The engine computes the sufficient statistics (:mod:`engines.sql`); everything after that — the
estimates, SEs, intervals, aggregates and verdicts — is finished on the driver by
:mod:`analysis.sufficient` on tables of size cells × PSUs × answer codes.  The result has the
schema of :func:`report.pipeline.analyze` (docs/analyze-json.md) for ``meta``, ``sample`` (``n``,
``composition``, ``quality`` of a project), ``indicators``, ``items``, ``areas``, ``composite``,
``league`` and ``group_tests`` (:mod:`engines.group_tests`: the group-vs-rest tests; ``rao_scott`` is
``null``); the sections that need row-level text or regressions — ``hot_issues``, ``ranking``,
``open_text``, ``ipa`` — are the in-memory engine's (``null`` / ``[]`` here, and
``meta.engine.sections_not_computed`` lists them).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.ci import check_method
from analysis.design import DesignError
from analysis.indicators import AreaSpec, normalize_na_policy
from analysis.sufficient import ItemTable, SparseCube, engine_from_units, indicators_from_totals
from survey.errors import MinyiError
from survey.progress import stage
from survey.project_files import CONFIG, setting

from . import is_url
from . import sql as S
from .parquet_input import check_parquet_folder, check_spark_source, file_rows, read_parquet_frame
from .runners import export_parquet, make_runner

NOT_COMPUTED = ("hot_issues", "ranking", "open_text", "ipa")


def _no_wave(data, wave: Optional[str]) -> None:
    """``--wave`` names a wave of a project; a Parquet folder has none (one folder per wave)."""
    if wave is not None:
        raise MinyiError.of("parquet-folder-no-waves", file=str(data), wave=wave)


def _url_join(url: str, name: str) -> str:
    return url.rstrip("/") + "/" + name


def load_url_source(url: str, runner, questionnaire: Optional[Path] = None):
    """(questionnaire, config) of a Parquet folder named by a URL: ``questionnaire.yaml`` and the optional
    ``minyi.yaml`` read through Spark (the driver may not see that file system), or ``questionnaire``,
    a local file.  The files are not checked here (:mod:`engines.parquet_input` reads local folders)."""
    import yaml

    from survey.qload import load_questionnaire, load_questionnaire_text

    if questionnaire is not None:
        q = load_questionnaire(questionnaire)
    else:
        where = _url_join(url, "questionnaire.yaml")
        text = runner.read_text(where)
        if text is None:
            raise MinyiError.of("parquet-no-questionnaire", file=url, data=url)
        q = load_questionnaire_text(text, where)
    text = runner.read_text(_url_join(url, CONFIG))
    try:
        cfg = (yaml.safe_load(text) if text else None) or {}
    except yaml.YAMLError as e:
        raise MinyiError.of("parquet-config-yaml", file=_url_join(url, CONFIG), config=CONFIG, reason=str(e)) from None
    return q, cfg


def load_source(data: Path, questionnaire: Optional[Path] = None, *, check: bool = True):
    """(questionnaire, config, project or None) of a project folder or a Parquet folder; a Parquet
    folder is checked first (``check``: readable files, answer codes that are options;
    :func:`engines.parquet_input.check_parquet_folder`)."""
    import yaml

    from survey.qload import load_questionnaire
    from survey.store import DB, Project

    if is_url(data):
        raise MinyiError.of("url-needs-spark", file=str(data), data=str(data))
    data = Path(data)
    if (data / DB).exists():  # a project (one without its minyi.yaml is told so, naming that file)
        p = Project.open(data)
        return p.questionnaire, p.config, p
    if not data.exists():
        raise MinyiError.of("file-not-found", file=str(data), path=str(data))
    if not data.is_dir() or not any(data.rglob("*.parquet")):
        raise MinyiError.of("not-project-or-parquet", file=str(data), data=str(data))
    qfile = questionnaire or data / "questionnaire.yaml"
    if not Path(qfile).exists():
        raise MinyiError.of("parquet-no-questionnaire", file=str(data), data=str(data))
    cfg = {}
    if (data / CONFIG).exists():
        cfg = yaml.safe_load((data / CONFIG).read_text(encoding="utf-8")) or {}
    q = load_questionnaire(qfile)
    if check:
        with stage(f"checking the Parquet files of {data}"):
            check_parquet_folder(data, q, cfg.get("design") if isinstance(cfg, dict) else None)
    return q, cfg, None


def _setting(data, key: str, given, value, check):
    """``check(value)`` of the setting ``key``: refused as the library refuses it when the caller gave the value,
    else as the value of minyi.yaml's key (its own catalogue entry, located at its line)."""
    try:
        return check(given if given is not None else value)
    except DesignError as e:
        if given is not None or is_url(data):
            raise
        from survey.design_messages import setting_problem

        raise setting_problem(e, key, str(Path(data) / CONFIG)) from None


def analyze_data(data: Path, *, engine: str = "duckdb", wave: Optional[str] = None, by: Optional[Sequence[str]] = None,
                 na_policy: Optional[str] = None, ci_method: Optional[str] = None, confidence: float = 0.95,
                 df: Optional[float] = None, questionnaire: Optional[Path] = None, spark=None) -> dict:
    """The analysis of DATA on ``engine`` (see module docstring)."""
    from report.pipeline import (_design_text, _league, _num, _software, composition_questions, default_groupings,
                                 indicator_sections, item_specs, resolve_grouping)

    runner = None
    if is_url(data) and engine == "spark":
        runner = make_runner(engine, spark=spark)
        q, cfg = load_url_source(data, runner, questionnaire)
        project = None
    else:
        q, cfg, project = load_source(data, questionnaire)
    by = default_groupings(q) if by is None else list(by)
    qids = [resolve_grouping(q, b) for b in by]
    na = _setting(data, "na_policy", na_policy, setting(cfg, "na_policy", "exclude"), normalize_na_policy)
    ci = ci_method if ci_method is not None else setting(cfg, "ci_method", "logit")
    _setting(data, "ci_method", ci_method, ci, lambda m: check_method(m, groups=True))
    design = {k: v for k, v in (cfg.get("design") or {}).items() if v}
    if cfg.get("weighting"):
        raise MinyiError.of("engine-weighting", file=str(data))
    design = _one_stage(data, design)
    quality = None
    tmp = None
    try:
        if project is not None:
            waves = project.waves()
            if not waves:
                raise MinyiError.of("no-responses-yet", file=str(data))
            wave = waves[-1] if wave is None else wave  # --wave "" is no wave, not the latest
            if wave not in waves:
                from survey.messages import did_you_mean

                raise MinyiError.of("unknown-wave", file=str(data), wave=wave,
                                    suggestion=did_you_mean(wave, waves) or f"waves: {', '.join(waves)}")
            quality = project.quality_summary(wave)  # runs the checks when stale
            src_sql, params = project.analysis_source_sql(wave)
            if engine == "duckdb":
                runner = make_runner("duckdb", con=project.connect())
                runner.execute(f"CREATE OR REPLACE TEMP VIEW minyi_data AS {_inline(src_sql, params)}")
                source = "minyi_data"
            else:
                tmp = tempfile.TemporaryDirectory(prefix="minyi-spark-")
                con = project.connect()
                try:
                    with stage(f"exporting wave {wave} to Parquet for Spark"):
                        export_parquet(con, src_sql, Path(tmp.name) / "data", params)
                finally:
                    con.close()
                runner = make_runner(engine, spark=spark)
                source = runner.parquet_source(Path(tmp.name) / "data")
        else:
            _no_wave(data, wave)
            runner = runner or make_runner(engine, spark=spark)
            source = runner.parquet_source(data if is_url(data) else Path(data))
            if is_url(data):  # a local folder was checked by load_source
                with stage(f"checking the Parquet files of {data}"):
                    check_spark_source(runner, source, data, q, design)
        have = set(runner.columns(source))
        for role in ("weights", "strata", "psu", "fpc"):
            if design.get(role) and design[role] not in have:
                raise DesignError(f"{role} column '{design[role]}' is not in the data", kind="missing-column",
                                  role=role, column=design[role])
        groupings = []
        for b, qid in zip(by, qids):
            if qid not in have:
                raise MinyiError.of("grouping-not-in-data", file=str(data), name=b, qid=qid)
            groupings.append((qid, [float(o.code) for o in q.question(qid).options]))
        items = [it for it in item_specs(q) if it.key in have]
        comp = {k: v for k, v in composition_questions(q).items() if v in have}
        cols = list(dict.fromkeys([it.key for it in items] + list(comp.values())))
        runner.execute(S.base_view(source, cols, groupings, design))
        _, n_cells = S.cell_expr(groupings)
        with stage(f"design units ({engine})"):
            units = runner.query(S.design_sql())
        eng, unit_index, n_rows = _engine(units, design, n_cells, [len(c) for _, c in groupings])
        if eng.fpc_weights is not None:  # the weights derived from the fpc replace the 1.0 of the first view
            runner.execute(S.base_view(source, cols, groupings, design, stratum_weights=eng.fpc_weights))
        weighted = (any(v != 1.0 for v in eng.fpc_weights.values()) if eng.fpc_weights is not None
                    else bool(units["wother"].sum()))
        with stage(f"sufficient statistics of {len(items)} items ({engine})"):
            # items in groups whose statistics stay small (many PSUs: many rows per item); each group's rows
            # are turned into per-item tables and freed (no name keeps them)
            tables = {}
            step = _items_per_query(eng.n_units, len(items))
            for i in range(0, len(items), step):
                chunk = items[i:i + step]
                tables.update(_item_tables(runner.query(S.items_sql([it.key for it in chunk])), chunk, eng,
                                           unit_index, design))

        def union_counts(specs):
            out = runner.query(S.union_sql([(n, v) for n, v in specs]))
            cu = _cell_unit(out, unit_index, design, eng.n_cells_all)
            return {name: sparse.csr_array((out[f"u{i}"].to_numpy(dtype=float), cu),
                                           shape=(eng.n_cells_all, eng.n_units))  # duplicates are summed
                    for i, (name, _) in enumerate(specs)}

        def moments(parts):
            res = {}
            for chunk in _chunks(parts, runner.max_terms):
                out = runner.query(S.moments_sql(chunk, eng.n_cells_all))
                st = out["_st"].map(unit_index["strata"]).to_numpy(dtype=np.int64)
                cell = out["_cell"].to_numpy(dtype=np.int64)
                for i, (name, _, _) in enumerate(chunk):
                    s1 = np.zeros((eng.n_cells_all, eng.n_strata))
                    s2 = np.zeros((eng.n_cells_all, eng.n_strata))
                    np.add.at(s1, (cell, st), out[f"s1_{i}"].to_numpy(dtype=float))
                    np.add.at(s2, (cell, st), out[f"s2_{i}"].to_numpy(dtype=float))
                    res[name] = (s1, s2)
            return res

        groups = [(b, o.label) for b, qid in zip(by, qids) for o in q.question(qid).options]
        areas = [AreaSpec(a.id, a.name, a.weight) for a in q.areas]
        with stage(f"indicators, areas and composite ({engine})"):
            res = indicators_from_totals(eng, tables, items, areas, groups, union_counts=union_counts, moments=moments,
                                         na_policy=na, ci_method=ci, confidence=confidence, df=df)
        from .group_tests import engine_group_tests

        with stage(f"group tests ({engine})"):
            gtests = engine_group_tests(q, eng, tables, items, by, qids, union_counts=union_counts, query=runner.query,
                                        strata_index=unit_index["strata"], max_terms=runner.max_terms, na_policy=na)
        distribution = {it.key: (tables[it.key].values, tables[it.key].Sw.sum(axis=(0, 1))) for it in items
                        if it.kind == "satisfaction"}
        ind_out, item_out, area_out, composite = indicator_sections(q, res, items, distribution)
        composition = {}
        for key, qid in comp.items():
            c = runner.query(S.counts_sql(qid))
            n = dict(zip(c["v"].astype(float), c["n"].astype(int)))
            sw = dict(zip(c["v"].astype(float), c["sw"].astype(float)))
            W = sum(sw.values())
            qq = q.question(qid)
            composition[key] = {"question": qid, "title": qq.text,
                                "rows": [{"label": o.label, "n": int(n.get(float(o.code), 0)),
                                          "share": float(sw.get(float(o.code), 0.0) / W) if W else None}
                                         for o in qq.options]}
    finally:
        if runner is not None:
            runner.close()
        if tmp is not None:
            tmp.cleanup()
    import datetime as _dt

    from analysis.design_spec import question_labels
    from report.pipeline import _moe

    result = {
        "meta": {"questionnaire": {"id": q.id, "title": q.title, "version": q.version}, "wave": wave,
                 "generated_at": _dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "software": _software(),
                 "ci_method": ci, "confidence": confidence, "na_policy": na,
                 "na_treatment": "excluded" if na == "exclude" else "unsatisfied", "df": _num(df),
                 "design": _design_text(design, None, _described(design, eng), question_labels(q, design.values())),
                 "by": list(by), "overall_question": q.overall_question,
                 "engine": {"name": engine, "source": "project" if project is not None else "parquet",
                            "sections_not_computed": list(NOT_COMPUTED)}},
        "sample": {"n": int(n_rows), "fielding": None, "sites": _sites_seen(q, composition), "composition": composition,
                   "quality": quality or {}, "weighted": weighted, "moe": None},
        "indicators": ind_out, "items": item_out, "areas": area_out, "composite": composite,
        "hot_issues": None, "ranking": None, "open_text": None, "ipa": [],
        "league": _league(area_out, composite, "district"),
        "group_tests": gtests,
    }
    if project is None and not is_url(data):
        result["meta"]["files"] = file_rows(Path(data))
    result["sample"]["moe"] = _moe(result)
    return result


def _chunks(parts: list, max_terms: Optional[int]) -> list:
    """The moments parts in groups of at most ``max_terms`` item terms (None: one group)."""
    if not max_terms:
        return [parts]
    out, cur, n = [], [], 0
    for p in parts:
        t = len(p[2])
        if cur and n + t > max_terms:
            out.append(cur)
            cur, n = [], 0
        cur.append(p)
        n += t
    return out + ([cur] if cur else [])


#: statistics' rows per items query (the engine's hash table and the result stay within a few hundred MB)
ROWS_PER_QUERY = 4_000_000


def _items_per_query(n_units: int, n_items: int) -> int:
    """Items per statistics query: ~``ROWS_PER_QUERY`` rows at about 8 answer values per unit and item
    (all items in one scan for unclustered designs, where the units are the few strata)."""
    return max(1, min(n_items, ROWS_PER_QUERY // max(1, 8 * n_units)))


def _inline(sql: str, params: list) -> str:
    """``?`` parameters of a project query inlined as literals (a view cannot take parameters)."""
    parts = sql.split("?")
    assert len(parts) == len(params) + 1
    out = parts[0]
    for p, rest in zip(params, parts[1:]):
        out += S.lit(p) + rest
    return out


def _engine(units: pd.DataFrame, design: dict, n_cells: int, group_sizes: list):
    """The :class:`analysis.sufficient.TotalsEngine` of the design units, with R's checks of Design.from_frame."""
    if units.empty:
        raise DesignError("the data have no rows", kind="no-rows")
    if int(units["badw"].sum()):
        raise DesignError("weights must be numbers and not negative; some are missing, negative or not numeric",
                          kind="engine-weights", column=str(design.get("weights") or ""))
    for key, role, col in (("strata", "stratum", "_st"), ("psu", "psu", "_psu")):
        if design.get(key) and units[col].isna().any():
            count = int(units.loc[units[col].isna(), "n"].sum())
            raise DesignError(f"{role} column '{design[key]}' has {count} empty cell(s); every row needs a {role}",
                              kind="empty-id", role=role, column=str(design[key]), count=count)
    strata = sorted(units["_st"].unique(), key=_sort_key)
    s_index = {s: i for i, s in enumerate(strata)}
    n_rows = int(units["n"].sum())
    clustered = bool(design.get("psu"))
    n_strata = len(strata)
    st_of_unit = units["_st"].map(s_index).to_numpy(dtype=np.int64)
    if clustered:
        unit_stratum = st_of_unit
        n_h = np.bincount(unit_stratum, minlength=n_strata).astype(float)
        unit_index = {(s, p): i for i, (s, p) in enumerate(zip(units["_st"], units["_psu"]))}
        unit_keys = pd.MultiIndex.from_arrays([units["_st"], units["_psu"]])
    else:
        unit_keys = None
        unit_stratum = np.arange(n_strata)
        n_h = np.bincount(st_of_unit, weights=units["n"].to_numpy(dtype=float), minlength=n_strata)
        unit_index = {}
    f_h = np.zeros(n_strata)
    if design.get("fpc"):
        if int(units["fnull"].sum()) or units[["fmin", "fmax"]].isna().any().any():
            raise DesignError(f"fpc column '{design['fpc']}' has missing or non-numeric values",
                              kind="engine-fpc-cells", column=design["fpc"])
        lo = units.groupby(st_of_unit)["fmin"].min().to_numpy()
        hi = units.groupby(st_of_unit)["fmax"].max().to_numpy()
        if np.any(lo != hi):
            k = int(np.flatnonzero(lo != hi)[0])
            where = f"within stratum '{strata[k]}'" if design.get("strata") else "in the sample (no strata)"
            raise DesignError(f"fpc column '{design['fpc']}' varies {where} (from {lo[k]:g} to "
                              f"{hi[k]:g}); it must be one number per stratum (its population size or sampling "
                              "fraction)", kind="engine-fpc-varies", column=design["fpc"], where=where,
                              low=f"{lo[k]:g}", high=f"{hi[k]:g}")
        if np.all(hi <= 1):
            if np.any(lo < 0):
                raise DesignError("sampling fractions in fpc must be between 0 and 1", kind="engine-fpc-fractions",
                                  column=design["fpc"])
            f_h = hi.astype(float)
        else:
            n_psu_h = n_h if clustered else n_h  # unclustered: each row is a PSU
            f_h = n_psu_h / hi
            if np.any(f_h > 1 + 1e-12):
                k = int(np.flatnonzero(f_h > 1 + 1e-12)[0])
                raise DesignError(f"fpc column '{design['fpc']}': population size {hi[k]:g} of stratum '{strata[k]}' is "
                                  f"smaller than its {int(n_psu_h[k])} sampled {'PSUs' if clustered else 'rows'}",
                                  kind="fpc-too-small", column=design["fpc"], value=f"{hi[k]:g}",
                                  sampled=int(n_psu_h[k]), units="PSUs" if clustered else "rows",
                                  where=f"stratum '{strata[k]}'" if design.get("strata") else "no strata")
    eng = engine_from_units(group_sizes, unit_stratum, n_h, f_h, clustered=clustered,
                            lonely_psu=design.get("lonely_psu", "certainty"), strata_labels=strata)
    eng.fpc_weights = _fpc_weights(design, strata, f_h)
    # the same PSU id in two strata: nested, as the in-memory Design says (analysis.design, nest=TRUE in R)
    eng.psu_ids_repeat = bool(clustered and design.get("strata")
                              and units.groupby("_psu", dropna=True)["_st"].nunique().gt(1).any())
    return eng, {"strata": s_index, "units": unit_index, "unit_keys": unit_keys}, n_rows


ROW_DESIGN_KEYS = {"repweights": "replicate weights", "replicates": "replicate weights made from the design",
                   "pps": "PPS sampling without replacement"}  # designs the sufficient statistics cannot finish


def _one_stage(data, design: dict) -> dict:
    """``design`` with one column per role, or a usage error naming ``minyi.yaml``: the SQL engines finish
    one-stage linearisation designs (weights, strata, PSUs, fpc, lonely PSUs) only.  Replicate weights,
    PPS and a multistage ``psu``/``fpc`` list need the rows (the in-memory engine); without this check
    the engines silently computed a one-stage Taylor variance (replicates) or failed with a TypeError."""
    where = f"{str(data).rstrip('/')}/{CONFIG}"
    for key, what in ROW_DESIGN_KEYS.items():
        if design.get(key):
            raise MinyiError.of("engine-row-design", file=where, key=key, what=what)
    out = dict(design)
    for role in ("weights", "strata", "psu", "fpc"):
        v = out.get(role)
        if isinstance(v, (list, tuple)):
            if len(v) > 1:
                raise MinyiError.of("engine-multistage", file=where, role=role, count=len(v))
            out[role] = v[0] if v else None
    return {k: v for k, v in out.items() if v}


def _sites_seen(q, composition: dict) -> list:
    """The questionnaire's site names that have respondents in this sample (an option nobody answered is no
    site of it), as the in-memory engine's ``sample.sites`` (report.pipeline); all of them without a site
    column."""
    rows = composition.get("site", {}).get("rows")
    seen = None if rows is None else {r["label"] for r in rows if r["n"]}
    return [s.name for s in q.sites if seen is None or s.name in seen]


def _fpc_weights(design: dict, strata: list, f_h: np.ndarray) -> Optional[dict]:
    """{stratum: weight} of a design with an fpc and no ``weights``: 1/f_h (N_h/n_h for population sizes,
    1/fraction for fractions), the weights R's ``svydesign`` derives from a one-stage fpc and
    :class:`analysis.design.Design` uses; None when the design gives its weights (or has no fpc)."""
    if design.get("weights") or not design.get("fpc"):
        return None
    if np.any(f_h <= 0):
        k = int(np.flatnonzero(f_h <= 0)[0])
        raise DesignError(f"weights cannot be derived from the fpc: column '{design['fpc']}' is 0 in stratum "
                          f"'{strata[k]}' (no unit sampled); give weights in the design, or the sampling fraction "
                          "or population size there", kind="engine-fpc-zero", column=design["fpc"],
                          stratum=str(strata[k]))
    return {s: float(1.0 / f) for s, f in zip(strata, f_h)}


def _sort_key(v):
    try:
        return (0, float(v), "")
    except (TypeError, ValueError):
        return (1, 0.0, str(v))


def _cell_unit(frame: pd.DataFrame, unit_index: dict, design: dict, n_cells_all: int):
    cell = frame["_cell"].to_numpy(dtype=np.int64)
    if design.get("psu"):
        keys = pd.MultiIndex.from_arrays([frame["_st"], frame["_psu"]])
        unit = unit_index["unit_keys"].get_indexer(keys).astype(np.int64)
        if len(unit) and unit.min() < 0:
            raise DesignError("a (stratum, PSU) of the statistics is not among the design's units",
                              kind="engine-units")
    else:
        unit = frame["_st"].map(unit_index["strata"]).to_numpy(dtype=np.int64)
    return cell, unit


def _item_tables(raw: pd.DataFrame, items, eng, unit_index: dict, design: dict) -> dict:
    """ItemTable per item from the rows of :func:`engines.sql.items_sql`: sparse tables
    (:class:`analysis.sufficient.SparseCube`) holding only the (cell, unit, answer value) present,
    so that many PSUs cost memory in proportion to the statistics' rows, not cells × PSUs × codes."""
    raw = raw[np.isfinite(raw["v"].to_numpy(dtype=float))]
    cell, unit = _cell_unit(raw, unit_index, design, eng.n_cells_all)
    pos = {it.key: i for i, it in enumerate(items)}
    item = raw["item"].map(pos).to_numpy(dtype=np.int64)
    v = raw["v"].to_numpy(dtype=float)
    sw, sw2, npos = (raw[c].to_numpy(dtype=float) for c in ("sw", "sw2", "npos"))
    del raw
    order = np.argsort(item, kind="stable")
    bounds = np.searchsorted(item[order], np.arange(len(items) + 1))
    out = {}
    for i, it in enumerate(items):
        m = order[bounds[i]:bounds[i + 1]]
        vals = np.unique(v[m])
        code = np.searchsorted(vals, v[m]) + 1
        shape = (eng.n_cells_all, eng.n_units, len(vals) + 1)
        arrs = [SparseCube(x[m], cell[m], unit[m], code, shape) for x in (sw, npos, sw2)]
        out[it.key] = ItemTable(np.concatenate([[np.nan], vals]), arrs[0], arrs[1], arrs[2])
    return out


def analyze_parquet_in_memory(data: Path, q, *, by=None, na_policy=None, ci_method=None, confidence: float = 0.95,
                              df: Optional[float] = None, wave: Optional[str] = None) -> dict:
    """A Parquet folder analysed by the in-memory engine (every section): the files checked and read as the
    other engines read them (:mod:`engines.parquet_input`)."""
    _no_wave(data, wave)
    import yaml

    from report.pipeline import analysis_columns, analyze

    cfg = {}
    if (Path(data) / CONFIG).exists():
        cfg = yaml.safe_load((Path(data) / CONFIG).read_text(encoding="utf-8")) or {}
    design = {k: v for k, v in (cfg.get("design") or {}).items() if v}
    with stage(f"checking the Parquet files of {data}"):
        check_parquet_folder(data, q, design)
    with stage(f"reading {data}"):
        frame = read_parquet_frame(data, analysis_columns(q, by, design), q, design)
    with stage(f"analysing {len(frame):,} responses"):
        res = analyze(q, frame, by=by, design=design, na_policy=na_policy or setting(cfg, "na_policy", "exclude"),
                      ci_method=ci_method or setting(cfg, "ci_method", "logit"), confidence=confidence, df=df)
    res["meta"]["files"] = file_rows(Path(data))
    return res


def _described(design: dict, eng=None):
    """What :func:`analysis.design_spec.describe` reads of a design, for the one-stage designs the engines
    run (strata, PSUs, fpc, weights; PSUs nested in strata), with the strata holding a single PSU from the
    engine's per-stratum counts (``eng.lonely_h``): the method note equals the in-memory one."""
    from types import SimpleNamespace

    lonely = np.flatnonzero(eng.lonely_h) if eng is not None else np.zeros(0, dtype=np.int64)

    spec = {"weights": design.get("weights"), "strata": design.get("strata"), "psu": design.get("psu"),
            "fpc": design.get("fpc"), "pps": False,
            "weights_from_fpc": not design.get("weights") and bool(design.get("fpc")),
            "psu_ids_repeat": bool(getattr(eng, "psu_ids_repeat", False))}
    return SimpleNamespace(spec=spec, pps=False, multistage=False, is_replicate=False,
                           lonely_psu=design.get("lonely_psu", "certainty"), lonely_strata=lambda: lonely)
