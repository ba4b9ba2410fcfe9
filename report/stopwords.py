"""Chinese stopwords for the open-answer word frequencies (a small curated list, committed here).

Two parts: function words (pronouns, particles, conjunctions, adverbs, measure words — the common
core of the widely used 哈工大/百度/川大 stopword lists), and the generic words of suggestion-box
answers (希望, 建议, 加强, 提高, 政府, 问题, ...) that say *that* a resident wants something
done but not *what* — with the generic heads of noun phrases (机构, 服务, 质量, 周边, 网点: 托育机构 and
养老机构 made 机构 the top word, 物业服务 and 养老服务 made 服务 the third, while the substantive words are
托育, 养老, 物业).  What remains are the substantive words (停车, 垃圾, 噪音, 绿化, ...).
"""

from __future__ import annotations

_FUNCTION = """
的 了 和 是 在 有 也 就 都 而 及 与 或 并 且 但 却 则 若 如 因 为 被 把 给 让 使 对 向 从 自 往 于 以 之 其 此 这 那 哪
我 你 他 她 它 我们 你们 他们 她们 它们 咱们 大家 自己 人家 别人 本人 有人 谁 什么 怎么 怎样 如何 为什么 哪些 哪里 那里 这里
这些 那些 这个 那个 这样 那样 这么 那么 这种 那种 一个 一些 一下 一点 一点儿 一切 一样 一般 一直 一定 一起 一边 一方面
不 没 没有 别 未 无 非 很 太 更 最 挺 较 比较 相当 十分 非常 特别 尤其 极 越 越来越 又 再 还 还是 仍 仍然 已 已经 曾
将 将要 会 能 能够 可 可以 可能 应 应该 应当 要 需 需要 得 必须 务必 想 愿意 肯定 或者 还有 以及 而且 并且 不但 不仅
虽然 但是 可是 然而 因为 所以 因此 由于 如果 假如 即使 只要 只有 除了 无论 不管 既然 于是 然后 同时 另外 此外 总之
例如 比如 等 等等 之类 方面 情况 时候 地方 东西 事情 啊 呀 吧 吗 呢 嘛 哦 哈 嗯 哎 呵 么 着 过 地 得 所 个 些 把 次
上 下 里 中 内 外 前 后 多 少 大 小 好 坏 到 去 来 做 干 搞 弄 说 看 让 叫 用 通过 根据 按照 关于 对于 至于 针对 进行
能否 是否 是不是 有没有 及时 真正 真的 其实 确实 实在 的确 还要 再次 多多 经常 常常 时常 总是 一再 尽量 尽快
目前 现在 当前 今后 以后 以前 之前 之后 平时 有些 有的 很多 许多 不少 所有 各种 各个 各位 每个 每 各 某 某些
"""

_GENERIC = """
希望 建议 意见 问题 加强 提高 增加 整治 改善 改进 完善 加大 加快 提升 进一步 继续 坚持 落实 解决 处理 注意 重视 关注
关心 管理 治理 工作 力度 措施 政府 部门 有关部门 相关部门 领导 市民 群众 老百姓 百姓 居民 大家 城市 我市 本市 市里
社区 小区 文明 创建 创文 文明城市 方面 情况 现象 更加 更好 好好 多多 能够 做好 搞好 抓好 改变 规范 严格 严厉 及时
一些 没有 有效 有关 相关 情况 工作 保持 推进 开展 发展 建设 水平 满意 不满意 感觉 觉得 认为 希望能
尽快 尽早 更多 太多 不够 不好 很好 可以 需要 应该 没有 其他 其它 暂无 无 没 没什么 没有意见 无意见 暂时 没有了 不知道 说不清 听取 降低 减少 优化 增强 深入 真正 落实到
机构 服务 质量 方式 程度 环节 体系 机制 周边 网点 单位 人员 条件 水平 力量 作用 效果
"""

STOPWORDS: frozenset = frozenset(w for w in (_FUNCTION + _GENERIC).split() if w)
