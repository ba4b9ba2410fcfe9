"""The brief on wave W shows the ledger as it stood at W (audit of issue 13, defects 1 and 2).

`survey brief --wave 第1期` printed today's ledger in 五、整改台账 — items raised only in a later wave, statuses set
by later verifications, deadlines and units analysts edited later — and the briefs of two different waves printed
the same part 五.  And 三、突出问题 named the unit of the questionnaire's owner table while 五 named the unit an
analyst had stored on the same problem's ledger item.

A two-wave world: the ledger runs on wave 1, an analyst edits the 公共服务 item (整改中, a deadline before wave 1
ends, a unit), the ledger runs on wave 2 (and an item is raised on wave 2), then the analyst edits the item again."""

from __future__ import annotations

import datetime as dt
import time

import pytest

import tracking_world as W
from report.brief import brief_lines, build_brief
from report.ledger import project_ledger
from survey.ledger import DOING, LedgerItem, LedgerStore

W1, W2 = W.WAVES[0][0], W.WAVES[1][0]
W1_END = dt.date.fromisoformat(W.WAVES[0][3])
EARLY = W1_END - dt.timedelta(days=10)   # passed by the end of wave 1
LATE = dt.date.today() + dt.timedelta(days=5)  # due within the brief's 14 days, today


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("brief_as_of")
    project = W.build(root, waves=2, n=500)
    project_ledger(project, W1)
    store = LedgerStore(project)
    service = next(it for it in store.items() if it.key == ("below_target", "sat_service", "rate", ""))
    store.apply_edits([(service.id, "status", DOING), (service.id, "deadline", EARLY),
                       (service.id, "unit", "市公共服务第一单位")], source="w1_edit.xlsx")
    time.sleep(1.1)  # the store's clock counts seconds: the wave-2 run comes after the first edit
    project_ledger(project, W2)
    store.record([LedgerItem(id="", rule="district_below", subject="sat_env", measure="index", district="西城区",
                             wave=W2, area=None, subject_name="城市环境满意度（指数）", evidence={},
                             unit="市城市管理局", deadline=LATE)])
    time.sleep(1.1)
    store.apply_edits([(service.id, "unit", "市公共服务第二单位"), (service.id, "deadline", LATE)],
                      source="w2_edit.xlsx")
    return project, service.id


def test_brief_on_an_earlier_wave_shows_the_ledger_as_it_stood_then(world):
    project, sid = world
    b = build_brief(project, W1, today=dt.date.today())
    raised_w1 = [it for it in LedgerStore(project).items() if it.wave == W1]
    assert b.ledger_open == len(raised_w1)  # nothing raised on wave 2, nothing verified on wave 2
    assert [it.id for it in b.ledger_due] == [sid]
    item = b.ledger_due[0]
    # the first edit (before the wave-2 run) counts, the later one does not; overdue judged at wave 1's end
    assert (item.unit, item.deadline, item.status, item.overdue) == ("市公共服务第一单位", EARLY, DOING, True)
    assert b.ledger_overdue == 1 and b.ledger_as_of == W1_END
    text = "\n".join(brief_lines(b))
    assert "截至2025年3月28日，台账在办事项" in text
    assert "市公共服务第二单位" not in text
    # part 三 names the unit the ledger held for the same problem then
    service = next(p for p in b.problems if p.rule == "below_target" and p.subject == "sat_service")
    assert service.unit == "市公共服务第一单位"


def test_brief_on_the_latest_wave_shows_todays_ledger_and_one_unit_per_problem(world):
    project, sid = world
    today = dt.date.today()
    b = build_brief(project, W2, today=today)
    items = LedgerStore(project).items()
    assert b.ledger_open == sum(1 for it in items if it.is_open) and b.ledger_as_of is None
    due = {it.id: it for it in b.ledger_due}
    assert due[sid].unit == "市公共服务第二单位" and due[sid].deadline == LATE and not due[sid].overdue
    assert any(it.district == "西城区" for it in b.ledger_due)  # the item raised on wave 2
    service = next(p for p in b.problems if p.rule == "below_target" and p.subject == "sat_service")
    assert service.unit == "市公共服务第二单位"  # not the owner table's unit
    assert "截至" not in b.ledger_sentence(len(b.ledger_due))
    # the two waves' part 五 differ
    assert b.ledger_open != build_brief(project, W1, today=today).ledger_open
