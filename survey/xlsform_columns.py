"""The languages and the extra columns of minyi's XLSForm, shared by the export (:mod:`survey.xlsform`) and the
reading (:mod:`survey.xlsform_read`): pyxform keeps a survey sheet's unknown columns, so minyi's own settings ride
in them."""

from __future__ import annotations

LANG = {"zh": "Chinese (zh)", "en": "English (en)"}
RANK_K_COLUMN = "minyi_k"  # survey-sheet column: how many ranks of a ranking count (pyxform keeps unknown columns)
UNIT_COLUMN = "minyi_unit"  # survey-sheet column: a number question's unit (次), which the label also shows as （次）
