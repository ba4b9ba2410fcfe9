"""The survey project: a folder with ``minyi.yaml`` (config), ``questionnaire.yaml`` (a copy of the
questionnaire) and ``minyi.duckdb`` (an embedded DuckDB database).

Tables: ``imports`` (provenance: file name, path, sha256, format, wave, site, counts, time),
``responses`` (native layout + ``_wave``, ``_import_id``, ``_row``, ``_source``), ``quarantine``
(one record per problem: source file, row, column, value, code, message, and the raw row as
JSON so nothing is lost), ``flags`` (data-quality flags), ``nonresponse`` (item non-response per
question), ``checks`` (which imports the stored flags cover) and ``pii`` (identifying columns,
kept apart from responses; salted SHA-256 hashes with ``hash_pii``).

Imports are atomic — everything in one DuckDB transaction, rolled back on any error; a killed
process leaves no partial import because an uncommitted transaction never reaches the database
file's committed state — and idempotent: a file whose SHA-256 is already recorded adds nothing.

Answers are stored typed: option codes (single, scale, yes/no, matrix rows, 0/1 multiple-choice
columns, ranks) as SMALLINT/INTEGER, numbers as DOUBLE, text as VARCHAR; the accepted rows go to
DuckDB as one Arrow table (no per-row work).  :meth:`Project.raw_responses` hands them back as
float64 codes (NaN = not answered), the layout the analysis code expects.
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pandas as pd
import yaml

from .atomic import atomic_write_text
from .errors import MinyiError
from .messages import did_you_mean, problem
from .qload import load_questionnaire
from .quality import DEFAULT_EXCLUSIONS, FLAG_NAMES, apply_exclusions, item_nonresponse, quality_flags
from .owners import responsible_units
from .questionnaire import Question, Questionnaire
from .rowcheck import check_rows
from .waves import order_waves, read_waves, register_wave

CONFIG = "minyi.yaml"
DB = "minyi.duckdb"
QFILE = "questionnaire.yaml"
REASONS_ZH = {"blank-row": "空白行", "unknown-option": "无效选项代码", "out-of-range": "数值超出范围",
              "not-a-number": "非数字", "too-many": "选项数超过上限", "too-few": "选项数不足",
              "exclusive": "排他选项与其他选项同选", "should-skip": "按跳题逻辑不应作答", "required-missing": "必答题未答",
              "rank-invalid": "排序无效"}
CONFIG_KEYS = {"questionnaire", "questionnaire_source", "waves", "design", "exclusions", "speeder_fraction",
               "same_ip_similarity", "straightline_min_rows", "na_policy", "ci_method", "small_base", "min_cell",
               "margins", "weighting", "owners", "serve", "quotas"}
_KEY = "(_import_id::BIGINT << 40) + _row"  # one int64 per stored row
BUSY_WAIT = float(os.environ.get("MINYI_BUSY_WAIT", 10))  # seconds to wait for another process's lock


@dataclass
class ImportSummary:
    """What one import did (printed by ``survey import``)."""

    file: str
    format: str
    format_reason: str
    wave: str
    rows_read: int
    accepted: int
    quarantined: int
    reasons: dict  # code -> quarantined rows with that problem
    already: Optional[str] = None  # "<time> as wave <w>" when the file was imported before
    unmatched: list = field(default_factory=list)
    pii_columns: list = field(default_factory=list)
    import_id: Optional[int] = None

    def lines(self) -> list[str]:
        if self.already:
            return [f"{self.file}: already imported ({self.already}); nothing added"]
        out = [f"{self.file}: format {self.format} ({self.format_reason})",
               f"wave {self.wave}: {self.rows_read:,} rows read, {self.accepted:,} accepted, "
               f"{self.quarantined:,} quarantined"]
        for code, n in sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f"  quarantined — {code} ({REASONS_ZH.get(code, code)}): {n:,} row(s)")
        for u in self.unmatched or []:
            out.append(f"  note: {u}")
        if self.pii_columns:
            out.append(f"  identifying columns kept apart (not exported or reported): {', '.join(self.pii_columns)}")
        return out

    def to_dict(self) -> dict:
        return {"file": self.file, "format": self.format, "format_reason": self.format_reason, "wave": self.wave,
                "rows_read": self.rows_read, "accepted": self.accepted, "quarantined": self.quarantined,
                "reasons": dict(self.reasons), "already_imported": self.already, "import_id": self.import_id,
                "unmatched": [str(u) for u in self.unmatched or []], "pii_columns": list(self.pii_columns or [])}


def column_types(q: Questionnaire) -> list[tuple[str, str]]:
    """DuckDB type of every stored column of ``q`` (see module docstring)."""
    cols = [("respondent_id", "VARCHAR"), ("submitted_at", "VARCHAR"), ("duration_sec", "DOUBLE")]
    for qq in q.questions:
        for c in qq.columns():
            cols.append((c, _sql_type(qq, c)))
    # collector: the volunteer's id from a `survey links` link (answers collected by survey serve)
    return cols + [("collector", "VARCHAR"), ("_wave", "VARCHAR"), ("_import_id", "INTEGER"), ("_row", "BIGINT"),
                   ("_source", "VARCHAR")]


def _sql_type(qq: Question, col: str) -> str:
    if qq.type == "text" or col.endswith("_other"):
        return "VARCHAR"
    if qq.type == "number":
        return "DOUBLE"
    top = max([abs(o.code) for o in qq.options] + [len(qq.options) + 1, 1])
    return "SMALLINT" if top < 32000 else "INTEGER"


class Project:
    """A survey project folder (see module docstring)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        try:
            self.config: dict = yaml.safe_load((self.root / CONFIG).read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as e:
            raise MinyiError.of("yaml-syntax", file=str(self.root / CONFIG), reason=str(e).splitlines()[0])
        if not isinstance(self.config, dict):
            raise MinyiError.of("config-key", file=str(self.root / CONFIG), key="minyi.yaml",
                                reason="the config must be a mapping", hint="restore the file written by survey init")
        self._check_config()
        self.questionnaire: Questionnaire = load_questionnaire(self.root / QFILE)
        responsible_units(self.questionnaire, self.config, str(self.root / CONFIG))  # validates owners:
        self._types = dict(column_types(self.questionnaire))

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def create(cls, root: str | Path, questionnaire: str | Path) -> "Project":
        """Create the project folder: questionnaire copy, database, then config (its presence marks a project)."""
        root = Path(root)
        if (root / CONFIG).exists():
            raise MinyiError.of("project-exists", file=str(root), path=str(root))
        q = load_questionnaire(questionnaire)  # all problems, before anything is written
        root.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(questionnaire, root / QFILE)
        db = root / DB
        for leftover in (db, root / (DB + ".wal")):  # from an interrupted init
            if leftover.exists():
                leftover.unlink()
        _init_db(db, q)
        cfg = {"questionnaire": QFILE, "questionnaire_source": str(Path(questionnaire).resolve()), "waves": [],
               "design": {"weights": None, "strata": None, "psu": None, "fpc": None},
               "exclusions": dict(DEFAULT_EXCLUSIONS), "speeder_fraction": round(1 / 3, 4),
               "same_ip_similarity": 0.9, "straightline_min_rows": 5,
               "na_policy": "exclude", "ci_method": "logit", "small_base": 30, "min_cell": 10}
        atomic_write_text(root / CONFIG, yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False))
        return cls(root)

    @classmethod
    def open(cls, root: str | Path) -> "Project":
        root = Path(root)
        if not (root / CONFIG).exists() or not (root / DB).exists():
            raise MinyiError.of("not-a-project", file=str(root), path=str(root))
        return cls(root)

    def connect(self):
        """A DuckDB connection; a locked or damaged database becomes one readable error."""
        import duckdb

        import time

        deadline = time.monotonic() + BUSY_WAIT
        while True:  # another process (e.g. `survey serve` merging a batch) may hold the lock briefly
            try:
                con = duckdb.connect(str(self.root / DB))
                break
            except duckdb.Error as e:
                if "lock" in str(e).lower() and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                raise MinyiError.of("project-busy", file=str(self.root), path=str(self.root / DB),
                                    reason=str(e).splitlines()[0])
        if not getattr(self, "_schema_ok", False):
            self._sync_schema(con)
        return con

    def _sync_schema(self, con) -> None:
        """Add native columns the questionnaire model has gained since ``survey init`` (e.g. ``<id>_other``
        of a single choice with an "other, please specify" option) to ``responses``, as NULL."""
        try:
            have = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                              "WHERE table_name = 'responses'").fetchall()}
            if have:
                for c, t in column_types(self.questionnaire):
                    if c not in have:
                        con.execute(f"ALTER TABLE responses ADD COLUMN {_q(c)} {t}")
            self._schema_ok = True
        except Exception:  # pragma: no cover - a damaged database: the query that follows says so
            pass

    def save_config(self) -> None:
        atomic_write_text(self.root / CONFIG, yaml.safe_dump(self.config, allow_unicode=True, sort_keys=False))

    def _check_config(self) -> None:
        path = str(self.root / CONFIG)
        for k in self.config:
            if k not in CONFIG_KEYS:
                raise MinyiError.of("unknown-key", file=path, key=k, where="minyi.yaml",
                                    suggestion=did_you_mean(k, sorted(CONFIG_KEYS)))
        ex = self.config.get("exclusions") or {}
        if not isinstance(ex, dict):
            raise MinyiError.of("config-key", file=path, key="exclusions", reason="must be a mapping rule: true/false",
                                hint="e.g. exclusions: {speeder: true, duplicate_id: true}")
        for k, v in ex.items():
            if k not in FLAG_NAMES:
                raise MinyiError.of("unknown-key", file=path, key=k, where="exclusions",
                                    suggestion=did_you_mean(k, sorted(FLAG_NAMES)))
            if not isinstance(v, bool):
                raise MinyiError.of("config-key", file=path, key=f"exclusions.{k}", reason=f"must be true or false, not {v!r}",
                                    hint="write true or false")
        read_waves(self.config, path)  # validates waves: (labels, dates)
        f = self.config.get("speeder_fraction", 1 / 3)
        if isinstance(f, bool) or not isinstance(f, (int, float)) or not 0 < f < 1:
            raise MinyiError.of("config-key", file=path, key="speeder_fraction", reason=f"must be a number in (0, 1), not {f!r}",
                                hint="e.g. 0.3333 flags completion times under a third of the median")

    # ------------------------------------------------------------------ import
    def import_file(self, path: str | Path, *, format: str = "auto", wave: Optional[str] = None,
                    site: Optional[str] = None, mapping: Optional[dict] = None, sheet: Optional[str] = None,
                    strict: bool = False, hash_pii: bool = False) -> ImportSummary:
        """Import one file (atomic, idempotent); see module docstring.

        Every row is read and checked (:func:`survey.rowcheck.check_rows`); rows with any problem go
        to quarantine with one record per problem, the others to ``responses``.  ``strict`` raises
        instead, storing nothing.  ``hash_pii`` stores identifying values as SHA-256(salt + value).
        """
        from .importers import file_hash, read_responses

        path = Path(path)
        q = self.questionnaire
        wave = str(wave) if wave is not None else "default"
        if path.is_file():
            sha = file_hash(path)
            con = self.connect()
            try:
                prev = con.execute("SELECT imported_at, wave, id FROM imports WHERE sha256 = ? ORDER BY id LIMIT 1",
                                   [sha]).fetchall()
            finally:
                con.close()
            if prev:
                t, w, i = prev[0]
                return ImportSummary(path.name, "-", "-", w, 0, 0, 0, {}, import_id=int(i),
                                     already=f"import #{i} on {t}, wave {w}")
        table = read_responses(path, q, format=format, sheet=sheet, mapping=mapping)
        frame = table.frame
        if site is not None:
            if not q.site_question:
                raise MinyiError.of("usage", reason="--site: the questionnaire has no site_question")
            try:
                code = q.resolve_code(q.site_question, site)
            except KeyError:
                raise MinyiError.of("unknown-option", file=str(path), value=site, qid=q.site_question,
                                    choices=", ".join(o.label for o in q.question(q.site_question).options))
            frame[q.site_question] = pd.to_numeric(frame[q.site_question], errors="coerce").fillna(float(code))
        rows = frame["_row"].to_numpy()
        checked = check_rows(frame, q, rows=rows, prior=table.problems)  # one mistake, one record
        probs = pd.concat([p for p in (table.problems, checked) if len(p)], ignore_index=True) \
            if len(table.problems) else checked
        if strict and (len(probs) or table.unmatched):
            msgs = [problem("strict-import", file=str(path), count=len(probs) + len(table.unmatched),
                            rows=int(probs["index"].nunique()) if len(probs) else 0)]
            detail = [_problem_from_record(r, path.name) for r in probs.head(20).itertuples()]
            raise MinyiError(msgs + detail + list(table.unmatched[:20]))
        bad_idx = np.unique(probs["index"].to_numpy(dtype=np.int64)) if len(probs) else np.array([], dtype=np.int64)
        good = np.ones(len(frame), dtype=bool)
        good[bad_idx] = False
        qdf = None
        if len(probs):
            # the whole converted row, as JSON, with each of its problems (pandas' JSON writer, bad rows only)
            raws = np.array(frame.iloc[bad_idx].to_json(orient="records", lines=True, force_ascii=False)
                            .splitlines(), dtype=object)
            pos = np.searchsorted(bad_idx, probs["index"].to_numpy(dtype=np.int64))
            qdf = pd.DataFrame({"row": probs["row"].astype("int64").to_numpy(), "column": probs["column"].astype(str),
                                "value": probs["value"].astype(object).where(probs["value"].notna(), None),
                                "code": probs["code"].astype(str), "message": probs["message"].astype(str),
                                "raw": raws[pos]})
        pin = None
        if table.pii is not None and table.pii.shape[1]:
            pieces = []
            for c in table.pii.columns:
                v = table.pii[c].astype("string").str.strip()
                keep = (v.notna() & (v != "")).to_numpy(dtype=bool, na_value=False)
                pieces.append(pd.DataFrame({"_row": rows[keep].astype(np.int64), "column": str(c),
                                            "value": v.to_numpy(dtype=object)[keep]}))
            pin = pd.concat(pieces, ignore_index=True) if pieces else None
        # the accepted rows, typed, as one Arrow table (int16 codes: a quarter of the float64 frame, which
        # is released before DuckDB starts writing)
        incoming = self._arrow_rows(frame, good)
        table.frame = frame = None
        salt = self._salt() if hash_pii and pin is not None else ""
        con = self.connect()
        try:
            con.execute("SET preserve_insertion_order = false")  # rows are read back ORDER BY _import_id, _row
            con.execute("BEGIN TRANSACTION")
            import_id = int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM imports").fetchall()[0][0])
            cols = [c for c, _ in column_types(q)]
            present = set(incoming.column_names)
            sel = []
            for c in cols:
                if c == "_wave":
                    sel.append("?::VARCHAR")
                elif c == "_import_id":
                    sel.append("?::INTEGER")
                elif c == "_source":
                    sel.append("?::VARCHAR")
                elif c in present:
                    sel.append(_q(c))
                else:
                    sel.append("NULL")
            con.register("incoming", incoming)
            con.execute(f"INSERT INTO responses ({', '.join(_q(c) for c in cols)}) SELECT {', '.join(sel)} FROM incoming",
                        [wave, import_id, path.name])
            con.unregister("incoming")
            if qdf is not None:
                con.register("qin", qdf)
                con.execute("INSERT INTO quarantine SELECT ?, ?, ?, \"row\", \"column\", value, code, message, raw "
                            "FROM qin", [import_id, wave, path.name])
                con.unregister("qin")
            if pin is not None and len(pin):
                con.register("pin", pin)
                val = "sha256(?::VARCHAR || value)" if hash_pii else "value"
                con.execute(f"INSERT INTO pii SELECT ?, _row, \"column\", {val} FROM pin",
                            [import_id, salt] if hash_pii else [import_id])
                con.unregister("pin")
            now = _dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
            con.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [import_id, path.name, str(path.resolve()), table.source_hash or file_hash(path), table.format,
                         wave, site, int(table.rows_read), int(good.sum()), int((~good).sum()), now])
            con.execute("COMMIT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except Exception:  # pragma: no cover - connection already gone
                pass
            raise
        finally:
            con.close()
        if register_wave(self.config, wave):
            self.save_config()
        reasons = probs.groupby("code")["index"].nunique().to_dict() if len(probs) else {}
        return ImportSummary(path.name, table.format, table.format_reason, wave, int(table.rows_read), int(good.sum()),
                             int((~good).sum()), {str(k): int(v) for k, v in reasons.items()},
                             unmatched=list(table.unmatched),
                             pii_columns=[str(c) for c in table.pii.columns] if table.pii is not None else [],
                             import_id=import_id)

    def _arrow_rows(self, frame: pd.DataFrame, good: np.ndarray):
        """The accepted rows as an Arrow table with the stored types (codes as int16/int32)."""
        import pyarrow as pa

        all_good = bool(good.all())
        arrays, names = [], []
        for c, t in column_types(self.questionnaire):
            if c not in frame.columns or c in ("_wave", "_import_id", "_source"):
                continue
            s = frame[c]
            if t in ("SMALLINT", "INTEGER", "DOUBLE", "BIGINT"):
                if s.dtype in (np.float64, np.float32):  # float32: the native reader's codes
                    x = s.to_numpy()
                elif s.dtype.kind in "fiub":
                    x = s.to_numpy(dtype=float, na_value=np.nan)
                else:
                    x = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
                if not all_good:
                    x = x[good]
                if t == "DOUBLE":
                    arr = pa.array(x, mask=np.isnan(x))
                elif t == "BIGINT":
                    arr = pa.array(x.astype(np.int64))
                else:
                    arr = pa.array(x, mask=np.isnan(x)).cast(pa.int16() if t == "SMALLINT" else pa.int32())
            else:
                v = s.to_numpy(dtype=object)
                if not all_good:
                    v = v[good]
                arr = pa.array(v, type=pa.string(), from_pandas=True) if v.dtype == object else pa.array(v.astype(str))
            arrays.append(arr)
            names.append(c)
        return pa.Table.from_arrays(arrays, names=names)

    def _salt(self) -> str:
        import secrets

        f = self.root / ".pii_salt"
        if not f.exists():
            atomic_write_text(f, secrets.token_hex(16))
            os.chmod(f, 0o600)
        return f.read_text().strip()

    # ------------------------------------------------------------------ reading
    def waves(self) -> list[str]:
        """Waves in order of their start date (minyi.yaml ``waves:``), else of their first import."""
        con = self.connect()
        try:
            rows = con.execute("SELECT wave, min(id) FROM imports GROUP BY wave ORDER BY 2").fetchall()
        finally:
            con.close()
        return order_waves([r[0] for r in rows], self.config)

    def _check_wave(self, wave: Optional[str]) -> None:
        if wave is not None and wave not in self.waves():
            raise MinyiError.of("unknown-wave", file=str(self.root), wave=wave,
                                suggestion=did_you_mean(wave, self.waves()) or "the project has no imports yet")

    def _select(self) -> str:
        out = []
        for c, t in column_types(self.questionnaire):
            out.append(f"{_q(c)}::DOUBLE AS {_q(c)}" if t in ("SMALLINT", "INTEGER") else _q(c))
        return ", ".join(out)

    def raw_responses(self, wave: Optional[str] = None) -> pd.DataFrame:
        """Every stored (accepted) response of ``wave`` (or all waves), no exclusions, codes as float64."""
        self._check_wave(wave)
        con = self.connect()
        try:
            where = " WHERE _wave = ?" if wave is not None else ""
            df = con.execute(f"SELECT {self._select()} FROM responses{where} ORDER BY _import_id, _row",
                             [wave] if wave is not None else []).df()
        finally:
            con.close()
        return df

    def _quality_params(self) -> dict:
        return {"speeder_fraction": float(self.config.get("speeder_fraction", 1 / 3)),
                "near_identical": float(self.config.get("same_ip_similarity", 0.9)),
                "straightline_min_rows": int(self.config.get("straightline_min_rows", 5))}

    def _signature(self, con, wave: str) -> str:
        ids = [r[0] for r in con.execute("SELECT id FROM imports WHERE wave = ? ORDER BY id", [wave]).fetchall()]
        return ",".join(map(str, ids)) + "|" + repr(sorted(self._quality_params().items()))

    def check(self, wave: Optional[str] = None) -> pd.DataFrame:
        """Run the data-quality checks for ``wave`` (or every wave); store flags and item non-response.

        Returns the flags (wave, import_id, row, respondent_id, kind, detail).
        """
        self._check_wave(wave)
        frames = []
        for w in ([wave] if wave else self.waves()):
            df = self.raw_responses(w)
            ip = self._pii_values(w, "ip")
            if ip is not None:
                key = (df["_import_id"].to_numpy(np.int64) << 40) + df["_row"].to_numpy(np.int64)
                df["ip"] = pd.Series(ip["value"].to_numpy(), index=ip["key"].to_numpy()).reindex(key).to_numpy()
            fl = quality_flags(df, self.questionnaire, **self._quality_params())
            idx = fl["index"].to_numpy(dtype=np.int64)
            out = pd.DataFrame({"wave": w, "import_id": df["_import_id"].to_numpy()[idx].astype(np.int64),
                                "row": df["_row"].to_numpy()[idx].astype(np.int64),
                                "respondent_id": df["respondent_id"].astype(object).to_numpy()[idx],
                                "kind": fl["kind"].astype(str).to_numpy(), "detail": fl["detail"].astype(str).to_numpy()})
            nr = item_nonresponse(df, self.questionnaire)
            nr.insert(0, "wave", w)
            con = self.connect()
            try:
                con.execute("BEGIN TRANSACTION")
                con.execute("DELETE FROM flags WHERE wave = ?", [w])
                con.execute("DELETE FROM nonresponse WHERE wave = ?", [w])
                con.execute("DELETE FROM checks WHERE wave = ?", [w])
                con.register("fin", out)
                con.execute("INSERT INTO flags SELECT wave, import_id, \"row\", respondent_id, kind, detail FROM fin")
                con.unregister("fin")
                if len(nr):
                    con.register("nin", nr)
                    con.execute("INSERT INTO nonresponse SELECT wave, question, asked, missing, rate FROM nin")
                    con.unregister("nin")
                con.execute("INSERT INTO checks VALUES (?, ?, ?)",
                            [w, self._signature(con, w), _dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            finally:
                con.close()
            frames.append(out)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
            columns=["wave", "import_id", "row", "respondent_id", "kind", "detail"])

    def _ensure_checked(self, wave: Optional[str]) -> None:
        """Re-run the checks of any wave whose stored flags predate its imports (or the quality settings)."""
        con = self.connect()
        try:
            stale = []
            for w in ([wave] if wave is not None else [r[0] for r in con.execute(
                    "SELECT DISTINCT wave FROM imports").fetchall()]):
                row = con.execute("SELECT signature FROM checks WHERE wave = ?", [w]).fetchall()
                if not row or row[0][0] != self._signature(con, w):
                    stale.append(w)
        finally:
            con.close()
        for w in stale:
            self.check(w)

    def _pii_values(self, wave: str, kind: str) -> Optional[pd.DataFrame]:
        """(key, value) of the identifying column of ``kind`` ('ip') in ``wave``, or None."""
        con = self.connect()
        try:
            df = con.execute("SELECT (p.import_id::BIGINT << 40) + p.\"row\" AS key, p.\"column\", p.value FROM pii p "
                             "JOIN imports i ON i.id = p.import_id WHERE i.wave = ?", [wave]).df()
        finally:
            con.close()
        if df.empty:
            return None
        df = df[df["column"].astype(str).str.lower().str.contains(kind)]
        return None if df.empty else df.drop_duplicates("key")

    def pii_frame(self, wave: Optional[str] = None) -> pd.DataFrame:
        """Identifying columns in wide form: _import_id, _row and one column per source column."""
        con = self.connect()
        try:
            where = " WHERE i.wave = ?" if wave is not None else ""
            df = con.execute("SELECT p.import_id AS _import_id, p.\"row\" AS _row, p.\"column\", p.value FROM pii p "
                             f"JOIN imports i ON i.id = p.import_id{where}", [wave] if wave is not None else []).df()
        finally:
            con.close()
        if df.empty:
            return pd.DataFrame(columns=["_import_id", "_row"])
        wide = df.pivot_table(index=["_import_id", "_row"], columns="column", values="value", aggfunc="first")
        wide.columns = [str(c) for c in wide.columns]
        return wide.reset_index()

    def responses(self, wave: Optional[str] = None, *, apply_exclusions_: bool = True) -> tuple[pd.DataFrame, dict]:
        """Responses of ``wave`` with the project's exclusion rules applied; returns (data, {rule: rows excluded}).

        The checks run first when their stored flags do not cover every import (so the rules always apply).
        """
        df = self.raw_responses(wave)
        if not apply_exclusions_ or df.empty:
            return df, {}
        self._ensure_checked(wave)
        con = self.connect()
        try:
            where = " WHERE wave = ?" if wave is not None else ""
            fl = con.execute(f"SELECT (import_id::BIGINT << 40) + \"row\" AS key, kind FROM flags{where}",
                             [wave] if wave is not None else []).df()
        finally:
            con.close()
        if fl.empty:
            return df, {}
        key = (df["_import_id"].to_numpy(np.int64) << 40) + df["_row"].to_numpy(np.int64)
        pos = pd.Index(key).get_indexer(fl["key"].to_numpy(np.int64))
        ok = pos >= 0
        flags = pd.DataFrame({"index": pos[ok], "kind": fl["kind"].to_numpy()[ok]})
        return apply_exclusions(df, flags, self.config.get("exclusions"))

    def exclusion_counts(self, wave: Optional[str] = None) -> dict:
        """{rule name (中文): rows excluded} for ``wave`` (each row counted under its first excluding rule)."""
        return self.responses(wave)[1]

    def _stored_exclusions(self, wave: str) -> tuple[dict, bool]:
        """Exclusion counts from the stored flags (no data loaded) and whether the flags predate an import."""
        from .quality import DEFAULT_EXCLUSIONS

        rules = {**DEFAULT_EXCLUSIONS, **(self.config.get("exclusions") or {})}
        order = [k for k in FLAG_NAMES if rules.get(k)]
        con = self.connect()
        try:
            stale = (con.execute("SELECT signature FROM checks WHERE wave = ?", [wave]).fetchall() or [[None]])[0][0] \
                != self._signature(con, wave)
            if not order:
                return {}, stale
            case = " ".join(f"WHEN '{k}' THEN {i}" for i, k in enumerate(order))
            rows = con.execute(f"SELECT o, count(*) FROM (SELECT import_id, \"row\", min(CASE kind {case} END) AS o "
                               f"FROM flags WHERE wave = ? AND kind IN ({', '.join(repr(k) for k in order)}) "
                               "GROUP BY 1, 2) GROUP BY o ORDER BY o", [wave]).fetchall()
        finally:
            con.close()
        return {FLAG_NAMES[order[int(o)]]: int(n) for o, n in rows if n}, stale

    def nonresponse(self, wave: str) -> pd.DataFrame:
        """Stored item non-response per question (question, asked, missing, rate) of ``wave``."""
        self._ensure_checked(wave)
        con = self.connect()
        try:
            return con.execute("SELECT question, asked, missing, rate FROM nonresponse WHERE wave = ?", [wave]).df()
        finally:
            con.close()

    def flags(self, wave: Optional[str] = None) -> pd.DataFrame:
        con = self.connect()
        try:
            where = " WHERE wave = ?" if wave is not None else ""
            return con.execute(f"SELECT * FROM flags{where} ORDER BY import_id, \"row\", kind",
                               [wave] if wave is not None else []).df()
        finally:
            con.close()

    def quarantine(self, wave: Optional[str] = None) -> pd.DataFrame:
        """Quarantine records: wave, source, row, column, value, code, message (and raw row as JSON)."""
        self._check_wave(wave)
        con = self.connect()
        try:
            q = "SELECT wave, source, \"row\", \"column\", value, code, message, raw FROM quarantine" + \
                (" WHERE wave = ?" if wave else "") + " ORDER BY import_id, \"row\", \"column\""
            df = con.execute(q, [wave] if wave else []).df()
            for c in ("value", "column", "raw"):
                df[c] = df[c].astype(object).where(df[c].notna(), None)
            return df
        finally:
            con.close()

    def imports(self) -> pd.DataFrame:
        con = self.connect()
        try:
            return con.execute("SELECT * FROM imports ORDER BY id").df()
        finally:
            con.close()

    def quality_summary(self, wave: str) -> dict:
        """Rows read/accepted/quarantined (per reason) and exclusions (per rule) for the report."""
        con = self.connect()
        try:
            imp = con.execute("SELECT sum(rows_read), sum(accepted), sum(quarantined) FROM imports WHERE wave = ?",
                              [wave]).fetchall()[0]
            reasons = con.execute("SELECT code, count(DISTINCT (import_id, \"row\")) FROM quarantine WHERE wave = ? "
                                  "GROUP BY code ORDER BY 2 DESC, 1", [wave]).fetchall()
        finally:
            con.close()
        _, excl = self.responses(wave)
        return {"rows_read": int(imp[0] or 0), "accepted": int(imp[1] or 0), "quarantined": int(imp[2] or 0),
                "quarantine_reasons": {REASONS_ZH.get(c, c): int(n) for c, n in reasons},
                "excluded": int(sum(excl.values())), "exclusions": excl}

    def status(self) -> dict:
        """Waves with counts per site/district, quarantined and excluded rows; the last imports."""
        q = self.questionnaire
        waves = []
        con = self.connect()
        try:
            for w in [r[0] for r in con.execute("SELECT wave, min(id) FROM imports GROUP BY wave ORDER BY 2").fetchall()]:
                n = con.execute("SELECT count(*) FROM responses WHERE _wave = ?", [w]).fetchall()[0][0]
                per = {}
                for key, qid in (("site", q.site_question), ("district", q.district_question)):
                    if qid:
                        rows = con.execute(f"SELECT {_q(qid)}, count(*) FROM responses WHERE _wave = ? GROUP BY 1 "
                                           "ORDER BY 1 NULLS LAST", [w]).fetchall()
                        labels = {int(o.code): o.label for o in q.question(qid).options}
                        per[key] = {(labels.get(int(k), str(k)) if k is not None else "(missing)"): int(c) for k, c in rows}
                nq = con.execute("SELECT count(DISTINCT (import_id, \"row\")) FROM quarantine WHERE wave = ?",
                                 [w]).fetchall()[0][0]
                checked = con.execute("SELECT checked_at FROM checks WHERE wave = ?", [w]).fetchall()
                waves.append({"wave": w, "responses": int(n), "quarantined_rows": int(nq),
                              "checked_at": checked[0][0] if checked else None, **per})
            imps = con.execute("SELECT id, file, sha256, format, wave, site, rows_read, accepted, quarantined, imported_at "
                               "FROM imports ORDER BY id DESC LIMIT 10").df()
        finally:
            con.close()
        for w in waves:
            if w["checked_at"] is not None:
                excl, stale = self._stored_exclusions(w["wave"])
                w["excluded"] = int(sum(excl.values()))
                w["exclusions"] = excl
                w["checks_stale"] = stale
        return {"project": str(self.root), "questionnaire": q.title, "waves": waves,
                "last_imports": [{k: _plain(v) for k, v in r.items()} for r in imps.to_dict("records")]}


# ----------------------------------------------------------------------------- helpers
def _init_db(path: Path, q: Questionnaire) -> None:
    import duckdb

    con = duckdb.connect(str(path))
    try:
        cols = ", ".join(f"{_q(c)} {t}" for c, t in column_types(q))
        con.execute(f"CREATE TABLE responses ({cols})")
        con.execute("CREATE TABLE imports (id INTEGER, file VARCHAR, path VARCHAR, sha256 VARCHAR, format VARCHAR, "
                    "wave VARCHAR, site VARCHAR, rows_read BIGINT, accepted BIGINT, quarantined BIGINT, imported_at VARCHAR)")
        con.execute("CREATE TABLE quarantine (import_id INTEGER, wave VARCHAR, source VARCHAR, \"row\" BIGINT, "
                    "\"column\" VARCHAR, value VARCHAR, code VARCHAR, message VARCHAR, raw VARCHAR)")
        con.execute("CREATE TABLE flags (wave VARCHAR, import_id INTEGER, \"row\" BIGINT, respondent_id VARCHAR, "
                    "kind VARCHAR, detail VARCHAR)")
        con.execute("CREATE TABLE nonresponse (wave VARCHAR, question VARCHAR, asked BIGINT, missing BIGINT, rate DOUBLE)")
        con.execute("CREATE TABLE checks (wave VARCHAR, signature VARCHAR, checked_at VARCHAR)")
        con.execute("CREATE TABLE pii (import_id INTEGER, \"row\" BIGINT, \"column\" VARCHAR, value VARCHAR)")
    finally:
        con.close()


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'




def _problem_from_record(r: Any, source: str):
    from .messages import Problem

    return Problem(code=str(r.code), message=str(r.message), file=source, row=int(r.row),
                   column=(r.column or None), value=r.value)


def _plain(v: Any) -> Any:
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return None if np.isnan(v) else float(v)
    if v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return None
    return v
