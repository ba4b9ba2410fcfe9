"""The survey project: a folder with ``minyi.yaml`` (config), ``questionnaire.yaml`` (a copy of the
questionnaire) and ``minyi.duckdb`` (an embedded DuckDB database).

Tables: ``imports`` (provenance: file name, path, sha256, format, wave, counts, time),
``responses`` (native layout + ``_wave``, ``_import_id``, ``_row``, ``_source``), ``quarantine``
(one record per problem: source file, row, column, value, code, message, and the raw row as
JSON so nothing is lost), ``flags`` (data-quality flags) and ``pii`` (identifying columns, kept
apart from responses).

Imports are atomic — everything in one DuckDB transaction, rolled back on any error; a killed
process leaves no partial import because uncommitted transactions never reach the database —
and idempotent: a file whose SHA-256 is already imported for that wave adds nothing.
"""

from __future__ import annotations

import datetime as _dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pandas as pd
import yaml

from .errors import MinyiError
from .qload import load_questionnaire
from .quality import DEFAULT_EXCLUSIONS, FLAG_NAMES, apply_exclusions, quality_flags
from .questionnaire import META_COLUMNS, Questionnaire
from .rowcheck import check_rows

CONFIG = "minyi.yaml"
DB = "minyi.duckdb"
QFILE = "questionnaire.yaml"
REASONS_ZH = {"blank-row": "空白行", "unknown-option": "无效选项代码", "out-of-range": "数值超出范围",
              "not-a-number": "非数字", "too-many": "选项数超过上限", "too-few": "选项数不足",
              "exclusive": "排他选项与其他选项同选", "should-skip": "按跳题逻辑不应作答", "required-missing": "必答题未答",
              "rank-invalid": "排序无效"}


@dataclass
class ImportSummary:
    file: str
    format: str
    format_reason: str
    wave: str
    rows_read: int
    accepted: int
    quarantined: int
    reasons: dict
    already: Optional[str] = None
    unmatched: list = None
    pii_columns: list = None

    def lines(self) -> list[str]:
        if self.already:
            return [f"{self.file}: already imported on {self.already} as wave {self.wave}; nothing added"]
        out = [f"{self.file}: format {self.format} ({self.format_reason})",
               f"wave {self.wave}: {self.rows_read:,} rows read, {self.accepted:,} accepted, "
               f"{self.quarantined:,} quarantined"]
        for code, n in sorted(self.reasons.items(), key=lambda kv: -kv[1]):
            out.append(f"  quarantined — {code} ({REASONS_ZH.get(code, code)}): {n:,} problem(s)")
        for u in self.unmatched or []:
            out.append(f"  note: {u}")
        if self.pii_columns:
            out.append(f"  identifying columns kept apart (not exported or reported): {', '.join(self.pii_columns)}")
        return out


class Project:
    """A survey project folder (see module docstring)."""

    def __init__(self, root: Path):
        self.root = root
        self.config: dict = yaml.safe_load((root / CONFIG).read_text(encoding="utf-8")) or {}
        self.questionnaire: Questionnaire = load_questionnaire(root / QFILE)

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def create(cls, root: str | Path, questionnaire: str | Path) -> "Project":
        root = Path(root)
        if (root / CONFIG).exists():
            raise MinyiError.of("usage", file=str(root), reason=f"{root} is already a minyi project")
        load_questionnaire(questionnaire)  # all problems, before anything is written
        root.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(questionnaire, root / QFILE)
        cfg = {"questionnaire": QFILE, "questionnaire_source": str(Path(questionnaire).resolve()), "waves": [],
               "design": {"weights": None, "strata": None, "psu": None, "fpc": None},
               "exclusions": dict(DEFAULT_EXCLUSIONS), "speeder_fraction": round(1 / 3, 4),
               "na_policy": "exclude", "ci_method": "logit", "small_base": 30, "min_cell": 10}
        (root / CONFIG).write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
        p = cls(root)
        p._init_db()
        return p

    @classmethod
    def open(cls, root: str | Path) -> "Project":
        root = Path(root)
        if not (root / CONFIG).exists() or not (root / DB).exists():
            raise MinyiError.of("usage", file=str(root),
                                reason=f"{root} is not a minyi project (create one with: survey init {root} --questionnaire Q.yaml)")
        return cls(root)

    def connect(self):
        import duckdb

        return duckdb.connect(str(self.root / DB))

    def _columns(self) -> list[tuple[str, str]]:
        q = self.questionnaire
        cols = [("respondent_id", "VARCHAR"), ("submitted_at", "VARCHAR"), ("duration_sec", "DOUBLE")]
        for qq in q.questions:
            for c in qq.columns():
                cols.append((c, "VARCHAR" if (qq.type == "text" or c.endswith("_other")) else "DOUBLE"))
        return cols + [("_wave", "VARCHAR"), ("_import_id", "INTEGER"), ("_row", "BIGINT"), ("_source", "VARCHAR")]

    def _init_db(self) -> None:
        con = self.connect()
        cols = ", ".join(f'"{c}" {t}' for c, t in self._columns())
        con.execute(f"CREATE TABLE responses ({cols})")
        con.execute("CREATE TABLE imports (id INTEGER, file VARCHAR, path VARCHAR, sha256 VARCHAR, format VARCHAR, "
                    "wave VARCHAR, site VARCHAR, rows_read BIGINT, accepted BIGINT, quarantined BIGINT, imported_at VARCHAR)")
        con.execute("CREATE TABLE quarantine (import_id INTEGER, wave VARCHAR, source VARCHAR, \"row\" BIGINT, "
                    "\"column\" VARCHAR, value VARCHAR, code VARCHAR, message VARCHAR, raw VARCHAR)")
        con.execute("CREATE TABLE flags (wave VARCHAR, import_id INTEGER, \"row\" BIGINT, respondent_id VARCHAR, "
                    "kind VARCHAR, detail VARCHAR)")
        con.execute("CREATE TABLE pii (import_id INTEGER, \"row\" BIGINT, \"column\" VARCHAR, value VARCHAR)")
        con.close()

    def save_config(self) -> None:
        (self.root / CONFIG).write_text(yaml.safe_dump(self.config, allow_unicode=True, sort_keys=False), encoding="utf-8")

    # ------------------------------------------------------------------ import
    def import_file(self, path: str | Path, *, format: str = "auto", wave: Optional[str] = None,
                    site: Optional[str] = None, mapping: Optional[dict] = None, sheet: Optional[str] = None,
                    strict: bool = False, hash_pii: bool = False) -> ImportSummary:
        """Import one file (atomic, idempotent); see module docstring."""
        from .importers import file_hash, read_responses

        path = Path(path)
        q = self.questionnaire
        wave = wave or "default"
        if path.exists() and path.is_file():
            sha = file_hash(path)
            con = self.connect()
            prev = next(iter(con.execute("SELECT imported_at FROM imports WHERE sha256 = ? AND wave = ?", [sha, wave]).fetchall()), None)
            con.close()
            if prev:
                return ImportSummary(path.name, "-", "-", wave, 0, 0, 0, {}, already=prev[0])
        table = read_responses(path, q, format=format, sheet=sheet, mapping=mapping)
        frame = table.frame
        if site is not None and q.site_question:
            try:
                code = q.resolve_code(q.site_question, site)
            except KeyError:
                raise MinyiError.of("unknown-option", file=str(path), value=site, qid=q.site_question,
                                    choices=", ".join(o.label for o in q.question(q.site_question).options))
            frame[q.site_question] = frame[q.site_question].fillna(float(code))
        probs = pd.concat([table.problems, check_rows(frame, q, rows=frame["_row"].to_numpy())], ignore_index=True)
        if strict and (len(probs) or table.unmatched):
            first = probs.iloc[0] if len(probs) else None
            detail = (f"row {first['row']}, column {first['column']}: {first['message']}" if first is not None
                      else str(table.unmatched[0]))
            raise MinyiError.of("bad-data", file=str(path), reason=f"--strict: {len(probs)} problem(s), nothing imported; "
                                f"first: {detail}", hint="fix the file or import without --strict to quarantine bad rows")
        bad_idx = np.unique(probs["index"].to_numpy(dtype=int)) if len(probs) else np.array([], dtype=int)
        good = np.ones(len(frame), dtype=bool)
        good[bad_idx] = False
        con = self.connect()
        try:
            con.execute("BEGIN TRANSACTION")
            import_id = int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM imports").fetchall()[0][0])
            ok = frame[good].copy()
            ok["_wave"] = wave
            ok["_import_id"] = import_id
            ok["_source"] = path.name
            cols = [c for c, _ in self._columns()]
            for c in cols:
                if c not in ok.columns:
                    ok[c] = None
            ok = ok[cols]
            con.register("incoming", ok)
            con.execute(f"INSERT INTO responses SELECT {', '.join(chr(34) + c + chr(34) for c in cols)} FROM incoming")
            con.unregister("incoming")
            if len(probs):
                raw_rows = frame.iloc[probs["index"].to_numpy(dtype=int)]
                raws = [json.dumps({k: _jsonable(v) for k, v in r.items() if _jsonable(v) is not None}, ensure_ascii=False)
                        for r in raw_rows.to_dict("records")]
                qdf = pd.DataFrame({"import_id": import_id, "wave": wave, "source": path.name,
                                    "row": probs["row"].astype("int64").to_numpy(), "column": probs["column"].astype(str),
                                    "value": probs["value"].astype(object), "code": probs["code"],
                                    "message": probs["message"], "raw": raws})
                con.register("qin", qdf)
                con.execute("INSERT INTO quarantine SELECT * FROM qin")
                con.unregister("qin")
            if table.pii is not None and table.pii.shape[1]:
                pdf = table.pii.copy()
                pdf["_row"] = frame["_row"].to_numpy()
                long = pdf.melt(id_vars="_row", var_name="column", value_name="value").dropna(subset=["value"])
                long["value"] = long["value"].astype(str)
                if hash_pii:
                    salt = self._salt()
                    import hashlib

                    long["value"] = [hashlib.sha256((salt + v).encode()).hexdigest() for v in long["value"]]
                long.insert(0, "import_id", import_id)
                con.register("pin", long[["import_id", "_row", "column", "value"]])
                con.execute("INSERT INTO pii SELECT * FROM pin")
                con.unregister("pin")
            now = _dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
            con.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [import_id, path.name, str(path.resolve()), table.source_hash, table.format, wave, site,
                         table.rows_read, int(good.sum()), int((~good).sum()), now])
            con.execute("COMMIT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except Exception:  # pragma: no cover - connection already gone
                pass
            raise
        finally:
            con.close()
        if wave not in self.config.get("waves", []):
            self.config.setdefault("waves", []).append(wave)
            self.save_config()
        reasons = probs["code"].value_counts().to_dict() if len(probs) else {}
        return ImportSummary(path.name, table.format, table.format_reason, wave, table.rows_read, int(good.sum()),
                             int((~good).sum()), reasons, unmatched=[str(u) for u in table.unmatched],
                             pii_columns=list(table.pii.columns) if table.pii is not None else [])

    def _salt(self) -> str:
        import os
        import secrets

        f = self.root / ".pii_salt"
        if not f.exists():
            f.write_text(secrets.token_hex(16))
            os.chmod(f, 0o600)
        return f.read_text().strip()

    # ------------------------------------------------------------------ reading
    def waves(self) -> list[str]:
        con = self.connect()
        rows = con.execute("SELECT wave, min(id) FROM imports GROUP BY wave ORDER BY 2").fetchall()
        con.close()
        return [r[0] for r in rows]

    def raw_responses(self, wave: Optional[str] = None) -> pd.DataFrame:
        con = self.connect()
        if wave is None:
            df = con.execute("SELECT * FROM responses ORDER BY _import_id, _row").df()
        else:
            df = con.execute("SELECT * FROM responses WHERE _wave = ? ORDER BY _import_id, _row", [wave]).df()
        con.close()
        return df

    def check(self, wave: Optional[str] = None) -> pd.DataFrame:
        """Run the data-quality checks for ``wave`` (or every wave) and store the flags."""
        frames = []
        for w in ([wave] if wave else self.waves()):
            df = self.raw_responses(w)
            pii = self._pii_columns(w)
            if "ip" in pii:
                df = df.merge(pii["ip"], on=["_import_id", "_row"], how="left")
            fl = quality_flags(df, self.questionnaire, speeder_fraction=float(self.config.get("speeder_fraction", 1 / 3)))
            fl["wave"] = w
            fl["import_id"] = df["_import_id"].to_numpy()[fl["index"].to_numpy(dtype=int)] if len(fl) else []
            fl["row"] = df["_row"].to_numpy()[fl["index"].to_numpy(dtype=int)] if len(fl) else []
            fl["respondent_id"] = df["respondent_id"].to_numpy()[fl["index"].to_numpy(dtype=int)] if len(fl) else []
            con = self.connect()
            con.execute("BEGIN TRANSACTION")
            con.execute("DELETE FROM flags WHERE wave = ?", [w])
            out = fl[["wave", "import_id", "row", "respondent_id", "kind", "detail"]]
            con.register("fin", out)
            con.execute("INSERT INTO flags SELECT * FROM fin")
            con.execute("COMMIT")
            con.close()
            frames.append(out)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def _pii_columns(self, wave: str) -> dict:
        con = self.connect()
        df = con.execute("SELECT p.import_id AS _import_id, p.\"row\" AS _row, p.\"column\", p.value FROM pii p "
                         "JOIN imports i ON i.id = p.import_id WHERE i.wave = ?", [wave]).df()
        con.close()
        out = {}
        for col, g in df.groupby("column"):
            name = "ip" if "ip" in col.lower() else col
            out[name] = g[["_import_id", "_row", "value"]].rename(columns={"value": name})
        return out

    def responses(self, wave: Optional[str] = None, *, apply_exclusions_: bool = True) -> tuple[pd.DataFrame, dict]:
        """Responses of ``wave`` with the project's exclusion rules applied; returns (data, {rule: count})."""
        df = self.raw_responses(wave)
        if not apply_exclusions_ or df.empty:
            return df, {}
        con = self.connect()
        q = "SELECT import_id, \"row\", kind FROM flags" + (" WHERE wave = ?" if wave else "")
        fl = con.execute(q, [wave] if wave else []).df()
        con.close()
        if fl.empty:
            return df, {}
        key = pd.MultiIndex.from_arrays([df["_import_id"].astype(int), df["_row"].astype(int)])
        pos = pd.Series(np.arange(len(df)), index=key)
        fl = fl[pd.MultiIndex.from_arrays([fl["import_id"].astype(int), fl["row"].astype(int)]).isin(key)]
        idx = pos.loc[list(zip(fl["import_id"].astype(int), fl["row"].astype(int)))].to_numpy()
        flags = pd.DataFrame({"index": idx, "kind": fl["kind"].to_numpy()})
        return apply_exclusions(df, flags, self.config.get("exclusions"))

    def quarantine(self, wave: Optional[str] = None) -> pd.DataFrame:
        con = self.connect()
        q = "SELECT wave, source, \"row\", \"column\", value, code, message FROM quarantine" + \
            (" WHERE wave = ?" if wave else "") + " ORDER BY import_id, \"row\""
        df = con.execute(q, [wave] if wave else []).df()
        con.close()
        return df

    def imports(self) -> pd.DataFrame:
        con = self.connect()
        df = con.execute("SELECT * FROM imports ORDER BY id").df()
        con.close()
        return df

    def quality_summary(self, wave: str) -> dict:
        """Rows read/accepted/quarantined (per reason) and exclusions (per rule) for the report."""
        con = self.connect()
        imp = con.execute("SELECT sum(rows_read), sum(accepted), sum(quarantined) FROM imports WHERE wave = ?",
                          [wave]).fetchall()[0]
        reasons = con.execute("SELECT code, count(DISTINCT (import_id, \"row\")) FROM quarantine WHERE wave = ? GROUP BY code "
                              "ORDER BY 2 DESC", [wave]).fetchall()
        con.close()
        _, excl = self.responses(wave)
        return {"rows_read": int(imp[0] or 0), "accepted": int(imp[1] or 0), "quarantined": int(imp[2] or 0),
                "quarantine_reasons": {REASONS_ZH.get(c, c): int(n) for c, n in reasons},
                "excluded": int(sum(excl.values())), "exclusions": excl}

    def status(self) -> dict:
        q = self.questionnaire
        con = self.connect()
        waves = []
        for w in self.waves():
            n = con.execute("SELECT count(*) FROM responses WHERE _wave = ?", [w]).fetchall()[0][0]
            per = {}
            for key, qid in (("site", q.site_question), ("district", q.district_question)):
                if qid:
                    rows = con.execute(f'SELECT "{qid}", count(*) FROM responses WHERE _wave = ? GROUP BY 1 ORDER BY 1', [w]).fetchall()
                    labels = {float(o.code): o.label for o in q.question(qid).options}
                    per[key] = {labels.get(k, str(k)): int(c) for k, c in rows}
            nq = con.execute("SELECT count(DISTINCT (import_id, \"row\")) FROM quarantine WHERE wave = ?", [w]).fetchall()[0][0]
            waves.append({"wave": w, "responses": int(n), "quarantined_rows": int(nq), **per})
        imps = con.execute("SELECT id, file, format, wave, rows_read, accepted, quarantined, imported_at FROM imports "
                           "ORDER BY id DESC LIMIT 10").df()
        con.close()
        return {"project": str(self.root), "questionnaire": q.title, "waves": waves,
                "last_imports": imps.to_dict("records")}


def _jsonable(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, (float, np.floating)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    return str(v) if not isinstance(v, (int, float, str)) else v
