"""Multiple choice and ranking, in every layout: one 0/1 (or rank) column per option, or one cell per
respondent with the options joined (``┋`` 问卷星, ``→`` ranking, spaces Kobo, ``|`` ``;`` ``,``), or both.  Cells
are parsed once per *distinct* value and joined back to the respondents (no per-row Python)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..messages import did_you_mean, phrase
from ..questionnaire import Question
from .kobo import spaced_labels, split_spaced
from .matching import other_part_index
from .notes import missing_options_note
from .options import FALSE_VALUES, OTHER_RX, TRUE_VALUES, numeral_conflict, numeral_labels, whole_number
from .text import norm_series, norm_text


def convert_multi(conv, qq: Question, cols: list, data: dict) -> None:
    """Columns ``cols`` of multiple-choice / ranking ``qq`` into ``data`` (native ``<id>_<code>`` columns, and
    ``<id>_other``): one 0/1 or rank column per option, one cell per respondent (:func:`whole_cell`), or both
    (then the per-option columns are used).  ``conv`` is the file's converter (cells, problems, notes)."""
    n, k = conv.n, len(qq.options)
    M = np.full((n, k), np.nan)
    other_text = pd.Series(pd.NA, index=range(n), dtype="string")
    opt_index: dict = {}
    for j, o in enumerate(qq.options):
        opt_index[str(o.code)] = j
        opt_index.setdefault(norm_text(o.label), j)
        opt_index.setdefault(norm_text(o.label).lower(), j)
    for v, code in conv.val_map.get(qq.id, {}).items():
        opt_index[v] = qq.codes.index(int(code))
    per_option = [(c, part) for c, part in cols if part is not None]
    whole = [c for c, part in cols if part is None][:1]
    asked = np.zeros(n, dtype=bool)
    seen_options: set = set()  # options matched through their 其他〖…〗 header
    column_of: dict = {}  # option index → the column read for it
    if per_option:
        for c, part in per_option:
            pn = norm_text(part)
            j_other = other_part_index(qq, pn) if pn not in opt_index else None
            if part == "_other" or j_other is not None:
                s = conv.values(c)
                other_text = other_text.where(other_text.notna(), s.str.replace(r"^〖(.*)〗$", r"\1", regex=True))
                continue
            mo = OTHER_RX.match(pn)
            j = opt_index.get(pn, opt_index.get(pn.lower(), opt_index.get(norm_text(mo.group(1))) if mo else None))
            if j is not None:
                seen_options.add(j)
            if j is None:
                conv.note(c, suggestion=did_you_mean(pn, [norm_text(o.label) for o in qq.options]))
                continue
            if j in column_of:  # 4、(住房) and 4、（住房）: the later one overwrote the first, unsaid
                conv.note(c, "second-column", qid=f"{qq.id} ({qq.options[j].label})", first=column_of[j])
                continue
            column_of[j] = c
            markers = list(conv.layout.rank_skipped)  # e.g. 问卷星's -2 / -3 / (跳过): asked, not ranked here
            skipped = (conv.df[c].astype("string").str.strip().isin(markers).to_numpy() if markers
                       else np.zeros(n, bool))
            s = conv.values(c)
            present = s.notna().to_numpy()
            if qq.type == "multiple":
                low = norm_series(s, lower=True)
                x = np.full(n, np.nan)
                x[low.isin(TRUE_VALUES).to_numpy()] = 1.0
                x[low.isin(FALSE_VALUES).to_numpy()] = 0.0
                # a cell holding text: the option label itself (腾讯/Kobo label exports) or the other fill-in
                txt = present & np.isnan(x)
                if txt.any():
                    lab = norm_text(qq.options[j].label)
                    tv = s.to_numpy(dtype=object, na_value=None)
                    ext = s.str.extract(OTHER_RX)
                    is_label = low.isin([lab.lower(), str(qq.options[j].code)]).to_numpy()
                    is_other_fill = ext[0].notna().to_numpy() | (qq.options[j].other & ~is_label)
                    sel = txt & (is_label | is_other_fill)
                    x[sel] = 1.0
                    if qq.options[j].other:
                        fill = ext[1].where(ext[1].notna(), s).where(pd.Series(txt & ~is_label), pd.NA)
                        other_text = other_text.where(other_text.notna(), fill.astype("string"))
                    badm = txt & ~sel
                    conv.bad(badm, c, tv, "unknown-option", qid=qq.id, choices=phrase("choices-01", label=qq.options[j].label))
                asked |= present & ~np.isnan(x)
                M[:, j] = x
            else:  # ranking: rank per option; 0 / -3 / blank = not ranked
                x = pd.to_numeric(norm_series(s), errors="coerce").to_numpy(dtype=float)
                badm = present & np.isnan(x)
                conv.bad(badm, c, s, "rank-invalid", qid=qq.id,
                         reason=phrase("rank-whole"), k=qq.k or k)
                x = np.where(x <= 0, np.nan, x)
                asked |= present | skipped
                M[:, j] = x
        if qq.type == "multiple":
            M = np.where(asked[:, None], np.nan_to_num(M, nan=0.0), np.nan)
        seen = np.isin(np.arange(k), [opt_index.get(norm_text(part), -1) for _, part in per_option])
        seen |= np.array([j in seen_options for j in range(k)]) if seen_options else False
        if not seen.all() and not [c for c, part in cols if part is None]:
            M[:, ~seen] = np.nan  # an option without a column is unknown, not "not selected"
            conv.unmatched.append(missing_options_note(qq, [o for o, s_ in zip(qq.options, seen) if not s_],
                                                       per_option[0][0], conv.source))
    # the columns read for an option: a column whose part names no option (4、(备注), said as matching nothing)
    # or the fill-in text is none, and must not push the question's one-cell column aside
    real_options = list(column_of.values())
    for c in whole:
        if real_options:
            conv.note(c, "repeated-question", qid=qq.id, disagreement=disagreement(conv, qq, c, M, opt_index))
            continue
        whole_cell(conv, qq, c, M, other_text, opt_index)
    for j, o in enumerate(qq.options):
        data[f"{qq.id}_{o.code}"] = M[:, j]
    if qq.type == "multiple" and qq.has_other:
        data[f"{qq.id}_other"] = other_text.to_numpy(dtype=object, na_value=None)


DISAGREE_SHOWN = 5  # rows listed where a cell and the per-option columns disagree


class _Quiet:
    """The converter with its problem records turned off: a second reading of a column whose answers are
    taken from elsewhere (:func:`disagreement`) must not quarantine anything."""

    def __init__(self, conv):
        self._conv = conv

    def __getattr__(self, name):
        return getattr(self._conv, name)

    def bad(self, *args, **kwargs) -> None:
        return None

    def numeral_reading(self, qq: Question, s: pd.Series, *args, **kwargs):
        return numeral_labels(qq, s)[0]  # the same reading, said once (by the first)


def disagreement(conv, qq: Question, c: str, M: np.ndarray, opt_index: dict) -> str:
    """``"; the two disagree in N row(s) (rows …)"`` (the file's rows) when the one-cell column ``c`` (Kobo
    ``Q4`` = ``1 3``) and the per-option columns (``Q4/1`` …, already in ``M``) give a respondent different
    options (or ranks); ``""`` when they agree wherever both are filled.  The per-option columns are used either
    way (docs/import-formats.md); without this the rows whose two records differ were not said."""
    n, k = M.shape
    M2 = np.full((n, k), np.nan)
    whole_cell(_Quiet(conv), qq, c, M2, pd.Series(pd.NA, index=range(n), dtype="string"), opt_index)
    both = np.isfinite(M).any(axis=1) & np.isfinite(M2).any(axis=1)  # NaN: not asked, or not ranked
    differ = both & np.any(np.nan_to_num(M) != np.nan_to_num(M2), axis=1)
    idx = np.flatnonzero(differ)
    if not idx.size:
        return ""
    first = conv.header_line + 1
    rows = ", ".join(str(int(i) + first) for i in idx[:DISAGREE_SHOWN]) + (" …" if idx.size > DISAGREE_SHOWN else "")
    unit = getattr(conv, "unit", "row")  # "case" in an SPSS file
    return f"; the two disagree in {idx.size:,} {unit}(s) ({unit if idx.size == 1 else unit + 's'} {rows})"


CHOICE_SEPARATORS = r"\s*(?:┋|\||;|；|,|，)\s*"  # between the options of a multiple-choice cell
RANK_SEPARATORS = r"\s*(?:┋|→|->|>|\||;|；|,|，)\s*"  # between the options of a ranking cell, in rank order
# not inside a fill-in 〖…〗: the text a respondent typed after 其他 (问卷星 其他〖楼道堆物，噪音扰民〗) is one
# value, whatever punctuation it holds; a separator is inside one when a 〗 comes before any 〖 after it
OUTSIDE_FILL_IN = r"(?![^〖〗]*〗)"


def numeral_index(conv, qq: Question, c: str, U: pd.Series, sep: str, opt_index: dict) -> dict:
    """``opt_index`` with each numeral option label taking precedence over the code it equals, when the options
    of column ``c``'s distinct cells ``U`` (``1┋5`` split) read as labels by the per-column rule of single choices
    (:meth:`~survey.importers.converter._Converter.numeral_reading`: a 0–10 question coded 1–11, exported
    按文本): ``5`` is then the option labelled 5 (code 6), not code 5.  Codes (the default) leave it as it is; a
    column whose options fit both readings is warned of.  Not with a --mapping of the question or SPSS value
    labels (read as labels already)."""
    if (not numeral_conflict(qq) or qq.id in conv.val_map or conv.value_labels.get(c)
            or conv.layout.name == "native"):
        return opt_index
    parts = U.str.split(sep, regex=True).explode().dropna().str.strip()
    if not conv.numeral_reading(qq, parts.astype("string"), c):
        return opt_index
    out = dict(opt_index)
    for j, o in enumerate(qq.options):
        n = whole_number(o.label)
        if n is not None:
            out[str(n)] = j
    return out


def whole_cell(conv, qq: Question, c: str, M: np.ndarray, other_text: pd.Series, opt_index: dict) -> None:
    """One cell per respondent: options joined by ┋ (问卷星 multiple), → (ranking), spaces (Kobo), | ; ,

    Cells are parsed once per *distinct* value, then joined back to the respondents (no per-row Python).
    """
    s = conv.labelled(c, conv.values(c))
    present = s.notna().to_numpy()
    if qq.type == "multiple":
        odd = present[:, None] & ~np.isfinite(M)  # nan_to_num of the answered rows, only where it changes a value
        M[odd] = np.nan_to_num(M[odd], nan=0.0)
    codes, uniq = pd.factorize(s)
    if not len(uniq):
        return
    U = pd.Series(np.asarray(uniq, dtype=object)).astype("string")
    sep = (RANK_SEPARATORS if qq.type == "ranking" else CHOICE_SEPARATORS) + OUTSIDE_FILL_IN
    opt_index = numeral_index(conv, qq, c, U, sep, opt_index)
    whole_hit = norm_series(U, lower=True).map(opt_index)
    tok = U.where(whole_hit.isna(), pd.NA).str.split(sep, regex=True).explode().dropna()
    tok = tok[tok.str.strip() != ""].astype("string")
    hit = norm_series(tok, lower=True).map(opt_index)
    ext = tok.str.extract(OTHER_RX)
    is_other = ext[0].notna() & hit.isna()
    hit = hit.where(~is_other, norm_series(ext[0].astype("string"), lower=True).map(opt_index))
    bare = is_other & (ext[0].fillna("").str.strip() == "") & qq.has_other
    if bare.any():
        hit = hit.where(~bare, float(next(j for j, o in enumerate(qq.options) if o.other)))
    T = pd.DataFrame({"u": np.asarray(tok.index, dtype=np.int64), "j": hit.to_numpy(dtype=float, na_value=np.nan),
                      "tok": tok.to_numpy(dtype=object, na_value=None),
                      "other": np.where(is_other.to_numpy(dtype=bool), ext[1].to_numpy(dtype=object, na_value=None), None),
                      "ord": np.arange(len(tok), dtype=float)})
    # tokens that are no option: split further on spaces (Kobo select_multiple "1 3 5", or labels joined by
    # spaces "Very satisfied Public transport"): a full cover by option codes / labels, once per distinct token
    miss = (hit.isna() & tok.str.contains(r"\s", regex=True)).to_numpy(dtype=bool)
    if miss.any():
        single = {k.lower(): j for k, j in opt_index.items()}
        multi = spaced_labels(qq, conv.val_map.get(qq.id))
        max_len = max((k.count(" ") + 1 for k in multi), default=1)
        cache: dict = {}
        rows = []
        for u, t, o in zip(T["u"].to_numpy()[miss], T["tok"].to_numpy()[miss], T["ord"].to_numpy()[miss]):
            if t not in cache:
                cache[t] = split_spaced(t, single, multi, max_len)
            for i, (piece, jj) in enumerate(cache[t]):
                rows.append((u, np.nan if jj is None else float(jj), piece, None, o + (i + 1) / (len(cache[t]) + 1)))
        T = pd.concat([T[~miss], pd.DataFrame(rows, columns=list(T.columns))], ignore_index=True)
        T = T.sort_values(["u", "ord"], kind="stable").reset_index(drop=True)
    T = T.drop(columns="ord")
    T["pos"] = T.groupby("u").cumcount() + 1
    wh = whole_hit.to_numpy(dtype=float, na_value=np.nan)
    wi = np.flatnonzero(~np.isnan(wh))
    T = pd.concat([T, pd.DataFrame({"u": wi, "j": wh[wi], "tok": None, "other": None, "pos": 1})], ignore_index=True)
    dup_u = T.loc[T["j"].notna() & T.duplicated(["u", "j"]), "u"].unique()
    bad_u = T.loc[T["j"].isna()].drop_duplicates("u")
    R = pd.DataFrame({"r": np.arange(conv.n, dtype=np.int64), "u": codes})
    R = R[R["u"] >= 0].merge(T, on="u", how="inner")
    ok = R["j"].notna().to_numpy()
    rows = R["r"].to_numpy(dtype=np.int64)
    j = R["j"].to_numpy(dtype=float)
    M[rows[ok], j[ok].astype(int)] = 1.0 if qq.type == "multiple" else R["pos"].to_numpy(dtype=float)[ok]
    if qq.type == "ranking" and len(dup_u):
        conv.bad(np.isin(codes, dup_u), c, s, "rank-invalid", qid=qq.id,
                 reason=phrase("rank-option-twice"), k=qq.k or len(qq.options))
    elif len(dup_u):  # 住房┋住房, 其他〖物业纠纷〗┋其他〖噪音〗: taken as one choice (and the first fill-in), unsaid
        twice = T.loc[T["j"].notna() & T.duplicated(["u", "j"]), ["u", "j"]].drop_duplicates()
        for jj, us in twice.groupby("j")["u"]:
            conv.bad(np.isin(codes, us.to_numpy()), c, s, "choice-twice", qid=qq.id, label=qq.options[int(jj)].label)
    oth = R.loc[ok & R["other"].notna().to_numpy()].drop_duplicates("r")
    if len(oth):
        idx = oth["r"].to_numpy()
        fills = pd.Series(oth["other"].to_numpy(dtype=object), index=idx).astype("string").str.strip()
        other_text.loc[idx] = other_text.loc[idx].where(other_text.loc[idx].notna(), fills)
    if len(bad_u):
        first_bad = pd.Series(bad_u["tok"].to_numpy(dtype=object), index=bad_u["u"].to_numpy())
        badrows = np.isin(codes, first_bad.index.to_numpy())
        badvals = np.full(conv.n, None, dtype=object)
        badvals[badrows] = first_bad.reindex(codes[badrows]).to_numpy(dtype=object)
        conv.bad(badrows, c, badvals, "unknown-option", qid=qq.id, choices=conv.choices_hint(qq))
