"""The nine chapter titles of the report and their XLSX sheet names (zh / en), in document order."""

from __future__ import annotations

SECTIONS = {"zh": ["一、调查概况", "二、样本构成", "三、主要发现", "四、“三率”与满意度", "五、热点问题",
                   "六、群体与区县比较", "七、变化", "八、重点与对策建议", "九、附录"],
            "en": ["1. Survey overview", "2. Sample composition", "3. Key findings", "4. Awareness, support, "
                   "participation and satisfaction", "5. Hot issues", "6. Groups and districts", "7. Change",
                   "8. Priorities and recommendations", "9. Appendix"]}
SHEETS = {"zh": ["1调查概况", "2样本构成", "3主要发现", "4三率与满意度", "5热点问题", "6群体与区县比较", "7变化",
                 "8重点与对策建议", "9附录"],
          "en": ["1 Overview", "2 Sample", "3 Findings", "4 Indicators", "5 Hot issues", "6 Groups", "7 Change",
                 "8 Priorities", "9 Appendix"]}
SUMMARY_SHEET = {"zh": "0摘要", "en": "0 Summary"}  # the 摘要's sheet, before the chapters', named as they are
