"""The one zh/en table of minyi's fixed words, keyed by code: data-quality flag and quarantine reason
names, verdicts, grouping and interval names, and the report's fixed words.  Every layer takes its
words from here (``survey.quality`` its flag names, ``survey.ingest`` its reasons, ``report`` the rest),
so a word is changed, or a language added, in one place.

Codes are ``<kind>.<key>`` where ``key`` is what the data carries (a flag kind such as ``speeder``,
a quarantine code such as ``blank-row``, a CI method such as ``logit``).
"""

from __future__ import annotations

LANGS = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    # code: (zh, en)
    # data-quality flags (survey.quality; the order is the order exclusions are counted in)
    "flag.duplicate_id": ("重复的受访者编号", "duplicate respondent id"),
    "flag.identical_answers": ("答案完全相同", "identical answers"),
    "flag.same_ip": ("同一IP且答案高度相似", "same IP with near-identical answers"),
    "flag.speeder": ("答题时间过短", "completed too fast"),
    "flag.straightliner": ("矩阵题直线作答", "straight-lining in grids"),
    # quarantine reasons of rows that fail the questionnaire's rules (survey.ingest / survey.rowcheck)
    "reason.blank-row": ("空白行", "blank row"),
    "reason.unknown-option": ("无效选项代码", "invalid option code"),
    "reason.out-of-range": ("数值超出范围", "number out of range"),
    "reason.not-a-number": ("非数字", "not a number"),
    "reason.too-many": ("选项数超过上限", "too many options chosen"),
    "reason.too-few": ("选项数不足", "too few options chosen"),
    "reason.exclusive": ("排他选项与其他选项同选", "exclusive option chosen with others"),
    "reason.should-skip": ("按跳题逻辑不应作答", "answered although skip logic says skip"),
    "reason.required-missing": ("必答题未答", "required question not answered"),
    "reason.rank-invalid": ("排序无效", "invalid ranking"),
    # verdicts against a target (analysis.indicators VERDICT_*)
    "verdict.above": ("达标", "met"),
    "verdict.below": ("未达标", "not met"),
    "verdict.ns": ("无显著差异", "no significant difference"),
    # groupings of the sample composition
    "comp.site": ("调查点", "Site"),
    "comp.district": ("区县", "District"),
    "comp.gender": ("性别", "Gender"),
    "comp.age": ("年龄", "Age"),
    "comp.education": ("文化程度", "Education"),
    # confidence-interval methods (analysis.ci)
    "ci.wald": ("Wald 区间（R svyciprop method=\"mean\"）", "Wald interval (R svyciprop method=\"mean\")"),
    "ci.logit": ("logit 变换区间（R svyciprop 默认方法）", "logit interval (R svyciprop default)"),
    "ci.clopper-pearson": ("Clopper–Pearson/Korn–Graubard 区间", "Clopper–Pearson/Korn–Graubard interval"),
    "ci.wilson": ("Wilson 区间（有效样本量）", "Wilson interval (effective n)"),
    "ci.jeffreys": ("Jeffreys 区间（有效样本量）", "Jeffreys interval (effective n)"),
    "ci.agresti-coull": ("Agresti–Coull 区间（有效样本量）", "Agresti–Coull interval (effective n)"),
    # the same methods in plain words, for the report's body (the names above, with authors and R
    # functions, belong in the method appendix only)
    "ci_plain.wald": ("正态近似区间", "normal-approximation interval"),
    "ci_plain.logit": ("logit 变换区间", "logit-transformed interval"),
    "ci_plain.clopper-pearson": ("精确（Beta 分布）区间", "exact (beta) interval"),
    "ci_plain.wilson": ("得分区间（有效样本量）", "score interval (effective n)"),
    "ci_plain.jeffreys": ("贝叶斯无信息先验区间（有效样本量）", "non-informative Bayesian interval (effective n)"),
    "ci_plain.agresti-coull": ("调整 Wald 区间（有效样本量）", "adjusted normal interval (effective n)"),
    # the report's fixed words (table headers, captions, notes)
    "word.item": ("项目", "Item"),
    "word.value": ("说明", "Value"),
    "word.reason": ("原因", "Reason"),
    "word.responses": ("份数", "Responses"),
    "word.quarantined": ("隔离：", "Quarantined: "),
    "word.excluded": ("剔除：", "Excluded: "),
    "word.analysed": ("纳入分析", "Analysed"),
    "word.category": ("类别", "Category"),
    "word.sample_n": ("样本量", "n"),
    "word.sample_share": ("样本占比", "Sample share"),
    "word.population_share": ("总体占比", "Population share"),
    "word.indicator": ("指标", "Indicator"),
    "word.measure": ("口径", "Measure"),
    "word.estimate": ("估计值", "Estimate"),
    "word.ci_low": ("下限", "low"),
    "word.ci_high": ("上限", "high"),
    "word.valid_n": ("有效样本", "n"),
    "word.dont_know": ("“不了解”比例", "Don't know"),
    "word.target": ("目标", "Target"),
    "word.verdict": ("判定", "Verdict"),
    "word.area": ("领域", "Area"),
    "word.share_satisfied": ("满意率", "Share satisfied"),
    "word.index": ("满意度指数", "Index"),
    "word.rate": ("比率", "rate"),
    "word.question_item": ("题项", "Item"),
    "word.rank": ("排名", "Rank"),
    "word.issue": ("问题", "Issue"),
    "word.site": ("调查点", "Site"),
    "word.district": ("区县", "District"),
    "word.note": ("说明", "Note"),
    "word.total": ("总体", "Total"),
    "word.count": ("出现次数", "Count"),
    "word.word": ("词语", "Word"),
    "word.answer": ("回答", "Answer"),
    "word.answers": ("条数", "Count"),
    "word.no": ("序号", "No."),
    "word.this_wave": ("本期", "This wave"),
    "word.previous": ("上期", "Previous"),
    "word.change": ("变化", "Change"),
    "word.se": ("标准误", "SE"),
    "word.deff": ("设计效应", "deff"),
    # report chapters (report/chapters/): headers, captions and notes
    "word.estimate_rate": ("比率/满意率", "Estimate"),
    "word.index_low": ("指数下限", "low"),
    "word.index_high": ("指数上限", "high"),
    "word.index_suffix": ("（指数）", " (index)"),
    "word.place": ("名次", "Rank"),
    "word.composite_index": ("综合指数", "Index"),
    "word.rank_range": ("可能名次范围", "Rank range"),
    "word.pct_respondents": ("选择人数比例", "% respondents"),
    "word.pct_mentions": ("提及次数占比", "% mentions"),
    "word.tied_neighbour": ("与相邻名次无显著差异", "Tied with neighbour"),
    "word.position": ("位次", "Rank"),
    "word.pct_chosen": ("选择比例", "% respondents"),
    "word.ranked_first": ("排第一位的比例", "Ranked first"),
    "word.borda": ("综合得分", "Borda score"),
    "word.ci_low_long": ("下限", "CI low"),
    "word.ci_high_long": ("上限", "CI high"),
    "measure.share_satisfied": ("满意率", "share satisfied"),
    "measure.index": ("满意度指数", "index"),
    "caption.change": ("与{wave}相比的变化", "Change since {wave}"),
    "caption.league_group": ("主要指标按{group}比较", "Main indicators by {group}"),
    "caption.lowest": ("满意率最低的{n}个题项", "The {n} lowest-rated items"),
    "caption.sample_by": ("样本{var}构成", "Sample by {var}"),
    "note.change": ("比率的变化以百分点计；↑↓ 表示变化显著，→ 表示无显著变化。", "Rates in percentage points; ↑/↓ significant change."),
    "note.league": ("名次范围考虑置信区间重叠；△ 样本量小于{small}，仅供参考；小于{min}不予报告。",
                    "Rank range from CI overlap; △ n < {small}; suppressed when n < {min}."),
    "note.verdicts": ("达标：置信区间整体高于目标；未达标：整体低于目标；无显著差异：包含目标。",
                      "Met: CI entirely above the target; not met: entirely below. "),
    "text.no_compare": ("本期未指定对比期次（使用 --compare 指定上期即可生成变化分析）。", "No comparison wave was given (use --compare)."),
    "text.ipa_focus": ("重要性高而满意度低（重点改进区）的题项：", "Items of high importance and low performance: "),
    "text.answer_count": ("{text}（{count}条）", "{text} ({count})"),
    # chart titles = figure captions: the finding (report/figures.py)
    "fig.sample": ("样本构成（n={n}）", "Sample composition (n={n})"),
    "fig.rates_below": ("{k}项指标未达目标，{name}最低", "{k} indicators below target; lowest: {name}"),
    "fig.rates_ok": ("主要指标均达到或接近目标", "All main indicators meet or are close to their targets"),
    "fig.areas_lowest": ("{name}满意度指数最低（{value}分）", "{name} has the lowest satisfaction index ({value})"),
    "fig.areas_below": ("{k}个领域满意度指数未达目标，{name}最低（{value}分）",
                        "{k} areas below their index target; {name} lowest ({value})"),
    "fig.hot": ("“{label}”位居热点问题首位（{share}的受访者选择）", "“{label}” is the top hot issue ({share} of respondents)"),
    "fig.hot_sites_same": ("各调查点均以“{label}”居首", "“{label}” ranks first at every site"),
    "fig.hot_sites_differ": ("各调查点关注重点不同：{sites}", "Top issues differ by site: {sites}"),
    "fig.hot_site": ("{site}“{label}”", "{site} “{label}”"),
    "fig.words": ("开放题意见中“{word}”出现最多（{count}次）", "“{word}” is the most frequent word in open answers"),
    "fig.league": ("{group}综合满意度指数最高（{value}分）", "{group} has the highest composite index ({value})"),
    "fig.ipa": ("重要性—满意度分析：{k}个题项处于重点改进区", "Importance–performance: {k} items in the focus quadrant"),
    "fig.trend": ("{first}至{last}，{name}{dir}{d}个百分点", "{name} {dir} {d} points from {first} to {last}"),
    "fig.rose": ("上升", "rose"),
    "fig.fell": ("下降", "fell"),
    "fig.likert": ("{area}：“{label}”满意率最低（{share}）", "{area}: “{label}” has the lowest share satisfied ({share})"),
    "sep.clause": ("，", ", "),
    "text.suppressed": ("样本过少，不予报告", "sample too small, not reported"),
    "text.small_base": ("△ 样本量小于{n}，仅供参考", "△ n<{n}, unreliable"),
    "caption.at_a_glance": ("调查基本情况", "Survey at a glance"),
    "caption.quality": ("数据质量与剔除情况", "Data quality and exclusions"),
    "caption.indicators": ("主要指标及达标判定", "Main indicators against targets"),
    "caption.indexes": ("满意度指数及达标判定", "Satisfaction indexes against targets"),
    "caption.areas": ("各领域满意率与满意度指数", "Satisfaction by area"),
    "caption.table_no": ("表{n} {caption}", "Table {n}. {caption}"),
    "caption.figure_no": ("图{n} {caption}", "Figure {n}. {caption}"),
    "caption.hot": ("热点问题排序", "Hot issues ranked"),
    "note.hot_count": ("全部{n}项，图中为前{k}位。", "All {n} issues; the chart shows the top {k}."),
    "note.sample_weighted": ("样本占比为加权占比；总体占比来自总体边际数据。",
                             "Sample shares are weighted; population shares come from the population margins."),
    "caption.hot_sites": ("各调查点前五位热点问题", "Top five hot issues by site"),
    "caption.ranking": ("排序题结果", "Ranking question"),
    "caption.words": ("开放题高频词", "Most frequent words in open answers"),
    "caption.league": ("各区县综合满意度指数排名", "District league table (composite index)"),
    "caption.priorities": ("重点改进事项", "Priorities"),
    "caption.all_items": ("全部题项估计结果", "All items"),
    "heading.analyst": ("分析人员意见", "Analyst's notes"),
    "heading.method": ("方法说明", "Method notes"),
    "text.typical_answers": ("典型意见摘录：", "Typical answers:"),
}


def label(code: str, lang: str = "zh") -> str:
    """The text of ``code`` in ``lang`` (zh or en; anything else: zh); an unknown code raises KeyError
    (a missing word is a bug, not an empty cell)."""
    zh, en = LABELS[code]
    return en if lang == "en" else zh


def labels(kind: str, lang: str = "zh") -> dict[str, str]:
    """{key: text} of every code ``<kind>.<key>``, in table order (e.g. ``labels("flag")``)."""
    pre = kind + "."
    return {c[len(pre):]: (en if lang == "en" else zh) for c, (zh, en) in LABELS.items() if c.startswith(pre)}
