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
    # survey convert --to yaml: the choice pyxform adds for select_one … or_other (labelled "Other" in every language)
    "xlsform.or_other": ("其他", "Other"),
    # survey convert --to xlsform: after the "other" option(s) in the label of their text question <id>_other
    "xlsform.specify": ("（请注明）", " (please specify)"),
    "xlsform.other_sep": ("、", " / "),  # between the labels of a question's "other" options in its fill-in's label
    # data-quality flags (survey.quality; the order is the order exclusions are counted in)
    "flag.duplicate_id": ("重复的受访者编号", "duplicate respondent id"),
    "flag.identical_answers": ("答案完全相同", "identical answers"),
    "flag.same_ip": ("同一IP且答案高度相似", "same IP with near-identical answers"),
    "flag.speeder": ("答题时间过短", "completed too fast"),
    "flag.straightliner": ("矩阵题直线作答", "straight-lining in grids"),
    # the label of the wave an import without --wave stores its answers in (survey.waves.DEFAULT_WAVE)
    "wave.default": ("本次调查", "this survey"),
    # a wave's label derived from its id (survey.waves.derived_label): 2026Q3, 2026H1, 2026 (a month: date.month)
    "wave.quarter": ("{y}年{quarter}", "{y} {quarter}"),
    "wave.half": ("{y}年{half}", "{half} {y}"),
    "wave.year": ("{y}年", "{y}"),
    "quarter.1": ("第一季度", "Q1"),
    "quarter.2": ("第二季度", "Q2"),
    "quarter.3": ("第三季度", "Q3"),
    "quarter.4": ("第四季度", "Q4"),
    "half.1": ("上半年", "H1"),
    "half.2": ("下半年", "H2"),
    # dates as reports write them (survey.waves.format_date, Wave.period; report.cover.period_text): {month} is the
    # month's word (month.N), {m1} the first month's number, {y}/{y1}/{y2} years, {d} the day
    "month.1": ("1月", "January"),
    "month.2": ("2月", "February"),
    "month.3": ("3月", "March"),
    "month.4": ("4月", "April"),
    "month.5": ("5月", "May"),
    "month.6": ("6月", "June"),
    "month.7": ("7月", "July"),
    "month.8": ("8月", "August"),
    "month.9": ("9月", "September"),
    "month.10": ("10月", "October"),
    "month.11": ("11月", "November"),
    "month.12": ("12月", "December"),
    "date.day": ("{y}年{month}{d}日", "{d} {month} {y}"),
    "date.month": ("{y}年{month}", "{month} {y}"),
    # a span of months: in one year (2026年8—9月), or across a new year
    "date.months_same_year": ("{y1}年{m1}—{month2}", "{month1} {y1} – {month2} {y2}"),
    "date.months": ("{y1}年{month1}—{y2}年{month2}", "{month1} {y1} – {month2} {y2}"),
    # a span of days ({start}, {end}: date.day): in one year the end without its year in Chinese (2026年7月1日—9月30日)
    "date.days_same_year": ("{start}—{end_month}{end_day}日", "{start} – {end}"),
    "date.days": ("{start}—{end}", "{start} – {end}"),
    # a fielding period with one end known: a start date alone is no one-day survey (2026年7月5日起, not 2026年7月5日)
    "date.from": ("{start}起", "from {start}"),
    "date.until": ("{end}止", "until {end}"),
    # quarantine reasons of rows that fail the questionnaire's rules (survey.ingest / survey.rowcheck)
    "reason.blank-row": ("空白行", "blank row"),
    "reason.summary-row": ("合计或平均行", "row of totals or averages"),
    "reason.repeated-header": ("重复的表头行", "header row repeated"),
    "reason.formula-no-value": ("公式单元格没有计算结果", "formula cell without a computed value"),
    "reason.excel-error": ("单元格为Excel错误值", "Excel error value in the cell"),
    "reason.unknown-option": ("无效选项代码", "invalid option code"),
    "reason.out-of-range": ("数值超出范围", "number out of range"),
    "reason.not-a-number": ("非数字", "not a number"),
    "reason.too-many": ("选项数超过上限", "too many options chosen"),
    "reason.too-few": ("选项数不足", "too few options chosen"),
    "reason.exclusive": ("排他选项与其他选项同选", "exclusive option chosen with others"),
    "reason.should-skip": ("按跳题逻辑不应作答", "answered although skip logic says skip"),
    "reason.required-missing": ("必答题未答", "required question not answered"),
    "reason.rank-invalid": ("排序无效", "invalid ranking"),
    "reason.choice-twice": ("同一选项写了两次", "an option written twice"),
    # headers of `survey quarantine --export FILE.xlsx` (survey.export.quarantine_sheet)
    "quarantine.wave": ("波次", "Wave"),
    "quarantine.source": ("来源文件", "Source file"),
    "quarantine.row": ("行号", "Row"),
    "quarantine.sheet": ("隔离记录", "Quarantined rows"),  # the sheet's name
    "quarantine.case": ("个案号", "Case"),  # every record from an SPSS file: SPSS's case number
    "quarantine.row_case": ("行号/个案号", "Row / case"),  # CSV/Excel rows and SPSS cases together
    "quarantine.column": ("问题列", "Column"),
    "quarantine.value": ("原值", "Value"),
    "quarantine.code": ("原因", "Reason"),
    "quarantine.message": ("说明", "Message"),
    "quarantine.cell": ("{column}（该行原答案）", "{column} (the row's answer)"),
    # the question a record's message names, said beside the 问题列 that names it (survey.messages.record_message)
    "quarantine.this_question": ("本题", "this question"),
    # a should-skip record's condition in words (survey.form.condition_words), in the zh 说明 in place of the expression
    "quarantine.asked_only": ("仅{words}者作答", "asked only when {words}"),
    # the web survey's notes on stored answers (survey.collect.dashboard.notes_lines): the dashboard's
    # 需要核对的答卷 and `survey status` say them in these words
    "serve_notes.title": ("需要核对的答卷", "Answers to check"),
    "serve_notes.unknown_fields": ("{answers} 份答卷含有本问卷没有的题目（在旧版问卷页面上填写）：{fields}。这些题目的回答没有"
                                   "并入项目库，原样保存在采集日志 serve-journal.sqlite 中（notes 列）；其余题目已正常收下。",
                                   "{answers} answer(s) hold questions this questionnaire does not have (filled in on a "
                                   "page of an older questionnaire version): {fields}. Their answers to these questions "
                                   "are not in the project store; they are kept as sent in the answer journal "
                                   "serve-journal.sqlite (column notes); the other questions were stored as usual."),
    "serve_notes.other_text_missing": ("{answers} 份答卷选择了“其他”但没有注明具体内容（在要求注明之前的页面上填写，已收下）："
                                       "{questions}。",
                                       "{answers} answer(s) chose 'other' without saying what (filled in on a page from "
                                       "before the text was required; stored): {questions}."),
    "serve_notes.question": ("{id}“{text}”", "{id} '{text}'"),  # one question of other_text_missing
    "serve_notes.sep": ("、", ", "),  # between field names
    # after the names listed (at most survey.collect.answers.MAX_KEPT_FIELDS) when there are more: exact, or the
    # least there can be (an answer keeps its first names only, with its count)
    "serve_notes.more_fields": ("等，共 {n} 个", ", … ({n} in all)"),
    "serve_notes.more_fields_least": ("等，至少 {n} 个", ", … (at least {n})"),
    "serve_notes.question_sep": ("；", "; "),  # between questions
    # a column of an imported file as the user's file names it (column_shown): its header, in a workbook with its
    # Excel letter(s); minyi's own name of it (Q2) after it as a hint; a native file's column by its name
    "column.sheet": ("列 {letters}「{header}」", "column {letters} “{header}”"),
    "column.file": ("「{header}」", "column “{header}”"),
    "column.native": ("{column}", "column {column}"),
    "column.id_hint": ("（{column}）", " ({column})"),
    # verdicts against a target (analysis.indicators VERDICT_*)
    "verdict.above": ("达标", "met"),
    "verdict.below": ("未达标", "not met"),
    "verdict.ns": ("无显著差异", "no significant difference"),
    # a verdict on fewer answers than the small-base threshold is not stated (report.findings.too_few_to_judge)
    "verdict.withheld": ("样本过少（n={n}），不作判定", "too few answers (n={n}) to judge"),
    "verdict.withheld_cell": ("不作判定", "not judged"),
    # a group (district, site, age group …) on fewer answers than the small-base threshold: not called significantly
    # above or below the others / the city, listed apart with its base (text: verdict.withheld)
    "score.rank_note": ("注：排名按总分（测评体系各项加权{external}）；括号内为名次可能的范围（区县两两比较，{level}置信水平），"
                        "无括号的名次与其他各区县的差异均显著。调查报告的区县排名按综合满意度指数，口径不同，名次可以不同。",
                        "Note: ranked by the total score (the framework's weighted items{external}); in brackets the "
                        "ranks a district could hold (pairwise comparisons, {level} confidence); a rank without "
                        "brackets differs significantly from every other district. The report ranks districts by the "
                        "composite satisfaction index, another measure, so the ranks can differ."),
    "grp.withheld": ("{group}：{text}", "{group}: {text}"),
    "word.all_indicators": ("各项指标", "all indicators"),
    "text.small_base_verdict": ("△ 样本量小于{n}，仅供参考，不作达标判定", "△ n<{n}, unreliable, not judged against the target"),
    "verdict.withheld_count": ("{k}项样本过少、不作判定（{names}）", "{k} rest on too few answers to judge ({names})"),
    # groupings of the sample composition
    "comp.site": ("调查点", "Site"),
    "comp.district": ("区县", "District"),
    "comp.gender": ("性别", "Gender"),
    "comp.age": ("年龄", "Age"),
    "comp.education": ("文化程度", "Education"),
    # why the dashboard's QR sheet form cannot make the sheet (survey/collect/app.py admin_sheet), keyed by the
    # catalogue code of the problem (survey.messages; the CLI says the same with its option names)
    "sheet.links-base-url": ("“受访者访问的网址”须是以 http:// 或 https:// 开头的网址（如 https://survey.example.gov.cn），"
                             "“{value}”不是。",
                             "The address respondents open must start with http:// or https:// "
                             "(e.g. https://survey.example.gov.cn), not “{value}”."),
    "sheet.links-base-url-host": ("“受访者访问的网址”“{value}”缺少网站地址，请填写完整的网址（如 https://survey.example.gov.cn）。",
                                  "The address respondents open, “{value}”, names no host: give the whole address "
                                  "(e.g. https://survey.example.gov.cn)."),
    "sheet.links-base-url-query": ("“受访者访问的网址”“{value}”末尾带有“{part}”：二维码链接会在网址后面加上自己的参数，"
                                   "带有“?”或“#”的网址会使链接中的调查点、区县和调查员无法读取。请去掉“?”或“#”及其后的内容。",
                                   "The address respondents open, “{value}”, ends in “{part}”: each link adds its own "
                                   "parameters after the address, so its site, district and collector could not be "
                                   "read. Leave out the ? or # and what follows."),
    "sheet.links-choice": ("“{value}”不是本问卷的{option}，可选：{choices}。",
                           "“{value}” is not a {option} of this questionnaire; choose one of: {choices}."),
    "sheet.links-no-question": ("本问卷没有{option}题，请不要指定{option}。",
                                "This questionnaire has no {option} question: leave the {option} empty."),
    "sheet.links-collector-space": ("调查员编号“{value}”中有空格：多个编号请用逗号分隔，如 V001, V002。",
                                    "Collector id “{value}” has a space: separate several ids with commas, "
                                    "e.g. V001, V002."),
    "sheet.links-collector-chars": ("调查员编号“{value}”只能由字母、数字或汉字组成（最多40个字符，不含 & = # ? / < > 和引号）。",
                                    "Collector id “{value}”: use letters, digits or Chinese characters only (at most "
                                    "40, no & = # ? / < > or quotes)."),
    "sheet.links-collector-invisible": ("调查员编号“{value}”含有看不见的字符（{chars}），会使编号在二维码页和管理后台上显示颠倒或缺字："
                                        "请只用字母、数字或汉字重新输入。",
                                        "Collector id “{value}” holds invisible character(s) ({chars}) that show it "
                                        "reversed or incomplete on the sheet and the dashboard: type it again with "
                                        "letters, digits or Chinese characters only."),
    "sheet.links-too-many": ("二维码页一次最多为{max}名调查员生成，这次填写了{n}名：请分几次生成，每次不超过{max}名。",
                             "At most {max} collectors per QR sheet, {n} were entered: make several sheets of at "
                             "most {max} each."),
    "sheet.other": ("填写的内容无法生成二维码页，请检查后重试。", "The QR sheet cannot be made from these entries; check them."),
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
    "word.count": ("提及人数", "Respondents"),  # the open answers' words: respondents who used the word
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
    "text.no_compare": ("本报告只有本期一期调查数据，暂无可供比较的往期结果。",
                        "This report has a single wave of data: there is no earlier wave to compare it with."),
    "word.change_test": ("显著性", "Significance"),
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
    "fig.hot_sites_some": ("{sites}均以“{label}”居首（其余调查点样本量过小，不予报告）",
                           "“{label}” ranks first at {sites} (the other sites have too few answers to report)"),
    "fig.hot_sites_one": ("{site}以“{label}”居首（其余调查点样本量过小，不予报告）",
                          "“{label}” ranks first at {site} (the other sites have too few answers to report)"),
    "fig.hot_sites_differ": ("各调查点关注重点不同：{sites}", "Top issues differ by site: {sites}"),
    "fig.hot_site": ("{site}“{label}”", "{site} “{label}”"),
    "fig.words": ("开放题意见中提及“{word}”的人数最多（{count}人）", "“{word}” is the word most respondents used in open answers"),
    "fig.words_plain": ("开放题意见高频词（前{k}个）", "The {k} most frequent words in open answers"),
    "fig.league": ("{group}综合满意度指数最高（{value}分）", "{group} has the highest composite index ({value})"),
    "fig.ipa": ("重要性—满意度分析：{k}个题项处于重点改进区", "Importance–performance: {k} items in the focus quadrant"),
    "fig.trend": ("{first}至{last}，{name}{dir}{d}个百分点", "{name} {dir} {d} points from {first} to {last}"),
    "fig.rose": ("上升", "rose"),
    "fig.fell": ("下降", "fell"),
    "fig.likert": ("{area}：“{label}”满意率最低（{share}）", "{area}: “{label}” has the lowest share satisfied ({share})"),
    "sep.clause": ("，", ", "),
    "text.suppressed": ("样本过少，不予报告", "sample too small, not reported"),
    "text.small_base": ("△ 样本量小于{n}，仅供参考", "△ n<{n}, unreliable"),
    "text.small_base_judged": ("△ 有一期样本量小于{n}，其变化和趋势不作显著性判定。",
                               " △ One wave has fewer than {n} answers: its changes and trend are not judged."),
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
    # the report's running text and sub-headings (report/chapters/)
    "word.ci_merged": ("{conf}置信区间", "{conf} CI"),
    "word.interval_to": ("–", "–"),
    "word.change_to": (" 至 ", " to "),
    "word.na_policy": ("“不了解/说不清”的处理", "“Don't know” answers"),
    "text.na_exclude": ("不计入分母（各项结果均注明有效样本量和剔除比例）",
                        "excluded from the base (each result states its valid n and the share excluded)"),
    "text.na_keep": ("计入分母、视为未选择正向选项", "kept in the base, counted as not positive"),
    "heading.quality": ("数据质量", "Data quality"),
    "text.quality": ("共读入答卷{read}份，通过校验{accepted}份，隔离{quarantined}份{excluded}，最终纳入分析{n}份。",
                     "{read} questionnaires were read, {accepted} passed validation and {quarantined} were "
                     "quarantined{excluded}; {n} were analysed."),
    "text.quality_excluded": ("；按数据质量规则剔除{n}份", "; {n} were excluded by the data-quality rules"),
    "word.composite_satisfaction": ("综合满意度指数", "Composite satisfaction index"),
    "text.kpi_detail": ("{ci}，n={n}", "{ci}, n={n}"),
    "heading.lowest": ("满意度最低的题项", "Lowest-rated items"),
    "text.hot_intro": ("在“{q}”一题中，受访者平均选择{m}项（有效样本{n}）。“选择人数比例”指选择该问题的受访者占比，"
                       "“提及次数占比”指该问题在全部提及中的占比。",
                       "In “{q}”, respondents chose {m} issues on average (n={n}). “% respondents” is the share of "
                       "respondents choosing the issue; “% mentions” is its share of all mentions."),
    "note.tie": ("≈ 表示与相邻名次的置信区间重叠，名次差异不显著。",
                 "≈ the CI overlaps a neighbouring rank: the order is not significant."),
    "heading.hot_sites": ("分调查点的热点问题", "Hot issues by site"),
    "heading.ranking": ("最迫切需要解决的问题（排序题）", "Most urgent problems (ranking question)"),
    "note.borda": ("综合得分：第1位计{k}分……第{k}位计1分，未入选计0分，取加权平均。",
                   "Borda score: rank 1 scores {k} … rank {k} scores 1, unranked 0; weighted mean."),
    "heading.open": ("开放题：{q}", "Open question: {q}"),
    "text.open_intro": ("共有{n}名受访者填写了意见建议，经中文分词后出现频率最高的词语见下表和下图。",
                        "{n} respondents wrote an answer; the most frequent words after Chinese word segmentation "
                        "are in the table and the chart below."),
    "text.open_themes_lead": ("按主题归类，占作答者比例最高的是{themes}。",
                              "By theme, the largest shares of those answering concern {themes}."),
    "text.open_theme": ("“{name}”（{share}）", "“{name}” ({share})"),
    "heading.by_group": ("按{group}比较", "By {group}"),
    "text.priorities_intro": ("以下指标未达到目标，或低于目标但差异不显著，按“未达标优先、与目标差距从大到小”排序，"
                              "建议作为下一阶段工作重点：",
                              "These indicators miss their target, or fall short of it without a significant "
                              "difference (not met first, then by the gap to the target); they are suggested as "
                              "the next priorities:"),
    "heading.recommendations": ("分领域问题与对策建议", "Recommendations by area"),
    "heading.all_items": ("附表：全部题项结果", "Appendix table: all items"),
    "word.default_org": ("市文明办", "the civilisation office"),
    "word.report_title": ("{title}分析报告", "{title} — analytical report"),
    "word.area_weight": ("{name}{w:.0f}%", "{name} {w:.0f}%"),
    "text.high_na": ("{lst}回答“不了解/说不清”的比例超过一半：其结果只代表作出评价的少数受访者，解读时应注意。",
                     "More than half of the answers to {lst} were “don't know”: their results stand for the few who "
                     "gave a rating only."),
    "text.answer_share": ("{text}（{share}）", "{text} ({share})"),
    "word.area_weight_out": ("{name}{w:.0f}%（本期无有效评价，未计入，其余领域权重按比例放大）",
                             "{name} {w:.0f}% (no valid rating this wave: left out, the other weights scaled up)"),
    "word.pp_change": ("{v}个百分点", "{v} pp"),
    "word.index_of": ("{name}（满意度指数）", "{name} (index)"),
    # the trend chapter and the ledger (report/trend_chapter.py)
    "heading.trend": ("历次调查变化趋势", "Across all waves"),
    # the second level of a chapter's headings (report/numbering.py: number_headings); English keeps the text
    "heading.sub_no": ("（{n}）{text}", "{text}"),
    "caption.tracking": ("主要指标历次调查结果", "Indicators across all waves"),
    "word.vs_previous": ("较上期", "vs previous"),
    "word.vs_first": ("较首期", "vs first"),
    "word.linear_trend": ("线性趋势（每期）", "Trend per wave"),
    "word.trend_p": ("趋势检验p值", "Trend p"),
    # the waves the trend table's 较上期 / 较首期 columns compare (named: a reader could not tell which wave 上期 was)
    "note.vs_waves": ("较上期、较首期分别与{previous}、{first}相比。", "vs previous and vs first: against {previous} and {first}. "),
    "note.vs_waves_one": ("较上期、较首期均与{previous}相比。", "vs previous and vs first: against {previous}. "),
    "note.vs_waves_rows": ("{names}为{current}分别与{previous}、{first}相比。",
                           "{names}: {current} against {previous} and {first}. "),
    "note.vs_waves_rows_one": ("{names}为{current}与{previous}相比。", "{names}: {current} against {previous}. "),
    "note.tracking": ("比率的变化和趋势以百分点计，指数的以分计；变化按独立样本t检验；趋势为{method}；↑↓ 显著，→ 不显著。",
                      "Changes and trends of rates in percentage points, of indexes in points. Changes: independent "
                      "samples t test; trend: {method}; ↑↓ significant, → not."),
    # the trend test in plain words for the report body (the formulas and their authors: the appendix)
    "text.trend_method_plain": ("各期估计值对期次的加权线性回归（按各期估计的精度加权），并作t检验（详见附录方法说明）",
                                "a weighted linear fit of the wave estimates on the wave number (weighted by "
                                "each estimate's precision), tested with t (method notes in the appendix)"),
    "word.per_wave": ("/期", "/wave"),
    "heading.ledger": ("整改台账在办事项", "Rectification ledger"),
    "text.ledger_open": ("整改台账在办事项{open}项，{overdue}。", "{open} open item(s), {overdue}."),
    "ledger.overdue_all": ("全部逾期", "all overdue"),
    "ledger.overdue_some": ("其中逾期{overdue}项", "{overdue} overdue"),
    "ledger.overdue_none": ("无逾期事项", "none overdue"),
    # 五、整改台账 of a brief on an earlier wave: the ledger as it stood then, deadlines judged on that day
    # a test's raw and Holm-adjusted p, each named (the ledger's 问题描述 and the brief's 突出问题 alike)
    "stat.p_holm": ("{p}，Holm校正后{p_adjusted}", "{p}, Holm-adjusted {p_adjusted}"),
    # a satisfaction indicator's two measures in the brief, each on its own line with its own target and verdict
    # the verdict count of the brief, the report's 摘要 and 主要发现: a satisfaction indicator counted by its 满意率
    "brief.count_by_rate": ("（满意度类指标按满意率计）", " (satisfaction indicators by their rate)"),
    "brief.rank_open": ("名次尚不能确定", "its rank cannot be told yet"),
    "brief.rate": ("满意率{v}", "satisfied {v}"),
    "brief.index": ("指数{v}", "index {v}"),
    "brief.ledger_as_of": ("截至{date}，", "As of {date}, "),
    # a significant change of the brief's 二、主要变化 (report.brief_render.brief_rows), by its direction
    "brief.change_up": ("{name}由{previous}升至{current}（{change}，{p}）", "{name} rose from {previous} to {current} ({change}, {p})"),
    "brief.change_down": ("{name}由{previous}降至{current}（{change}，{p}）", "{name} fell from {previous} to {current} ({change}, {p})"),
    # under the brief's 二、主要变化 (report.brief.CHANGES_NOTE); alpha: analysis.thresholds.ALPHA
    "brief.changes_note": ("以上变化为逐项检验（p<{alpha:g}）的结果，未作多重比较校正；整改台账的“显著下降”事项按Holm校正后的检验立项。",
                           "The changes above are tested one by one (p < {alpha:g}), without adjustment for multiple "
                           "comparisons; the ledger's “significant decline” items are raised by Holm-adjusted tests."),
    "caption.ledger": ("整改台账在办事项", "Open ledger items"),
    "word.item_id": ("编号", "ID"),
    "word.subject": ("事项", "Issue"),
    "word.unit": ("责任单位", "Responsible unit"),
    "word.deadline": ("整改时限", "Deadline"),
    "word.status": ("状态", "Status"),
    "word.overdue": ("逾期", "overdue"),
    "word.whole_city": ("全市", "city"),
    "word.lead_unit": ("{org}（牵头）", "{org} (lead)"),
    # the 区县问题清单 (report/district_problems.py)
    "word.this_district": ("本区县", "This district"),
    "word.city": ("全市", "City"),
    "word.problem": ("问题", "Problem"),
    "word.top_hot_issues": ("热点问题前三位", "Top hot issues"),
    "word.below_target": ("低于目标", "below target"),
    "word.below_city": ("显著低于全市", "below the city"),
    # 宣传与动员效果 (report/decisions_tables.py)
    "word.channel": ("渠道", "Channel"),
    "word.share": ("比例", "Share"),
    "caption.channels": ("宣传渠道触达率：{q}", "Information channels: {q}"),
    "note.channels": ("比例为选择该渠道的受访者占回答者的比例（{base}）；* 各调查点之间差异显著（按抽样设计的卡方检验，p<{alpha:g}）。",
                      "Share of respondents reached by each channel (base: those asked, {base}); * the sites differ "
                      "significantly (design-based chi-squared test, p < {alpha:g})."),
    "caption.reasons": ("原因分析：{q}", "Reasons: {q}"),
    "note.reasons": ("比例为回答此题者（n={n}）中选择该原因的比例。", "Share of those asked (n={n}) giving each reason."),
    # {ci}: report.findings.ci_text (95%置信区间：29.4%–32.3%，n=3,914), as every other finding gives a share
    "text.recommend_share": ("对“{q}”，回答“{option}”的占{share}（{ci}）。",
                             "{share} answered “{option}” to “{q}” ({ci})."),
    "word.change_range": ("{lo}至{hi}", "{lo} to {hi}"),
    "text.nps": ("“{q}”的净推荐值为{net}（置信区间{ci}；推荐者{pro}减贬损者{det}，{definition}；n={n}）。",
                 "Net recommend score for “{q}”: {net} (95% CI {ci}; promoters {pro} minus detractors {det}; "
                 "{definition}; n={n})."),
    "text.nps_0_10": ("推荐者为9–10分，贬损者为0–6分", "promoters 9–10, detractors 0–6"),
    "text.nps_5": ("推荐者为最高一档，贬损者为最低三档", "promoters: the top option, detractors: the bottom three"),
    # the XLSX appendix (report/writers/xlsx_cells.py)
    "word.flag_of": ("{h}标注", "{h} flag"),
    "word.note_prefix": ("注：", "Note: "),
    "word.list_sep_inline": ("、", "; "),
    # appendix and chapter tables of their own modules (batteries, themes, drivers, recommendations)
    "word.question_no": ("题号", "Question"),
    "word.battery": ("量表", "Battery"),
    "word.n_items": ("题项数", "Items"),
    "word.complete_answers": ("完整作答样本", "Complete answers"),
    "word.alpha": ("Cronbach α系数", "Cronbach's α"),
    "word.alpha_best_drop": ("删除后α最高的题项", "Item whose removal raises α most"),
    "caption.alpha": ("评价量表的信度（Cronbach α）", "Reliability of the rating batteries"),
    "note.alpha": ("α = k/(k−1)·(1 − 各题方差之和/总分方差)，仅含全部题项均有有效评分的受访者；一般认为α≥0.7可接受。",
                   "α = k/(k−1)·(1 − Σ item variances / variance of the total), respondents who answered every row; "
                   "≥ 0.7 is usually read as acceptable."),
    "word.theme": ("主题", "Theme"),
    "word.n_people": ("人数", "n"),
    "word.share_answering": ("占回答者比例", "% of those answering"),
    "word.quotes": ("代表性原话", "Quotes"),
    "word.quote_sep": ("、", "; "),  # between a theme's quotes: never starts a line (“…” / “…” printed “/ “…” on one)
    # {uncoded}: note.themes_uncoded when some answers fall in no theme (the appendix then lists them), else empty
    "note.themes": ("共{n}人作答；一条回答可归入多个主题{uncoded}。原话中的个人信息已遮蔽。",
                    "{n} respondents answered; an answer can fall in several themes{uncoded}. Personal data in quotes "
                    "are masked."),
    "note.themes_uncoded": ("；未归入任何主题的{u}条回答列于附录", "; {u} answers fall in none (listed in the appendix)"),
    "word.coefficient": ("系数", "Coefficient"),
    "note.drivers": ("以总体满意度得分（0–100）为因变量、各领域得分为自变量的线性回归，标准误按抽样设计计算；n={n}。"
                     "系数表示其他领域不变时，该领域得分每提高1分总体满意度得分的变化。",
                     "Linear model of the overall score (0–100) on the area scores, design-based SEs; n = {n}. A "
                     "coefficient is the change of the overall score per point of the area score, the others held fixed."),
    "word.findings_prefix": ("问题：", "Findings: "),
    "word.recommendation_prefix": ("建议：", "Recommendation: "),
    "word.unit_prefix": ("责任单位：", "Responsible unit: "),
    # an area's findings sentence in 分领域问题与对策建议 (report/recommendations.py build_recommendations)
    "rec.index": ("{name}满意度指数为{value}分", "{name}: satisfaction index {value}"),
    "rec.weak": ("评价最低的是{lst}", "lowest items {lst}"),
    "rec.weak_item": ("“{label}”（满意率{share}）", "“{label}” ({share} satisfied)"),
    "rec.districts": ("明显低于全市的区县有{lst}", "significantly lower in {lst}"),
    "rec.district": ("{group}（{value}分）", "{group} ({value})"),
    "rec.hots": ("相关的热点问题有{lst}", "related hot issues {lst}"),
    "rec.hot": ("“{label}”（{share}）", "“{label}” ({share})"),
    "rec.part_sep": ("，", "; "),
    "rec.end": ("。", "."),
    # its third-level heading (GB/T 9704-2012 7.3.3: 一、 → （一） → 1. → （1）); English: (1)
    "rec.heading": ("{k}．{name}", "({k}) {name}"),
    # the base of the 各题统计 shares (report/question_tables.py)
    "note.base_answered": ("占比以回答该题（题项）的人数为基数。", "Shares of those who answered the question (row)."),
    "note.base_na_excluded": ("{na}以外各选项的占比以回答该题（题项）且未选{na}的人数为基数，与正文满意率口径一致；{na}的占比以全部回答人数为基数。",
                              "Shares of those who answered other than {na}, as the rates in the text; the {na} "
                              "row is a share of every answer."),
    "note.base_na_kept": ("占比以回答该题（题项）的全部人数（含{na}）为基数。",
                          "Shares of every answer to the question (row), {na} included."),
    # rankings said only as far as the rank ranges (CI overlap) support them (report/summary.py, figures.py)
    "sum.hot_ordered": ("群众最关心的热点问题依次是{lst}。", "The issues residents named most are, in order, {lst}."),
    "sum.hot_top": ("受访者选择比例最高的热点问题是{lst}", "The issues named by most respondents are {lst}"),
    "sum.hot_ties": ("，其中{pairs}之间的选择比例差异不显著", "; the shares of {pairs} do not differ significantly"),
    "sum.hot_next": ("；排在其后的{lst}与前三位中的一项差异不显著，也可能位列前三",
                     "; {lst}, next, does not differ significantly from one of them and could be among the top three"),
    "sum.pair": ("{a}与{b}", "{a} and {b}"),
    "sum.pair_sep": ("、", "; "),
    "sum.end": ("。", "."),
    "sum.districts_last": ("综合满意度指数排名靠后的区县是{lst}，全市为{city}分。",
                           "The districts ranked last on the composite index are {lst}, against {city} for the "
                           "whole city."),
    "sum.districts_lowest": ("综合满意度指数点估计最低的区县是{lst}，全市为{city}分；按置信区间，其名次与{others}"
                             "差异不显著（可能名次：{ranges}），排名仅供参考。",
                             "The districts with the lowest composite index are {lst}, against {city} for the whole "
                             "city; by their intervals their rank does not differ significantly from {others} "
                             "(possible ranks: {ranges}), so the order is only indicative."),
    # the sample against the population margins (report/representativeness.py)
    "rep.weighted": ("本报告已按{dims}的总体结构加权，加权后这些结构与总体一致。",
                     "Estimates are weighted to the population by {dims}, so their shares match the margins."),
    "rep.differs": ("样本的{dim}结构与总体差异显著（{p}）：样本中{group}占{share}%，总体约为{population}%。",
                    "The sample's {dim} differs significantly from the population ({p}): {group} are {share}% of the "
                    "sample against about {population}% of the population."),
    "rep.unweighted": ("本报告未加权，若上述群体的回答存在差异，全市估计可能有偏，解读时应予注意；建议按总体结构加权"
                       "（项目配置 minyi.yaml 的 weighting 项）。",
                       "This report is unweighted: population estimates may be biased where the groups answer "
                       "differently; read them with care, or weight the sample to the margins (minyi.yaml weighting: "
                       "{{method: rake}})."),
    "rep.same": ("样本的{dims}结构与总体无显著差异。", "The sample's {dims} do not differ significantly from the population margins."),
    # a series of survey trend as readers name it (report/trend.py TrendSeries.display)
    "series.area": ("{name}（领域指数）", "{name} (area index)"),
    "series.rate": ("{name}（满意率）", "{name} (satisfied share)"),
    "series.index": ("{name}（指数）", "{name} (index)"),
    # a 各题统计 table's caption (report/question_tables.py)
    "qt.caption": ("{caption}（{type}；有效样本{n}）", "{caption} ({type}; n = {n})"),
    # the 主要发现 sentences (report/findings.py findings); {ci}: report.findings.ci_text
    "find.rate": ("{name}为{value}（{ci}）{target}。", "{name} was {value} ({ci}){target}."),
    "find.composite": ("综合满意度指数为{value}分（{ci}）。", "The composite satisfaction index was {value} points ({ci})."),
    "find.overall": ("{name}（满意率）为{value}（{ci}）{target}。", "{name} (share satisfied) was {value} ({ci}){target}."),
    "find.targets": ("设有目标的{n}项指标中{by}，{ok}项达标，{bad}项未达标，{ns}项与目标无显著差异",
                     "Of {n} indicators with a target{by}, {ok} met it, {bad} fell significantly short and {ns} were not "
                     "significantly different from it"),
    "find.targets_held": ("，{held}", "; {held}"),
    "find.targets_furthest": ("；差距最大的是{names}。", "; furthest below: {names}."),
    "find.areas": ("各领域中，{hi}满意度指数最高（{hi_value}分，{hi_ci}），{lo}最低（{lo_value}分，{lo_ci}）。",
                   "Among the areas, {hi} had the highest satisfaction index ({hi_value} points, {hi_ci}) and {lo} the "
                   "lowest ({lo_value} points, {lo_ci})."),
    "find.worst_item": ("满意率最低的题项是“{label}”，为{value}（{ci}）{target}。",
                        "The lowest-rated item was “{label}” at {value} satisfied ({ci}){target}."),
    "find.hot": ("群众最关心的热点问题是“{label}”，{value}的受访者选择了该项（{ci}）{tie}。",
                 "The most frequently named hot issue was “{label}”, chosen by {value} of respondents ({ci}){tie}."),
    "find.hot_tie": ("，与第二位差异不显著", "; not significantly different from the second"),
    "find.change_up": ("与{prev}相比，{name}上升{diff}个百分点（{level}置信区间：{lo}至{hi}个百分点），变化显著。",
                       "Compared with {prev}, {name} rose by {diff} percentage points ({level} CI: {lo} to {hi} "
                       "points), a significant change."),
    "find.change_down": ("与{prev}相比，{name}下降{diff}个百分点（{level}置信区间：{lo}至{hi}个百分点），变化显著。",
                         "Compared with {prev}, {name} fell by {diff} percentage points ({level} CI: {lo} to {hi} "
                         "points), a significant change."),
    "find.target_above": ("，高于{t}的目标", ", above the {t} target"),
    "find.target_below": ("，低于{t}的目标", ", below the {t} target"),
    "find.target_ns": ("，与{t}的目标无显著差异", ", not significantly different from the {t} target"),
    "find.ci": ("{level}置信区间：{lo}–{hi}，n={n}", "{level} CI: {lo}–{hi}, n={n}"),
    "find.no_ci": ("n={n}，样本过少，无法计算置信区间", "n={n}, too few for a confidence interval"),
    "find.clause": ("，", ", "),  # before a clause inside a sentence (a withheld verdict)
    "sum.see": ("（见{title}）", " (see {title})"),  # a summary point's reference to its chapter
    # the 摘要's lead (report/summary.py build_summary)
    # {by}: brief.count_by_rate when a satisfaction indicator's 指数 has a verdict of its own (表 满意度指数及达标判定)
    # that the count does not include, as the brief says it
    "sum.verdict": ("设有目标的{n}项指标中{by}，{met}项达标", "Of the {n} indicators with a target{by}, {met} met it"),
    "sum.verdict_bad": ("，{k}项未达标（{names}）", "; {k} fell short: {names}"),
    "sum.verdict_ns": ("，{k}项与目标无显著差异", "; {k} were not significantly different from it"),
    "sum.verdict_held": ("，{held}", "; {held}"),
    "sum.composite": ("；综合满意度指数为{value}分", "; the composite satisfaction index was {value} points"),
    # the weakest areas and their lowest items
    "sum.areas": ("满意度最低的领域是{parts}。", "The weakest areas are {parts}."),
    "sum.areas_and": ("和", " and "),
    "sum.area": ("{name}（{value}分{small}，评价最低的是{lows}）", "{name} ({value} points{small}; lowest items {lows})"),
    "sum.small_sep": ("，", ", "),  # before sum.small_base_inline inside an area's brackets
    "sum.named_value": ("{name}（{value}）", "{name} ({value})"),  # an item or issue with its share
    "sum.group_points": ("{group}（{value}分）", "{group} ({value})"),  # a district with its composite index
    "sum.pp": ("{diff}个百分点", "{diff} pp"),
    "sum.prev_wave": ("上期", "the previous wave"),
    "sum.change": ("与{prev}相比，{parts}。", "Since {prev}: {parts}."),
    "sum.change_none": ("与{prev}相比，各项指标均无显著变化。", "No indicator changed significantly since {prev}."),
    "sum.clause_sep": ("；", "; "),
    "sum.change_rate": ("{n}项比率中{up}项显著上升、{down}项显著下降", "of {n} rates, {up} rose and {down} fell significantly"),
    "sum.change_rate_none": ("{n}项比率均无显著变化", "none of {n} rates changed significantly"),
    "sum.change_largest": ("，变化最大的是{name}（{diff}）", ", the largest change: {name} ({diff})"),
    "sum.change_index": ("{n}项指数中{up}项显著上升、{down}项显著下降", "of {n} indexes, {up} rose and {down} fell significantly"),
    "sum.change_index_none": ("{n}项指数均无显著变化", "none of {n} indexes changed significantly"),
    # districts under small_base: not placed (report.findings.too_few_to_judge)
    "sum.districts_small": ("{groups}样本过少，不作判定、不排名。", " {groups}: too few answers to judge or place."),
    "sum.group_n": ("{group}（n={n}）", "{group} (n={n})"),
    "sum.rank_range": ("{group}第{lo}–{hi}名", "{group} {lo}–{hi}"),
    "sum.small_base": ("（样本量小于{n}，仅供参考）", " (n < {n}, unreliable)"),
    "sum.small_base_inline": ("样本量小于{n}，仅供参考", "n < {n}, unreliable"),
    "fig.league_tied": ("{group}综合满意度指数最高（{value}分），与{others}差异不显著",
                        "{group} has the highest composite index ({value}), not significantly above {others}"),
    "fig.league_one": ("{group}综合满意度指数为{value}分", "{group}: composite index {value}"),
    "fig.hot_tied": ("“{label}”的选择比例最高（{share}），与{others}差异不显著",
                     "“{label}” is named most ({share}), not significantly more than {others}"),
    "fig.tied_low": ("，与{others}差异不显著", "; not significantly below {others}"),
    "fig.more": ("等{n}项", " ({n} in all)"),
    # printed Excel sheets (report/writers/xlsx_cells.py): &P page, &N pages, &A sheet name (Excel header codes)
    "xlsx.page_footer": ("&A　第 &P 页，共 &N 页", "&A  page &P of &N"),
    # hot issues by group (report/hot_issue_groups.py): a higher rate, not "raised mostly by"
    "hot.higher": ("“{label}”在不同{gw}之间差异显著（{p}），{who}的提及比例明显更高。",
                   "“{label}” differs by {gw} ({p}): named at a significantly higher rate in {who}."),
    "hot.higher_group": ("{group}（{est}，其余{gw}{rest}）", "{group} ({est} against {rest} elsewhere)"),
    # group comparison sentences (report/group_compare.py)
    "grp.diff": ("{name}（{d}个百分点{flag}）", "{name} ({d} pp{flag})"),
    "grp.lower": ("显著低于其余{g}的有{lst}", "significantly lower than the other {g}s on {lst}"),
    "grp.higher": ("显著高于其余{g}的有{lst}", "higher on {lst}"),
    "grp.part_sep": ("；", "; "),
    "grp.line": ("{group}：{parts}", "{group}: {parts}"),
    "grp.small": ("（△样本量小于{n}，仅供参考）", " (△ n < {n}: only indicative)"),
    "grp.none": ("各{g}的主要指标与其余{g}相比均无显著差异。",
                 "No {g} differs significantly from the others on any indicator."),
    "grp.none_judged": ("其余{g}的主要指标与其他{g}相比均无显著差异。",
                        "None of the other {g}s differs significantly from the rest on the main indicators."),
    "grp.one": ("本次调查的有效样本只来自一个{g}（{group}），无法进行{g}间比较。",
                "All reported answers come from one {g} ({group}): there is nothing to compare."),
    "grp.empty": ("{groups}无样本，未列出。", " No respondents in {groups}: not shown."),
    "grp.one_reported": ("只有{group}一个{g}的样本量足以报告（其余{g}样本过少），无法进行{g}间比较。",
                         "Only one {g} ({group}) has enough respondents to report: there is nothing to compare."),
    # the sample composition's note (report/chapters/sample.py): weighted only when the design weights are
    "note.sample_unweighted": ("样本占比为未加权的人数占比；总体占比来自总体边际数据。",
                               "Sample shares are unweighted (shares of respondents); population shares come from "
                               "the population margins."),
    "note.sample_weighted_only": ("样本占比为加权占比。", "Sample shares are weighted."),
    # open answers that say nothing (report/themes.py is_non_answer): out of the count and the base, said so
    "text.open_non_answers": ("另有{n}人填写“没有意见”“无”等，未计入。",
                              " Another {n} wrote only “no opinion”, “none” or the like; they are not counted."),
    "note.themes_non_answers": ("填写“没有意见”“无”等的{n}人不计入作答人数和比例的基数。",
                                " The {n} who wrote only “no opinion”, “none” or the like are not in the base."),
    # the tracking outputs (trend chapter and charts, trend.xlsx, scores, ledger, brief): report/trend*.py,
    # report/tracking_xlsx.py, report/tracking_text.py
    # the trend chapter's sentence (report.trend_chapter.TrackingChapter.summary): the waves, the test, the counts
    "trend.summary": ("纳入{first}至{last}共{k}期调查。按{basis}，{counts}。", "{k} waves from {first} to {last}. By {basis}: {counts}."),
    "trend.basis_linear": ("线性趋势检验", "the linear trend test"),
    "trend.basis_two_waves": ("两期比较", "the change between the two waves"),
    "trend.waves_key": ("期次：", "Waves: "),
    "trend.legend_sep": ("；", "; "),  # between the waves of the small multiples' key (1=…；2=…)
    "trend.legend_end": ("。", ". "),  # after the key, before the note
    "trend.multiples_note": ("误差线为95%置信区间，{target}标题中箭头为线性趋势检验结果（↑↓显著，→不显著）",
                             "error bars: 95% CI; {target}arrow: linear trend test (↑↓ significant, → not)"),
    "trend.multiples_target": ("虚线为目标值，", "dashed line: target; "),
    "trend.heat_title": ("{name}：{by}×期次", "{name}: {by} × wave"),
    # chart captions state the finding (the chart itself draws no title)
    "trend.multiples_fastest": ("{what}：{name}{dir}最明显（{slope}/期）", "{what}: {name} {dir} fastest ({slope}/wave)"),
    "trend.multiples_flat": ("{what}：各项均无显著线性趋势", "{what}: no significant linear trend in any"),
    "trend.areas_what": ("各领域满意度指数历次变化", "Satisfaction index by area across waves"),
    "trend.rates_what": ("“三率”历次变化", "Awareness, support and participation across waves"),
    "trend.heat_lowest": ("{head}，{wave}{group}最低（{value}）", "{head}; lowest in {wave}: {group} ({value})"),
    "trend.heat_tied": ("，与{others}差异不显著", ", not significantly below {others}"),
    # a heat cell without its value: no respondents that wave, or too few to show (suppressed), marked apart
    "trend.heat_mark_none": ("—", "—"),
    "trend.heat_mark_small": ("n<{n}", "n<{n}"),
    "trend.heat_key_none": ("—：该期无样本（未调查或无有效回答）", "—: no sample that wave (not surveyed or no valid answer)"),
    "trend.heat_key_small": ("n<{n}：受访者不足{n}人，不予显示", "n<{n}: fewer than {n} respondents, not shown"),
    "trend.pp": ("个百分点", " pp"),  # the unit of a rate's change (report.tracking_text.fmt_change)
    # rises and falls whose waves depart from a straight line (the trend test's lack of fit, p < alpha: analysis.thresholds.ALPHA)
    "trend.wavy_note": ("其中{names}{more}各期起伏明显、偏离直线趋势（拟合不足检验p<{alpha:g}），其升降只是各期的平均方向，"
                        "宜结合各期数值判断。",
                        " Of these, the waves of {names}{more} move up and down (lack of fit to a straight line, "
                        "p < {alpha:g}): the trend is only their average direction; read it with the values of each wave."),
    "trend.wavy_more": ("等{k}项", " and others ({k} in all)"),
    # a --by grouping of the trend as readers see it (report.trend.grouping_words); other groupings: the question
    "trend_by.district": ("区县", "district"),
    "trend_by.site": ("调查点", "site"),
    # trend.xlsx: sheet names and the 趋势 sheet's column heads ({wave} is a wave's label)
    "trend_xlsx.trend_sheet": ("趋势", "Trend"),
    "trend_xlsx.heat_sheet": ("按{by}", "By {by}"),
    "trend_xlsx.indicator": ("指标", "Indicator"),
    "trend_xlsx.measure": ("测量", "Measure"),
    "trend_xlsx.group": ("分组", "Group"),
    "trend_xlsx.wave_low": ("{wave} 下限", "{wave} low"),
    "trend_xlsx.wave_high": ("{wave} 上限", "{wave} high"),
    "trend_xlsx.wave_n": ("{wave} n", "{wave} n"),
    "trend_xlsx.vs_previous": ("较上期变化", "Change vs previous"),
    "trend_xlsx.p_previous": ("较上期p", "p (previous)"),
    "trend_xlsx.vs_first": ("较首期变化", "Change vs first"),
    "trend_xlsx.p_first": ("较首期p", "p (first)"),
    "trend_xlsx.trend": ("趋势（每期）", "Trend per wave"),
    "trend_xlsx.trend_low": ("趋势下限", "Trend low"),
    "trend_xlsx.trend_high": ("趋势上限", "Trend high"),
    "trend_xlsx.trend_p": ("趋势p", "Trend p"),
    "trend_xlsx.direction": ("趋势方向", "Direction"),
    "trend_xlsx.units": ("注：率的变化和趋势以百分点计，指数的以分计；各期置信区间截至量表范围（率为0–100%）。",
                         "Note: changes and trends of rates in percentage points, of indexes in points; each wave's "
                         "interval cut at its scale's ends (0–100% for a rate)."),
    "trend_xlsx.measure_rate": ("率", "rate"),
    "trend_xlsx.measure_index": ("指数", "index"),
    # a document's language tag (the DOCX core properties' language, the HTML report's <html lang>)
    "lang.tag": ("zh-CN", "en"),
    # report/labels.py
    # 顿号 between list items in Chinese, comma + space in English
    "sep.list": ("、", ", "),
    # report/charts.py
    "chart.pct_x": ("百分比（%），误差线为95%置信区间", "Percent; error bars: 95% confidence interval"),
    "chart.score_x": ("得分，误差线为95%置信区间", "Score; error bars: 95% confidence interval"),
    "chart.likert_x": ("百分比（%），以“一般”为中心", "Percent, centred on the neutral category"),
    "chart.target": ("目标", "target"),
    "chart.pct_y": ("百分比（%）", "Percent"),
    "chart.focus": ("重点改进区：重要性高、表现低", "Focus area: high importance, low performance"),
    "chart.ipa_x": ("重要性（与总体满意度的相关系数）", "Importance (correlation with overall satisfaction)"),
    "chart.ipa_y": ("满意度指数", "Satisfaction index"),
    "chart.count_x": ("出现次数", "Occurrences"),
    "chart.share_x": ("占比（%）", "Share (%)"),
    "chart.population": ("总体占比", "population share"),
    "chart.below": ("未达标", "not met"),
    "chart.met": ("达标", "met"),
    "chart.ns": ("无显著差异", "no significant difference"),
    # report/chapters/priorities.py
    "text.analyst_placeholder": ("（此处留给分析人员补充研判意见和具体对策。）",
                                 "(Space for the analyst's own assessment and recommendations.)"),
    # report/chapters/titles.py
    "chapter.1": ("一、调查概况", "1. Survey overview"),
    "chapter.2": ("二、样本构成", "2. Sample composition"),
    "chapter.3": ("三、主要发现", "3. Key findings"),
    "chapter.4": ("四、“三率”与满意度", "4. Awareness, support, participation and satisfaction"),
    "chapter.5": ("五、热点问题", "5. Hot issues"),
    "chapter.6": ("六、群体与区县比较", "6. Groups and districts"),
    "chapter.7": ("七、变化", "7. Change"),
    "chapter.8": ("八、重点与对策建议", "8. Priorities and recommendations"),
    "chapter.9": ("九、附录", "9. Appendix"),
    "chapter_sheet.1": ("1调查概况", "1 Overview"),
    "chapter_sheet.2": ("2样本构成", "2 Sample"),
    "chapter_sheet.3": ("3主要发现", "3 Findings"),
    "chapter_sheet.4": ("4三率与满意度", "4 Indicators"),
    "chapter_sheet.5": ("5热点问题", "5 Hot issues"),
    "chapter_sheet.6": ("6群体与区县比较", "6 Groups"),
    "chapter_sheet.7": ("7变化", "7 Change"),
    "chapter_sheet.8": ("8重点与对策建议", "8 Priorities"),
    "chapter_sheet.9": ("9附录", "9 Appendix"),
    # the 摘要's sheet, before the chapters', named as they are
    "summary.sheet": ("0摘要", "0 Summary"),
    # report/summary.py
    "summary.title": ("摘要", "Summary"),
    # report/decisions.py
    "heading.decisions": ("宣传与动员效果", "Reach and mobilisation"),
    # report/district_problems.py
    "heading.district_problems": ("区县问题清单", "District problem list"),
    "note.district_problems": ("低于目标：区县置信区间上限低于目标；显著低于全市：按抽样设计检验该区县与全市其余区县之差，差异显著（p<{alpha:g}）且该区县较低。整改时限由责任单位填写。",
                               "Below target: the district's interval lies below the target; below the city: the design-based test of the difference between the district and all other districts together is significant (p < {alpha:g}) and the district is lower. The deadline is filled in by the responsible unit."),
    # report/drivers_table.py
    "caption.drivers": ("总体满意度的影响因素（各领域得分的回归系数）", "Drivers of overall satisfaction (regression on area scores)"),
    # report/group_compare.py
    "word.not_asked": ("未调查", "not asked"),
    "note.group_compare": ("* 与其余{g}相比差异显著（按抽样设计检验两者之差，p<{alpha:g}）；△ 样本量小于{sb}，仅供参考，不作显著性判定；— 样本量小于{mc}，不予报告。",
                           "* differs significantly from the other {g}s (design-based test of the difference, p < {alpha:g}); △ n < {sb}, unreliable, not tested; — n < {mc}, suppressed."),
    "note.group_not_asked": ("未调查：该{g}未设此题。", " Not asked: the question was not put to this {g}."),
    "method.group_compare": ("群体比较：每个群体与其余群体合并后的估计之差，按抽样设计计算线性化标准误，t 检验自由度为设计自由度减1（R svyttest；多题项指标为 svycontrast）；p<{alpha:g} 标注*，未作多重比较校正。单题指标另以 Rao–Scott 二阶校正 F 检验（R svychisq）判断各群体是否整体存在差异。",
                             "Group comparisons: each group's estimate minus that of all other groups together, with a linearised design-based SE and t on the design degrees of freedom minus 1 (R svyttest; svycontrast for indicators of several items); * marks p < {alpha:g}, without adjustment for multiple comparisons. For single-question indicators the Rao–Scott second-order F test (R svychisq) says whether the groups differ at all."),
    # report/hot_issue_groups.py
    "note.hot_ci": ("选择人数比例的置信区间采用精确（Beta 分布）区间，比例很小或为0时也不会低于0%或高于100%；提及次数占比的置信区间截断于0%–100%。",
                    "Intervals of the shares of respondents are exact (beta-distribution) intervals, which stay within 0–100% even for very small shares or none; intervals of the shares of mentions are cut to 0–100%."),
    "heading.hot_groups": ("热点问题的群体差异", "Who raises which hot issue"),
    "method.hot_issues": ("热点问题选择比例的置信区间：Korn–Graubard (1998) 区间（R svyciprop(method=\"beta\")），比例为0或100%时取设计效应为1的 Clopper–Pearson 区间；“哪些群体提及比例更高”依据选择与否×群体的 Rao–Scott F 检验（p<{alpha:g}）及各群体与其余群体之差的设计 t 检验。",
                          "Hot-issue shares: Korn–Graubard (1998) intervals (R svyciprop(method=\"beta\")); at 0 or 100% the Clopper–Pearson interval with the design effect taken as 1. “Named at a higher rate by” rests on the Rao–Scott F test of chosen × group (p < {alpha:g}) and the design-based t test of each group against the rest."),
    # report/indicator_definitions.py
    "text.what_counts": ("计入比率的选项：", "What counts: "),
    # report/method_text.py
    # What older analysis results (no ``variance`` in ``meta.design``) were computed with.
    "method_old.variance": ("标准误采用泰勒线性化方法，按初级抽样单元与分层计算，与 R 语言 survey 包（Lumley）一致",
                            "Standard errors by Taylor linearisation over strata and primary sampling units, as R's survey package (Lumley)"),
    "method_old.se_method": ("泰勒线性化法", "Taylor linearisation"),
    "method_old.df_rule": ("初级抽样单元数减层数", "PSUs − strata"),
    # a degrees-of-freedom override (meta.df) in place of the design's df rule, and said after its variance sentence
    "method.df_given": ("{df}（本次分析指定）", "{df} (given for this analysis)"),
    "method.df_given_variance": ("；本次分析另行指定自由度为 {df}", "; this analysis uses {df} degrees of freedom instead"),
    # The appendix method notes, one text per language; fields filled by ``report.render._method_notes``.
    "method_note.1": ("比率 p̂ = Σwᵢyᵢ / Σwᵢ（yᵢ 为是否选择正向选项，分母为有效回答）；满意度指数为有效回答得分的加权平均（非常满意100、满意80、一般60、不满意40、非常不满意20）；满意率为“非常满意”与“满意”之和的比例。",
                      "Rate p̂ = Σwᵢyᵢ / Σwᵢ over valid answers (yᵢ = 1 for the positive options); satisfaction index = weighted mean score (very satisfied 100, satisfied 80, neutral 60, dissatisfied 40, very dissatisfied 20); share satisfied = very satisfied + satisfied."),
    "method_note.2": ("{variance}；子总体（如各区县）估计保留全部样本、仅将子总体外权重置零。",
                      "{variance}; domain estimates keep all rows and zero the weights outside the domain."),
    "method_note.3": ("领域满意度指数为该领域各题项指数的平均，综合指数按各领域权重加权（{weights}），其标准误由各题项影响函数合并计算，已考虑题项间相关。",
                      "Area index = mean of its item indexes; composite index weighted by area ({weights}); its SE combines the items' influence functions, so correlation between items is accounted for."),
    "method_note.4": ("置信区间：{ci}；临界值采用自由度为“{df_rule}”的 t 分布。达标判定：置信区间整体高于目标为达标，整体低于目标为未达标，包含目标为无显著差异。",
                      "Confidence intervals: {ci}; critical values from t with {df_rule} degrees of freedom. Verdict: met = CI entirely above the target; not met = entirely below; otherwise no significant difference."),
    "method_note.5": ("抽样设计与加权：{design}。样本量小于{small_base}的群体标注△，仅供参考；小于{min_cell}的不予报告。",
                      "Design: {design}. Groups with n < {small_base} are marked △ (unreliable); groups with n < {min_cell} are suppressed."),
    "method_note.6": ("期间变化：差值 ± t·√(se₁² + se₀²)（两期为独立样本），t 分布自由度按 Welch–Satterthwaite 公式 (v₁ + v₀)² / (v₁²/df₁ + v₀²/df₀) 计算；区间不含0时以↑/↓标示显著变化。",
                      "Change between waves: difference ± t·√(se₁² + se₀²) (independent samples), t with the Welch–Satterthwaite degrees of freedom (v₁ + v₀)² / (v₁²/df₁ + v₀²/df₀); ↑/↓ when the interval excludes 0."),
    "method_note.7": ("历次调查的线性趋势：{trend}。", "Linear trend across waves: {trend}."),
    "method_note.8": ("软件：minyi {minyi}（numpy {numpy}，pandas {pandas}，scipy {scipy}）；报告生成时间 {generated}。",
                      "Software: minyi {minyi} (numpy {numpy}, pandas {pandas}, scipy {scipy}); generated {generated}."),
    # after the confidence-interval note when an interval of the report was cut (report.suppression.clip_to_scale)
    "method.clipped": ("少数置信区间（多为小样本）按t分布计算时超出量表范围（比率0–100%，满意度指数不超出选项分值范围），报告中超出的部分已截断至量表端点；分析数据（survey analyze --json）保留原值。",
                       "A few confidence intervals (mostly on small bases) computed from t reach beyond the scale (rates 0–100%, indexes the range of the option scores); the report cuts them at the scale's ends; the analysis data (survey analyze --json) keeps the raw bounds."),
    # 一、调查概况: the introduction and the 调查基本情况 rows (report/overview_text.py intro_and_overview)
    "ov.intro": ("为全面了解干部群众对创建全国文明城市工作的知晓、支持和参与情况，以及对城市管理和公共服务的满意程度，掌握群众最"
                 "关心的热点问题，{org}组织开展了本次问卷调查。",
                 "This survey, conducted by {org}, measures awareness of, support for and participation in the civilised-"
                 "city campaign, satisfaction with city management and public services, and the issues residents care "
                 "about most. "),
    "ov.fielding": ("调查于{start}至{end}进行，", "Fieldwork ran from {start} to {end} "),
    "ov.sites": ("调查点覆盖{sites}{n}类单位，", "at {n} kinds of site ({sites}); "),
    "ov.site_one": ("调查点为{site}，", "at one kind of site ({site}); "),
    "ov.sample": ("采用问卷调查方式，共获得有效样本{n}份。", "{n} valid questionnaires."),
    "ov.questionnaire": ("问卷", "Questionnaire"),
    "ov.questionnaire_value": ("{title}（版本 {version}）", "{title} (version {version})"),
    "ov.wave": ("调查期次", "Wave"),
    "ov.compared": ("（对比期：{wave}）", " (compared with {wave})"),
    "ov.fieldwork": ("调查时间", "Fieldwork"),
    "ov.fieldwork_value": ("{start}至{end}", "{start} – {end}"),
    "ov.sites_head": ("调查点", "Sites"),
    "ov.method": ("调查方式", "Method"),
    "ov.method_value": ("问卷调查", "Questionnaire survey"),
    "ov.valid_sample": ("有效样本量", "Valid sample"),
    "ov.design": ("抽样设计与加权", "Design and weighting"),
    "ov.ci": ("置信区间方法", "Confidence intervals"),
    "ov.ci_value": ("{ci}，置信水平{level}；标准误按{se}计算", "{ci}, {level} level; SEs by {se}"),
    "ov.moe": ("抽样误差", "Margin of error"),
    "ov.moe_value": ("在{level}置信水平下，全样本比率的最大抽样误差（比率为50%时）约为±{moe}个百分点",
                     "at most ±{moe} percentage points for a share (p = 0.5, {level} level, n = {n})"),
    # the options an indicator's rate counts (report/indicator_definitions.py definitions_note)
    "defs.part": ("{names}为{options}", "{names}: {options}"),
    "defs.option_sep": ("", " or "),
    "defs.part_sep": ("；", "; "),
    "defs.end": ("。", "."),
    # a satisfaction indicator's measure after its name in the rectification ledger's table (report/trend_chapter.py)
    "ledger_measure.rate": ("", " (share satisfied)"),
    "ledger_measure.index": ("", " (index)"),
    # report/representativeness.py
    "rep_dim.site": ("调查点", "site"),
    "rep_dim.district": ("区县", "district"),
    "rep_dim.gender": ("性别", "gender"),
    "rep_dim.age": ("年龄", "age"),
    "rep_dim.education": ("文化程度", "education"),
    # report/table_cells.py: the flag column's names of a cell's flags, and between them
    "sep.flags": ("；", "; "),
    "cell_flag.suppressed": ("样本过少，不予报告", "suppressed (too few)"),
    "cell_flag.small_base": ("△ 样本量较小，仅供参考", "△ small base, unreliable"),
    "cell_flag.sig": ("* 与其余群体差异显著", "* differs from the other groups"),
    "cell_flag.not_asked": ("未调查（该群体未设此题）", "not asked in this group"),
    "cell_flag.up": ("↑ 显著上升", "↑ significant rise"),
    "cell_flag.down": ("↓ 显著下降", "↓ significant fall"),
    "cell_flag.same": ("→ 无显著变化", "→ no significant change"),
    # a true value in a table cell (report.table_cells.format_value; a false one is left empty)
    "cell.yes": ("是", "Yes"),
    # report/themes.py
    "caption.themes": ("开放题意见主题", "Themes of the open answers"),
    "heading.uncoded": ("未归入主题的开放题回答", "Open answers in no theme"),
    # report/toc.py
    "heading.toc": ("目录", "Contents"),
    "text.toc_update_hint": ("（目录将在打开文档时更新；如未显示，请右键点击此处选择“更新域”。）",
                             "(The table of contents is updated when the document is opened; if not, right-click here and choose Update Field.)"),
    # report/question_tables.py
    "qtype.single": ("单选", "single choice"),
    "qtype.yesno": ("是否", "yes/no"),
    "qtype.scale": ("量表", "scale"),
    "qtype.matrix": ("矩阵量表", "rating matrix"),
    "qtype.multiple": ("多选", "multiple choice"),
    "qtype.ranking": ("排序", "ranking"),
    "qtype.number": ("数值", "number"),
    "qtype.text": ("开放题", "open answer"),
    "heading.questions": ("各题统计", "Every question"),
    # the 各题统计 tables' column heads and notes (the CI bounds, n and valid n: word.*)
    "qt.row": ("题项", "Row"),
    "qt.answer": ("选项", "Answer"),
    "qt.option": ("选项", "Option"),
    "qt.share": ("占比", "%"),
    "qt.pct_respondents": ("占答题人数", "% of respondents"),
    "qt.pct_mentions": ("占选择次数", "% of mentions"),
    "qt.note_multiple": ("多选题：占答题人数之和可超过100%；占选择次数之和为100%。",
                         "Multiple choice: % of respondents may add up to more than 100%; % of mentions adds up to 100%."),
    "qt.n_first": ("排第一人数", "n ranked first"),
    "qt.pct_first": ("排第一占比", "% ranked first"),
    # a ranking question whose number of places k the result does not give (note.borda when it does)
    "qt.note_ranking": ("综合得分：排第1位记k分（k为需排出的名次数）、第2位记k−1分……未入选计0分，取加权平均。",
                        "Borda score: rank 1 scores k (the number of places to rank), rank 2 k − 1, …, unranked 0; "
                        "weighted mean."),
    "qt.mean": ("均值", "Mean"),
    "qt.answers": ("有效回答", "Answers"),
    "qt.note_text": ("回答内容的分析见开放题部分。", "The answers are analysed in the open-answer section."),
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


def column_shown(column, header=None, sheet_column=None, lang: str = "zh", hint: bool = True) -> str:
    """A column of an imported file as the user's file shows it: ``列 C「2、您的性别」`` (a workbook: its letter and
    header; ``column C “2、您的性别”`` in English), ``「2、您的性别」`` (a text file), with minyi's own name of it
    after it when that differs and ``hint`` (``（Q2）``); a column without a known header (minyi's native layout,
    whose headers are the ids) by its name: ``Q2``."""
    if not header:
        return label("column.native", lang).format(column=column)
    text = (label("column.sheet", lang).format(letters=sheet_column, header=header) if sheet_column
            else label("column.file", lang).format(header=header))
    if hint and column and str(column) != str(header):
        text += label("column.id_hint", lang).format(column=column)
    return text


def line_start(text: str) -> str:
    """``text`` as it stands at the start of a line or a table cell: its first letter a capital.

    Rule (English grammar): the default office "the civilisation office" reads right inside a sentence
    ("conducted by the civilisation office") but was printed lower-case alone on the cover and as the
    first word of a cell ("the civilisation office (lead)").  Chinese text is unchanged."""
    return text[:1].upper() + text[1:]
