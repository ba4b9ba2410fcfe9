"""The bundled framework's description states its survey / field-inspection split (问卷调查占70%，实地考察与材料审核
占30%); the audit found it saying 60/40 while the weights give the survey 70 of 100 (`survey score --json`:
survey_share 0.7).  The stated split must equal the one the weights give."""

from __future__ import annotations

import re

from survey.framework import bundled_framework_path, load_framework


def _share(fw) -> float:
    """The survey's share of the total: each item's weight normalised among its siblings down the tree."""
    total = 0.0
    wa = sum(a.weight for a in fw.aspects)
    for a in fw.aspects:
        wi = sum(i.weight for i in a.indicators)
        for i in a.indicators:
            wt = sum(t.weight for t in i.items)
            total += sum(a.weight / wa * i.weight / wi * t.weight / wt for t in i.items if t.survey)
    return total


def test_the_bundled_framework_states_the_split_its_weights_give():
    fw = load_framework(bundled_framework_path())
    m = re.search(r"问卷调查占(\d+)%，实地考察与材料审核占(\d+)%", fw.description)
    assert m, fw.description
    survey, other = int(m.group(1)), int(m.group(2))
    assert survey + other == 100
    assert abs(_share(fw) - survey / 100) < 1e-9
