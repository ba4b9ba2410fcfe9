"""四、后进区县 takes the lagging districts worst first: most indicators below the city, then the lowest composite
score.  Before, districts with as many lagging indicators came in character order (北山区 77.4 before
西城区 76.8 in the demo's brief)."""

from report.brief import lagging_order


def test_equal_counts_put_the_lower_score_first():
    lag = {"北山区": ["交通秩序"], "西城区": ["城市环境"], "东城区": ["社会治安", "公共服务"]}
    league = {"北山区": {"estimate": 77.4}, "西城区": {"estimate": 76.8}, "东城区": {"estimate": 80.1}}
    assert [d for d, _ in lagging_order(lag, league)] == ["东城区", "西城区", "北山区"]


def test_a_district_without_a_score_comes_after_the_scored_ones():
    lag = {"北山区": ["交通秩序"], "西城区": ["城市环境"]}
    assert [d for d, _ in lagging_order(lag, {"西城区": {"estimate": 79.0}})] == ["西城区", "北山区"]
