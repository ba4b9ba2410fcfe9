"""Simulated responses in minyi's native layout (vectorised: no loop over respondents).

Model (documented so analysts know what the demo data mean):

* two latent traits per respondent, ``sat`` (general satisfaction) and ``civic``
  (engagement), standard normal, shifted by site and district effects and by ``shift``
  (a wave effect in latent SD units);
* an ordered question (single, yes/no, scale, matrix row) draws its answer by an
  ordered-probit rule: ``z = a·latent + sqrt(1-a²)·e`` cut at thresholds that reproduce a
  base distribution over its options; satisfaction items use ``sat`` (a = 0.65, so items
  correlate within a respondent), indicator questions on awareness/support/participation
  use ``civic``, background questions are independent;
* non-substantive options (``na: true``, e.g. 不了解) are drawn first with 2–8 % chance;
* multiple choice draws the number of selections within [min, max] and picks options by
  Gumbel-top-k on popularity (with site-specific tilts); the exclusive option appears
  alone; "other" comes with a fill-in text; ranking uses Gumbel-top-k for the top k;
* skip logic and site sections are applied in questionnaire order with
  :func:`survey.skip.condition_mask`: a question not asked is left empty;
* ``effects`` plants differences for tests and demos (waves that improve or decline, a
  lagging district, a hot issue): extra latent shifts (SD units) for every item of an
  indicator or area (``{"sat_env": 0.3}``), for every item in a district (``{"北山区": -0.4}``)
  or for one indicator/area in one district (``{"北山区/sat_env": -0.5}``), and for a
  multiple-choice option an added log-popularity (``{"K1=停车难": 1.0}``);
  ``district_spread`` is the SD of the random district effects (0: districts alike).

``messy=True`` adds a few realistic faults (see :func:`_make_messy`).  The same seed gives
the same data (and :func:`write_csv` the same bytes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd
from scipy.special import ndtri

from .atomic import atomic_write
from .questionnaire import Question, Questionnaire
from .skip import condition_mask, site_labels

OPEN_ANSWERS = [
    "希望加强背街小巷环境整治", "解决停车难问题", "多建一些公共停车场", "加强农贸市场管理，保持卫生整洁",
    "公共厕所数量太少，希望增加", "希望降低房价，解决年轻人住房问题", "加大就业扶持力度", "希望物价保持稳定",
    "看病难、看病贵问题需要解决", "增加养老机构和社区养老服务", "希望改善交通拥堵", "整治电动车乱停乱放",
    "加强食品安全监管", "治理噪声扰民", "加快老旧小区改造", "提高物业服务质量", "增加幼儿园和托育机构",
    "希望干部多深入基层听取群众意见", "提高办事效率，减少跑腿", "加强文明养犬管理", "多开展志愿服务活动",
    "加强夜间治安巡逻", "防范电信诈骗宣传要加强", "垃圾分类要落到实处", "增加公园绿地和健身设施",
    "公交线路需要优化", "规范占道经营", "希望创文工作常态化，不要搞突击", "学校周边交通秩序需要整治",
    "加强河道治理", "建议增加便民服务网点", "解决拖欠农民工工资问题", "希望惠企政策真正落地",
    "提高社区服务水平", "加大对困难群众的帮扶", "城市绿化还要加强", "加强市民文明素质教育",
    "规范共享单车停放", "希望多听取群众意见", "没有意见",
]
OTHER_WEIGHT = 0.08  # the popularity factor of an "other, please specify" option: it is rarely chosen
OTHER_TEXTS = ["物业纠纷", "宠物扰民", "快递乱堆放", "广场舞噪音", "小区停车", "外卖电动车", "群租房", "楼道堆物"]

SITE_SHARES = {"机关": 0.30, "社区": 0.42, "企业": 0.28}


def _ordinal(rng: np.random.Generator, probs: np.ndarray, latent: Optional[np.ndarray], a: float,
             shift: np.ndarray | float, n: int) -> np.ndarray:
    """Index 0..k-1 drawn by an ordered-probit rule; higher latent → lower index (more positive)."""
    cum = np.cumsum(probs)[:-1]
    thr = ndtri(np.clip(cum, 1e-9, 1 - 1e-9))
    e = rng.standard_normal(n)
    z = e if latent is None or a == 0 else a * latent + np.sqrt(1 - a * a) * e
    z = z - shift  # positive shift moves answers to earlier (more positive) options
    return np.searchsorted(thr, z).astype(np.int64)


def _gumbel_topk(rng: np.random.Generator, logpop: np.ndarray, n: int, kmax: int) -> np.ndarray:
    """For each row, option indices ordered by Gumbel-perturbed popularity (first kmax)."""
    keys = logpop - np.log(-np.log(rng.random((n, logpop.shape[-1]))))
    order = np.argsort(-keys, axis=1)
    return order[:, :kmax]


def _base_probs(rng: np.random.Generator, q: Question, k: int, kind: str) -> np.ndarray:
    if kind == "satisfaction":
        base = np.array([0.30, 0.42, 0.19, 0.06, 0.03])[:k]
    elif kind in ("awareness", "support", "participation"):
        first = {"awareness": 0.58, "support": 0.62, "participation": 0.58}[kind]
        rest = rng.dirichlet(np.linspace(3, 1, max(k - 1, 1)))[: k - 1] * (1 - first)
        base = np.concatenate([[first], rest])[:k]
        if k >= 3:  # a realistic share for the last (negative) option, e.g. 不知道 / 不支持
            base[-1] = 0.07
            base[1:-1] = (1 - first - 0.07) * base[1:-1] / base[1:-1].sum()
    else:
        base = rng.dirichlet(np.full(k, 4.0))
        # "其他（请注明）" is rarely chosen, as in a multiple choice (a factor of 1 for every other option)
        base = base * np.array([OTHER_WEIGHT if o.other else 1.0 for o in q.options if not o.na][:k])
    return base / base.sum()


def check_options(*, seed: int, shift: float, start: str) -> None:
    """The simulate options a user gives: a seed >= 0, a finite shift, a real calendar day (bad-option, exit 2)."""
    import datetime as _dt
    import math

    from .errors import MinyiError

    if seed < 0:
        raise MinyiError.of("simulate-seed", seed=seed)
    if not math.isfinite(shift):
        raise MinyiError.of("simulate-shift", shift=shift)
    try:
        _dt.date.fromisoformat(str(start))
    except ValueError:
        raise MinyiError.of("simulate-start", start=str(start)) from None


def check_out(questionnaire: str | Path, out: str | Path) -> None:
    """``survey simulate --out``: a ``.csv`` file (what is written is CSV text: ``--out r.xlsx`` made a
    "workbook" Excel cannot open), and not the questionnaire itself (``--out q.yaml`` replaced it by CSV)."""
    import os

    from .errors import MinyiError

    out, src = Path(out), Path(questionnaire)
    if out.is_dir():
        return  # the writer says "it is a folder"
    same = out.exists() and src.exists() and os.path.samefile(out, src)
    if same or out.resolve() == src.resolve():
        raise MinyiError.of("simulate-out-is-questionnaire", out=str(out))
    if out.suffix.lower() != ".csv":
        raise MinyiError.of("simulate-out-suffix", out=str(out))


def simulate(q: Questionnaire, n: int, seed: int = 1, *, messy: bool = False, shift: float = 0.0,
             start: str = "2026-03-01", days: int = 30, param_seed: int = 2026,
             effects: Optional[dict] = None, district_spread: float = 0.2) -> pd.DataFrame:
    """Simulate ``n`` respondents of questionnaire ``q`` in native layout (see module docstring).

    ``seed`` draws the respondents; ``param_seed`` fixes the population (item, area, site and
    district effects, base distributions), so two waves with different seeds describe the
    same city and differ only by sampling and by ``shift``.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    check_options(seed=seed, shift=shift, start=start)
    rng = np.random.default_rng(seed)
    prng = np.random.default_rng(param_seed)
    sat = rng.standard_normal(n)
    civic = 0.5 * sat + np.sqrt(0.75) * rng.standard_normal(n)
    cols: dict[str, np.ndarray] = {}
    kinds: dict[str, str] = {}
    ind_of: dict[str, str] = {}
    for ind in q.indicators:
        kinds[ind.question] = ind.kind
        ind_of[ind.question] = ind.id
    plant = dict(effects or {})
    dist_lab: Optional[np.ndarray] = None

    def planted(qid: str, area: Optional[str]) -> np.ndarray | float:
        """Latent shift from ``effects`` for an item of question ``qid`` in ``area`` (module docstring)."""
        if not plant:
            return 0.0
        names = [x for x in (ind_of.get(qid), area) if x]
        out = np.full(n, sum(float(plant.get(k, 0.0)) for k in names))
        if dist_lab is not None:
            for d in np.unique(dist_lab[dist_lab != None]):  # noqa: E711 - object array comparison
                extra = float(plant.get(d, 0.0)) + sum(float(plant.get(f"{d}/{k}", 0.0)) for k in names)
                if extra:
                    out[dist_lab == d] += extra
        return out
    site_arr: Optional[np.ndarray] = None
    site_eff = np.zeros(n)
    dist_eff = np.zeros(n)
    _ae = prng.normal(0, 0.25, len(q.areas))
    area_eff = {a.id: float(v) for a, v in zip(q.areas, _ae - (_ae.mean() if len(_ae) else 0.0))}  # centred effects
    texts: dict[str, np.ndarray] = {}

    for qq in q.questions:
        asked = condition_mask(q, qq, cols, site=site_arr, n=n) if (qq.when or site_arr is not None) else np.ones(n, bool)
        kind = kinds.get(qq.id, "satisfaction" if qq.type in ("scale", "matrix") else "")
        if qq.id == q.site_question:
            labels = [o.label for o in qq.options]
            p = np.array([SITE_SHARES.get(lbl, 1.0) for lbl in labels], dtype=float)
            p /= p.sum()
            idx = np.searchsorted(np.cumsum(p)[:-1], rng.random(n))
            codes = np.array(qq.codes, dtype=float)[idx]
            cols[qq.id] = np.where(asked, codes, np.nan)
            site_arr = site_labels(q, cols[qq.id])
            effects = prng.normal(0, 0.25, len(labels))
            site_eff = (effects - effects @ p)[idx]
            continue
        if qq.id == q.district_question:
            k = len(qq.options)
            idx = rng.integers(0, k, n)
            cols[qq.id] = np.where(asked, np.array(qq.codes, dtype=float)[idx], np.nan)
            de = prng.normal(0, district_spread, k)
            dist_eff = (de - de.mean())[idx]
            dist_lab = np.array([qq.options[i].label for i in idx], dtype=object)
            dist_lab[~asked] = None
            continue
        if qq.type in ("single", "yesno", "scale"):
            cols[qq.id] = _ordered(rng, prng, qq, asked, kind, sat, civic, site_eff + dist_eff,
                                   shift + planted(qq.id, qq.area), n, area_eff.get(qq.area or "", 0.0))
            if qq.has_other:
                other = next(o.code for o in qq.options if o.other)
                texts[f"{qq.id}_other"] = _fill_in(rng, cols[qq.id] == other, n)
        elif qq.type == "matrix":
            row_eff = prng.normal(0, 0.3, len(qq.rows))
            row_eff -= row_eff.mean()
            for r, re_ in zip(qq.rows, row_eff):
                item_eff = float(re_) + area_eff.get(r.area or qq.area or "", 0.0)
                cols[f"{qq.id}_{r.id}"] = _ordered(rng, prng, qq, asked, "satisfaction", sat, civic,
                                                   site_eff + dist_eff, shift + planted(qq.id, r.area or qq.area),
                                                   n, item_eff)
        elif qq.type == "multiple":
            _multiple(rng, prng, qq, asked, cols, texts, site_arr, n,
                      np.array([float(plant.get(f"{qq.id}={o.label}", 0.0)) for o in qq.options]))
        elif qq.type == "ranking":
            k = len(qq.options)
            logpop = np.log(prng.dirichlet(np.full(k, 2.0)))
            top = _gumbel_topk(rng, logpop, n, qq.k or k)
            ranks = np.full((n, k), np.nan)
            rows = np.arange(n)
            for r in range(top.shape[1]):
                ranks[rows, top[:, r]] = r + 1
            for j, o in enumerate(qq.options):
                cols[f"{qq.id}_{o.code}"] = np.where(asked, ranks[:, j], np.nan)
        elif qq.type == "number":
            lo = qq.min if qq.min is not None else min(0.0, qq.max if qq.max is not None else 0.0)
            hi = qq.max if qq.max is not None else lo + 100  # (min: 150 without max drew 100, below min)
            v = np.clip(rng.poisson(0.9, n) + lo, lo, hi).astype(float)
            cols[qq.id] = np.where(asked, v, np.nan)
        elif qq.type == "text":
            pool = np.array(OPEN_ANSWERS + [""] * (len(OPEN_ANSWERS) // 2), dtype=object)
            t = pool[rng.integers(0, len(pool), n)]
            t[~asked] = ""
            texts[qq.id] = t

    meta = _meta(rng, q, n, start, days, cols)
    frame = pd.DataFrame(meta)
    data = {}
    for c in q.columns(meta=False):
        if c in cols:
            data[c] = cols[c]
        elif c in texts:
            data[c] = texts[c]
        else:
            data[c] = np.full(n, np.nan)
    frame = pd.concat([frame, pd.DataFrame(data)], axis=1)
    if messy:
        frame = _make_messy(frame, q, np.random.default_rng(seed + 104729))
    return frame


def _ordered(rng, prng, qq: Question, asked: np.ndarray, kind: str, sat, civic, group_eff, shift, n,
             item_eff: float) -> np.ndarray:
    opts = qq.options
    subs = [o for o in opts if not o.na]
    nas = [o for o in opts if o.na]
    if not subs:  # only non-substantive options (a single choice of 不了解 / 说不清): draw among them
        codes = np.array([o.code for o in nas], dtype=float)[rng.integers(0, len(nas), n)] if nas else np.full(n, np.nan)
        return np.where(asked, codes, np.nan)
    probs = _base_probs(prng, qq, len(subs), kind)
    if kind == "satisfaction":
        idx = _ordinal(rng, probs, sat, 0.65, group_eff + item_eff + shift, n)
    elif kind in ("awareness", "support", "participation"):
        idx = _ordinal(rng, probs, civic, 0.5, 0.6 * group_eff + shift, n)
    else:
        idx = _ordinal(rng, probs, None, 0.0, 0.0, n)
    codes = np.array([o.code for o in subs], dtype=float)[idx]
    if nas:
        p_na = float(prng.uniform(0.02, 0.08))
        is_na = rng.random(n) < p_na
        codes = np.where(is_na, float(nas[0].code), codes)
    return np.where(asked, codes, np.nan)


def _multiple(rng, prng, qq: Question, asked, cols, texts, site_arr, n, boost: Optional[np.ndarray] = None) -> None:
    opts = qq.options
    k = len(opts)
    excl = [j for j, o in enumerate(opts) if o.exclusive]
    normal = np.array([j for j in range(k) if j not in excl], dtype=np.int64)
    if not len(normal):  # only exclusive options (以上都没有): each respondent picks one of them
        sel = np.zeros((n, k), dtype=np.float64)
        sel[np.arange(n), np.array(excl)[rng.integers(0, len(excl), n)]] = 1.0
        _put_multiple(qq, opts, sel, asked, cols, texts, rng)
        return
    pop = prng.dirichlet(np.full(len(normal), 0.8)) + 1e-4
    pop = pop * np.array([OTHER_WEIGHT if opts[j].other else 1.0 for j in normal])  # "其他（请注明）" is rarely chosen
    logpop = np.log(pop) + (boost[normal] if boost is not None else 0.0)
    lo = int(qq.min or 1)
    hi = int(qq.max or len(normal))
    hi = max(lo, min(hi, len(normal)))
    m = rng.integers(lo, hi + 1, n)
    if site_arr is not None:
        tilt = np.zeros((n, len(normal)))
        for s in np.unique(site_arr[site_arr != None]):  # noqa: E711 - object array comparison
            tilt[site_arr == s] = prng.normal(0, 0.4, len(normal))
        keys = logpop + tilt - np.log(-np.log(rng.random((n, len(normal)))))
        top = np.argsort(-keys, axis=1)[:, :hi]
    else:
        top = _gumbel_topk(rng, logpop, n, hi)
    sel = np.zeros((n, k), dtype=np.float64)
    rows = np.arange(n)
    for r in range(top.shape[1]):
        chosen = r < m
        sel[rows[chosen], normal[top[chosen, r]]] = 1.0
    if excl:
        only = rng.random(n) < 0.02
        sel[only] = 0.0
        sel[only, excl[0]] = 1.0
    _put_multiple(qq, opts, sel, asked, cols, texts, rng)


def _put_multiple(qq, opts, sel: np.ndarray, asked: np.ndarray, cols: dict, texts: dict, rng) -> None:
    """A multiple choice's selections ``sel`` (rows × options, 0/1) as its option columns, empty where the question
    was not asked, and the "please specify" text of its "other" option."""
    sel[~asked] = np.nan
    for j, o in enumerate(opts):
        cols[f"{qq.id}_{o.code}"] = sel[:, j]
    if qq.has_other:
        j = next(j for j, o in enumerate(opts) if o.other)
        texts[f"{qq.id}_other"] = _fill_in(rng, sel[:, j] == 1, len(sel))


def _fill_in(rng, chosen: np.ndarray, n: int) -> np.ndarray:
    """The "please specify" text of an "other" option: a text from OTHER_TEXTS where ``chosen``, else empty
    (module docstring: "other" comes with a fill-in text — for a multiple or a single choice alike)."""
    pool = np.array(OTHER_TEXTS, dtype=object)
    return np.where(chosen, pool[rng.integers(0, len(pool), n)], "").astype(object)


def _meta(rng, q: Questionnaire, n: int, start: str, days: int, cols) -> dict[str, np.ndarray]:
    ids = np.char.add("R", np.char.zfill(np.arange(1, n + 1).astype(str), 7)).astype(object)
    t0 = np.datetime64(f"{start}T08:00:00", "s")
    offs = np.sort(rng.integers(0, days * 86400, n))
    ts = pd.to_datetime(t0 + offs.astype("timedelta64[s]")).strftime("%Y-%m-%d %H:%M:%S")
    answered_items = np.zeros(n)
    for qq in q.questions:
        for c in qq.columns():
            if c in cols:
                answered_items += ~np.isnan(cols[c]) if qq.type not in ("multiple", "ranking") else 0
    median = 6.0 * np.maximum(answered_items, 1) + 60
    dur = np.round(median * np.exp(rng.normal(0, 0.35, n)))
    return {"respondent_id": ids, "submitted_at": np.asarray(ts, dtype=object), "duration_sec": dur}


def _make_messy(frame: pd.DataFrame, q: Questionnaire, rng: np.random.Generator) -> pd.DataFrame:
    """Inject documented faults into a copy of ``frame``.

    * ``ip``: a column of IPv4 addresses, with a block of near-identical submissions from one IP;
    * speeders: ~2 % of rows get a completion time of 5–15 % of the median;
    * straight-liners: a few respondents answer every row of the first matrix identically;
    * an out-of-range code in a matrix cell; a multiple choice with one selection too many;
    * an answer to a question its skip condition says to skip;
    * a duplicate respondent (same id, copied answers); blank rows.
    """
    f = frame.copy()
    n = len(f)
    ips = np.array([f"10.{a}.{b}.{c}" for a, b, c in rng.integers(0, 255, (n, 3))], dtype=object)
    f.insert(3, "ip", ips)
    k = max(1, n // 200)
    picks = rng.choice(n, size=min(n, 6 * k + 6), replace=False)
    i = 0

    def take(m: int) -> np.ndarray:
        """The next ``m`` picked rows; in a small file (fewer rows than faults) the picks are used again, so
        a row may carry two faults (it took an empty slice, and ``--messy --n 5`` failed with an IndexError)."""
        nonlocal i
        out = picks[np.arange(i, i + m) % len(picks)]
        i += m
        return out

    # near-identical answers from one IP
    clones = take(min(3, n))
    if len(clones) > 1:
        src = clones[0]
        for c in clones[1:]:
            row = f.iloc[src].copy()
            row["respondent_id"] = f.at[c, "respondent_id"]
            f.iloc[c] = row
        f.loc[clones, "ip"] = "10.0.0.99"
    # speeders
    sp = take(max(1, n // 50))
    med = float(np.nanmedian(f["duration_sec"]))
    f.loc[sp, "duration_sec"] = np.round(med * rng.uniform(0.05, 0.15, len(sp)))
    # straight-liners in the first matrix
    mats = [qq for qq in q.questions if qq.type == "matrix"]
    if mats:
        cols = mats[0].columns()
        sl = take(max(1, k))
        for r in sl:
            f.loc[r, cols] = 3.0
    # out-of-range code
    if mats:
        r = take(1)
        f.loc[r, mats[0].columns()[0]] = 7.0
    # too many selections
    mult = [qq for qq in q.questions if qq.type == "multiple" and qq.max
            and qq.max < len([o for o in qq.options if not o.exclusive])]
    if mult:
        qq = mult[0]
        asked_rows = np.flatnonzero(condition_mask(q, qq, f))
        r = [int(asked_rows[len(asked_rows) // 2])] if len(asked_rows) else take(1)
        normal = [o for o in qq.options if not o.exclusive][: int(qq.max) + 1]
        f.loc[r, [f"{qq.id}_{o.code}" for o in qq.options]] = 0.0
        f.loc[r, [f"{qq.id}_{o.code}" for o in normal]] = 1.0
    # answered although skipped
    cond = [qq for qq in q.questions if qq.when and qq.type in ("single", "yesno", "scale")]
    if cond:
        qq = cond[0]
        asked = condition_mask(q, qq, f)
        not_asked = np.flatnonzero(~asked)
        if len(not_asked):
            r = not_asked[0]
            f.loc[r, qq.id] = float(qq.options[0].code)
    # duplicate respondent and blank rows
    dup = f.iloc[[take(1)[0]]]
    blank = pd.DataFrame({c: [np.nan] * 2 for c in f.columns})
    for c in f.columns:
        if f[c].dtype == object:
            blank[c] = blank[c].astype(object)
            blank[c] = ""
    f = pd.concat([f, dup, blank], ignore_index=True)
    return f


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write native-layout data as UTF-8 CSV (codes as integers, empty for missing) via pyarrow."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    arrays = []
    for c in frame.columns:
        s = frame[c]
        if s.dtype.kind == "f":
            v = s.to_numpy()
            isnan = np.isnan(v)
            finite = v[~isnan]
            if finite.size == 0 or np.all(finite == np.round(finite)):
                arrays.append(pa.array(np.where(isnan, 0, v).astype(np.int64), mask=isnan))
            else:
                arrays.append(pa.array(v, mask=isnan))
        else:
            vals = s.to_numpy(dtype=object)
            arrays.append(pa.array(vals, type=pa.string(), from_pandas=True))
    table = pa.Table.from_arrays(arrays, names=[str(c) for c in frame.columns])
    opts = pacsv.WriteOptions(include_header=True, quoting_style="needed")
    atomic_write(path, lambda tmp: pacsv.write_csv(table, str(tmp), write_options=opts))
