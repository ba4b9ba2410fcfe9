"""analysis.design_spec: one design record from CLI options / minyi.yaml / code, and its description
in the report's method notes (report/pipeline.py _design_text)."""

from pathlib import Path

import pandas as pd
import pytest

from analysis import DesignError
from analysis.design_spec import DesignSpec, describe
from analysis.estimators import svymean
from report.pipeline import _design_text, build_design

GOLDEN = Path(__file__).parent / "golden"
C2 = pd.read_csv(GOLDEN / "r_design_types_apiclus2.csv")
FPC = pd.read_csv(GOLDEN / "r_design_types_fpc.csv")


def golden(case):
    e = pd.read_csv(GOLDEN / "r_design_types_expected.csv", dtype={"value": float})
    e = e[e.case == case]
    return dict(zip(e.quantity, e.value))


def test_minyi_yaml_multistage_design_is_r_multistage():
    des = build_design(C2, {"psu": ["dnum", "snum"], "fpc": ["fpc1", "fpc2"]})
    m = svymean(des, C2.api00)
    assert m.se == pytest.approx(golden("apiclus2")["mean_se"], rel=1e-8)
    text = _design_text({"psu": ["dnum", "snum"], "fpc": ["fpc1", "fpc2"]}, None, des)
    assert "2 阶段整群抽样" in text["description"] and "2-stage cluster sample" in text["description_en"]
    assert "fpc1、fpc2" in text["description"]
    assert "多阶段" in text["variance"] and "multistage" in text["variance_en"]
    assert "derived from the fpc" in text["description_en"]


def test_fpc_without_weights_and_nested_ids_are_stated():
    spec = {"strata": "stratid", "psu": "psuid", "fpc": "Nh"}
    des = build_design(FPC, spec)
    assert des.weights[0] == pytest.approx(golden("fpc_counts")["weight_1"])
    text = _design_text(spec, None, des)
    assert "抽样权重由有限总体校正推得" in text["description"]
    assert "nested in strata" in text["description_en"]


def test_replicate_design_from_yaml_and_description():
    des = build_design(C2, {"psu": "dnum", "weights": "pw", "replicates": "JK1"})
    assert des.is_replicate and des.n_replicates == 40
    words = describe(des)
    assert "JK1" in words["variance"] and "replicate" in words["variance_en"]


def test_unknown_design_keys_are_named():
    with pytest.raises(DesignError, match="unknown design key"):
        DesignSpec.from_mapping({"psu": "dnum", "clusters": "x"})
    with pytest.raises(DesignError, match="one fpc column per sampling stage"):
        DesignSpec.of(psu="dnum,snum", fpc="fpc1").build(C2)
