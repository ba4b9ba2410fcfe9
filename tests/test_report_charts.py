"""Charts: no crash on NaN confidence bounds (a design where a stratum/PSU gives NaN variance),
nor on a group whose bounds are all NaN; the verdict legend names every verdict drawn and clears the title."""

from __future__ import annotations

import io
import warnings

from PIL import Image

from report import charts as C

NAN = float("nan")


def _ok(chart):
    im = Image.open(io.BytesIO(chart.png))
    assert im.size[0] > 200 and im.size[1] > 100


def test_bar_ci_nan_bounds():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        _ok(C.bar_ci("a", "t", ["x", "y", "z"], [0.5, 0.6, NAN], [NAN, 0.5, NAN], [NAN, 0.7, NAN],
                     targets=[0.8, NAN, 0.6]))
        _ok(C.bar_ci("b", "t", ["x", "y"], [0.5, 0.6], [NAN, NAN], [NAN, NAN]))


def test_panels_ci_all_nan_panel_first():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        _ok(C.panels_ci("p", "t", {"B": (["x", "y"], [0.5, 0.6], [NAN, NAN], [NAN, NAN]),
                                   "A": (["x", "y"], [0.5, NAN], [NAN, 0.5], [NAN, 0.7])}))


def test_trend_nan_bounds_and_estimate():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        _ok(C.trend("t", "t", ["W1", "W2"], {"a": ([0.5, 0.6], [NAN, 0.5], [NAN, 0.7]),
                                             "b": ([0.4, NAN], [NAN, NAN], [NAN, NAN])}))


def test_verdict_legend_names_every_class_drawn_and_clears_title():
    for lang, names in (("zh", {"达标": "达标", "无显著差异": "无显著差异", "未达标": "未达标"}),
                        ("en", {"达标": "met", "无显著差异": "no significant difference", "未达标": "not met"})):
        verdicts = ["达标", "无显著差异", "未达标", "达标", None]
        ch = C.bar_ci("r", "一个相当长的图表标题，说明三项指标未达目标而某项最低" if lang == "zh" else
                      "A rather long chart title saying that three indicators are below their targets",
                      list("abcde"), [0.9, 0.8, 0.6, 0.95, 0.7], [0.88, 0.75, 0.55, 0.93, 0.65],
                      [0.92, 0.85, 0.65, 0.97, 0.75], targets=[0.85, 0.8, 0.8, 0.9, None], verdicts=verdicts, lang=lang)
        assert set(ch.legend) >= set(names.values()), ch.legend
        assert not ch.title_overlaps_legend
        ch = C.bar_ci("r", "t", list("ab"), [0.9, 0.8], [0.88, 0.75], [0.92, 0.85], verdicts=["达标", "达标"],
                      lang=lang)
        assert names["达标"] in ch.legend and names["未达标"] not in ch.legend


# ----------------------------------------------------------------------------- printed size, titles
def _result(lang):
    """A result with every chart of the report: the bundled questionnaire (in ``lang``), simulated answers."""
    from report.pipeline import analyze
    from survey.qload import bundled_path, load_questionnaire
    from survey.simulate import simulate
    from survey.translation import localized

    q = load_questionnaire(bundled_path())
    frame = simulate(q, 800, 5)
    return analyze(localized(q, lang), frame, by=["site", "district"], wave="W1")


def test_no_text_below_8pt_when_printed_and_no_title_in_the_image(tmp_path):
    from report.render import likert_charts, make_charts

    for lang in ("zh", "en"):
        res = _result(lang)
        charts = [c for c in make_charts(res, tmp_path / lang, lang=lang).values() if c is not None]
        charts += likert_charts(res, {}, tmp_path / lang, lang=lang)
        assert len(charts) >= 12
        for c in charts:
            assert c.printed_min_font_pt >= C.MIN_PRINTED_PT - 1e-9, (lang, c.name, c.min_font_pt, c.saved_width_in)
            assert not c.title_overlaps_legend, (lang, c.name)
            assert not c.title_in_image, (lang, c.name)  # the caption carries the finding, once


def test_printed_font_check_can_fail():
    """A label that cannot fit 15 cm at 8 pt is caught (the check is not vacuous)."""
    import matplotlib.pyplot as plt

    C._style()  # as every chart function does (alone, this test must not rely on an earlier chart's style)
    fig, ax = plt.subplots(figsize=(14, 3))
    ax.barh([0, 1], [1, 2])
    ax.set_yticks([0, 1])
    ax.set_yticklabels(["a" * 200, "b"], fontsize=8)
    ax.set_title("t")
    ch = C._save(fig, "x", "t", None)
    assert ch.printed_min_font_pt < C.MIN_PRINTED_PT and ch.title_in_image


def _ipa(lang):
    from report.pipeline import analyze
    from survey.qload import bundled_path, load_questionnaire
    from survey.simulate import simulate
    from survey.translation import localized

    q = load_questionnaire(bundled_path())
    res = analyze(localized(q, lang) if lang == "en" else q, simulate(q, 1200, seed=7), by=[])
    return [o for o in res["ipa"] if o.get("importance") is not None and o.get("performance") is not None]


def test_ipa_labels_every_point_without_overlap():
    """The IPA of the bundled questionnaire (94 rated items) in zh and en: every point has its label (issues
    10 and 11: "the IPA chart labels every point legibly"), no two label boxes (renderer extents) overlap,
    none leaves the axes or covers the focus note, and no text is below 8 pt at the printed size."""
    for lang in ("zh", "en"):
        ipa = _ipa(lang)
        assert len(ipa) > 50
        ch = C.quadrant("ipa", "t", [o["label"] for o in ipa], [o["importance"] for o in ipa],
                        [o["performance"] for o in ipa], lang=lang)
        pl = ch.point_labels
        assert pl["n"] == len(ipa) and sorted(pl["texts"]) == sorted(o["label"] for o in ipa)
        assert pl["pairs"] == [] and pl["outside"] == [] and pl["over_keep_out"] == [], (lang, pl)
        assert ch.printed_min_font_pt >= C.MIN_PRINTED_PT


def test_label_overlap_check_can_fail():
    import matplotlib.pyplot as plt

    from report.point_labels import label_overlaps

    fig, ax = plt.subplots()
    for i, (x, lab) in enumerate(((0.5, "一个标签"), (0.51, "另一个标签"), (1.5, "outside"))):
        t = ax.text(x, 0.5, lab)
        t.point_label = i
    ax.set_xlim(0, 1)
    note = ax.text(0.5, 0.5, "note")
    note.keep_out_label = True
    got = label_overlaps(fig)
    plt.close(fig)
    assert got["pairs"] == [("一个标签", "另一个标签")] and got["outside"] == ["outside"]
    assert set(got["over_keep_out"]) == {"一个标签", "另一个标签"}


def test_likert_batteries_of_a_dozen_items_print_two_per_page_at_full_size():
    """Rows as tall as their labels: a battery of up to 12 one-line items prints under 115 mm at 15 cm
    wide, so two charts share an A4 text block (225 mm) with their captions, and no text is scaled
    below 8 pt to get there (the print CSS never shrinks them)."""
    import numpy as np

    rng = np.random.default_rng(3)
    cats = ["非常满意", "比较满意", "一般", "不太满意", "很不满意"]
    for k in (4, 8, 12):
        shares = rng.dirichlet(np.ones(5), size=k)
        ch = C.likert_diverging(f"likert_{k}", "t", [f"公共服务事项{i}" for i in range(k)], shares, cats)
        assert ch.printed_min_font_pt >= C.MIN_PRINTED_PT, k
        assert ch.printed_height_mm <= 115, (k, ch.printed_height_mm)
    # English labels that wrap get taller rows: still legible, longer chart
    long = [f"Satisfaction with public service number {i} in the neighbourhood" for i in range(12)]
    ch = C.likert_diverging("likert_en", "t", long, rng.dirichlet(np.ones(5), size=12),
                            ["Very satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very dissatisfied"], lang="en")
    assert ch.printed_min_font_pt >= C.MIN_PRINTED_PT and ch.printed_height_mm > 115


def test_free_spot_equals_the_ring_search_over_boxes():
    """The free-spot search (each ring's candidates at once) finds the spot that testing candidate after
    candidate with matplotlib's Bbox.overlaps finds, among random taken boxes (some given upside down)."""
    import numpy as np
    import matplotlib.pyplot as plt
    from matplotlib.transforms import Bbox

    from report.point_labels import PAD_PX, _free_spot

    def reference(t, p, r, ax_box, taken, rings=80):
        b = t.get_window_extent(r)
        w, h = b.width + 2 * PAD_PX, b.height + 2 * PAD_PX
        step = max(4.0, h / 2)
        for ring in range(1, rings + 1):
            rad = ring * step
            n = max(8, int(2 * np.pi * rad / step))
            for a in np.linspace(0, 2 * np.pi, n, endpoint=False):
                cx, cy = p[0] + rad * np.cos(a), p[1] + rad * np.sin(a)
                x0 = cx if np.cos(a) >= 0 else cx - w
                y0 = cy if np.sin(a) >= 0 else cy - h
                cand = Bbox.from_extents(x0, y0, x0 + w, y0 + h)
                inside = (cand.x0 >= ax_box.x0 and cand.x1 <= ax_box.x1 and cand.y0 >= ax_box.y0
                          and cand.y1 <= ax_box.y1)
                if inside and not any(cand.overlaps(o) for o in taken):
                    return (x0 + PAD_PX, y0 + PAD_PX)
        return None

    rng = np.random.default_rng(7)
    fig, ax = plt.subplots()
    t = ax.text(0.5, 0.5, "服务窗口办事效率")
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    ax_box = ax.get_window_extent(r)
    found = 0
    for trial in range(40):
        k = int(rng.integers(0, 60))
        x0 = rng.uniform(ax_box.x0, ax_box.x1, k)
        y0 = rng.uniform(ax_box.y0, ax_box.y1, k)
        wh = rng.uniform(5, 120, (k, 2))
        taken = [Bbox.from_extents(a, b, a + c, b + d) if j % 5 else Bbox.from_extents(a + c, b + d, a, b)
                 for j, (a, b, (c, d)) in enumerate(zip(x0, y0, wh))]
        p = (float(rng.uniform(ax_box.x0, ax_box.x1)), float(rng.uniform(ax_box.y0, ax_box.y1)))
        rings = int(rng.choice([3, 14, 80]))
        want = reference(t, p, r, ax_box, taken, rings)
        got = _free_spot(t, p, r, ax_box, taken, rings)
        assert (got is None) == (want is None), trial
        if want is not None:
            found += 1
            assert np.allclose(got, want, rtol=0, atol=1e-9), trial
    plt.close(fig)
    assert 5 < found < 40  # both outcomes occur


def test_adjusttext_shifts_equal_the_library_functions():
    """The label repulsion that adjustText 1.4 computes with an |a|·|b| pair comparison, recomputed by
    integer keys (report/point_labels.py): the same shifts as the library's own two functions, on
    random label boxes (many overlapping, some identical) and point boxes; and the same rows as the
    library's expression for the pair intersection, in the same order."""
    import numpy as np

    import adjustText
    from report import point_labels as P

    P.use_indexed_overlaps()
    assert adjustText.__version__ == P.ADJUSTTEXT_VERSION  # else the shortcut is off and this tests nothing
    lib_texts, lib_extra = P.LIBRARY_SHIFTS["texts"], P.LIBRARY_SHIFTS["extra"]
    assert adjustText.get_shifts_texts is P._shifts_texts and lib_texts is not P._shifts_texts
    rng = np.random.default_rng(11)
    hits = 0
    for trial in range(60):
        n, m = int(rng.integers(1, 120)), int(rng.integers(1, 120))
        x0, y0 = rng.uniform(0, 400, n), rng.uniform(0, 300, n)
        coords = np.column_stack([x0, x0 + rng.uniform(5, 90, n), y0, y0 + rng.uniform(4, 14, n)])
        coords[n // 2:n // 2 + 2] = coords[0]  # identical boxes
        px, py = rng.uniform(0, 400, m), rng.uniform(0, 300, m)
        extra = np.column_stack([px - 3, px + 3, py - 3, py + 3])
        for got, want in ((P._shifts_texts(coords), lib_texts(coords)),
                          (P._shifts_extra(coords, extra), lib_extra(coords, extra))):
            assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1]), trial
            hits += bool(np.any(want[0]))
        a = rng.integers(0, n, (int(rng.integers(0, 300)), 2))
        b = np.concatenate([a[rng.random(len(a)) < 0.4], rng.integers(0, n, (int(rng.integers(0, 300)), 2))])
        assert np.array_equal(P.pairs_in(a, b, n), a[(a[:, None] == b).all(-1).any(-1)]), trial
    assert hits > 60  # overlaps occurred: the shifts compared are not all zero
