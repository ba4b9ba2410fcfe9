"""Read response files of every kind into minyi's native layout.

:func:`read_responses` reads the file by its *content* (:mod:`survey.tabular`: text in UTF-8 /
UTF-8-BOM / GBK-GB18030 / UTF-16, Excel .xlsx/.xls, SPSS .sav, a zip holding a CSV), recognises the
export layout from its headers, and converts it:

* ``native`` — minyi's own layout (``respondent_id`` + question-id columns): fast path through
  pyarrow (codes parsed as int16/int32, handed on as float32; cells that are not plain numbers
  converted once per distinct value and quarantined with their raw text), no per-cell Python work;
  identifying columns (``ip``, phone, name, ID card …) kept apart like in every other layout;
* ``wjx`` — 问卷星, both codings (按序号 codes / 按文本 labels), CSV/XLSX/SAV: metadata 序号,
  提交答卷时间, 所用时间 (``268秒``), 来源, 来源详情, 来自IP; headers ``N、题干`` / ``N：题干``;
  multiple choice as 0/1 columns ``N、(选项)`` / ``第N题(选项)`` or one cell joined by ``┋``; ranking
  joined by ``→`` or one rank column per option; other text in ``〖…〗``; matrix rows ``N、(行标题)``;
  ``-2``/``-3``/``(跳过)`` = not asked, ``(空)`` = empty; 按分数 (option scores in scale/matrix columns) detected per
  column by :func:`scores_as_codes` and noted;
* ``tencent`` — 腾讯问卷 (CSV or a zip holding it): headers ``N.题干``, sub-columns ``N.题干:选项``;
  metadata 编号, 开始答题时间, 结束答题时间, 答题时长, IP, 地理位置, UA, Referrer;
* ``kobo`` — KoboToolbox/ODK: labels or XML values, group-path headers ``grp/q`` (``/`` or ``.``),
  select_multiple space-separated and/or one 0/1 column per option (``q7/1``), ``_`` metadata; labels that
  contain spaces split by a full cover of the options (:func:`split_spaced`);
* generic CSV/XLSX/SAV: columns matched by question id (or native column name), by number
  (``N、``/``N.``/``第N题``) or by title; SPSS variable labels and value labels are used too.

Options are matched by code or by label (after NFKC normalisation: full-width → half-width, spaces
removed).  A mapping (``columns: {source: target}``, ``values: {qid: {value: code}}``) handles anything
else.  Nothing is guessed silently: columns that match nothing, questions without a column and
columns matched by number whose title differs are reported (with the closest candidates); cell
values that are not options become cell problems (the store quarantines their rows).  A file in
which no column matches the questionnaire is an error.

One module per source layout, each registered by name in :data:`survey.importers.registry.LAYOUTS`:
:mod:`~survey.importers.native` (with the pyarrow fast path), :mod:`~survey.importers.wjx`,
:mod:`~survey.importers.tencent`, :mod:`~survey.importers.kobo`, :mod:`~survey.importers.generic`, and
:mod:`~survey.importers.spss` for what SPSS files add (variable and value labels).  What they share:
:mod:`~survey.importers.read` (the entry point), :mod:`~survey.importers.converter` (columns → native columns),
:mod:`~survey.importers.matching` (which question a header names), :mod:`~survey.importers.multi` (multiple
choice and ranking), :mod:`~survey.importers.options` and :mod:`~survey.importers.text` (cell values),
:mod:`~survey.importers.pii_columns` (identifying columns), :mod:`~survey.importers.mapping` (the mapping file),
:mod:`~survey.importers.notes` and :mod:`~survey.importers.base` (the converted table, the layout record).
"""

from .base import PROBLEM_COLUMNS, ImportedTable, Layout, file_hash, hash_ahead
from .converter import _Converter
from .kobo import split_spaced
from .mapping import check_mapping
from .matching import META_MAP
from .native import native_table
from .notes import GROUP_NOTES, grouped_notes
from .options import map_option_values, option_lookup, scores_as_codes
from .pii_columns import PII_HEADERS, PII_VALUES, detect_pii
from .read import convert_raw, read_responses
from .registry import CONTAINERS, FORMATS, LAYOUT_NAMES, LAYOUTS, detect
from .text import EMPTY_VALUES, norm_series, norm_text, parse_duration, parse_times
from .wjx import SKIP as WJX_SKIP

__all__ = ["CONTAINERS", "EMPTY_VALUES", "FORMATS", "GROUP_NOTES", "LAYOUTS", "LAYOUT_NAMES", "META_MAP", "PII_HEADERS",
           "PII_VALUES", "PROBLEM_COLUMNS", "WJX_SKIP", "ImportedTable", "Layout", "_Converter", "check_mapping",
           "convert_raw", "detect", "detect_pii", "file_hash", "hash_ahead", "grouped_notes", "map_option_values", "native_table",
           "norm_series", "norm_text", "option_lookup", "parse_duration", "parse_times", "read_responses",
           "scores_as_codes", "split_spaced"]
