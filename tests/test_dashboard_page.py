"""The layout checks the browser tests apply (tests/dashboard_page.py), on boxes made by hand."""

from tests.dashboard_page import layout_problems

CANVAS = [0, 0, 400, 300]


def text(label, box, *, chart="c", source="canvas", clip=CANVAS, scrolls=(False, False), ellipsis=False):
    return {"chart": chart, "text": label, "box": box, "source": source, "clip": clip, "scrolls": list(scrolls),
            "ellipsis": ellipsis}  # fmt: skip


def test_a_clean_chart_has_no_problem():
    assert layout_problems([text("Payments", [10, 10, 80, 22]), text("Search", [10, 30, 60, 42])]) == []


def test_a_label_past_its_canvas_is_cut():
    # "latform Experience": the label starts 12 px left of the canvas.
    assert layout_problems([text("Platform Experience", [-12, 280, 120, 292])]) == [
        "c: 'Platform Experience' is cut on the left"
    ]
    assert layout_problems([text("Search Integrations", [330, 100, 410, 112])]) == [
        "c: 'Search Integrations' is cut on the right"
    ]


def test_an_ellipsis_is_a_cut_and_rows_below_a_scrolling_table_are_not():
    cell = [10, 500, 90, 512]  # below the table's visible box, which scrolls vertically
    assert layout_problems([text("Developer Platform", cell, source="dom", scrolls=(False, True))]) == []
    assert layout_problems([text("Developer Platform", cell, source="dom", scrolls=(True, False))]) == [
        "c: 'Developer Platform' is cut at the bottom"
    ]
    assert layout_problems([text("Why it m…", [10, 10, 50, 22], source="dom", ellipsis=True)]) == [
        "c: 'Why it m…' is cut with an ellipsis"
    ]


def test_overlapping_labels_of_one_chart_are_named_and_a_text_drawn_twice_is_one():
    identity = text("Identity Insights", [100, 50, 190, 62])
    merchant = text("Merchant Tools", [180, 52, 260, 64])  # 10 px into Identity Insights
    stroke = text("Merchant Tools", [180.4, 52, 260.4, 64])  # the same label's stroke under its fill
    other_chart = text("Merchant Tools", [180, 52, 260, 64], chart="d")
    assert layout_problems([identity, merchant, stroke, other_chart]) == [
        "c: 'Identity Insights' overlaps 'Merchant Tools'",
        "c: 'Identity Insights' overlaps 'Merchant Tools'",
    ]
    touching = text("Payments", [190, 50, 250, 62])  # starts where Identity Insights ends
    assert layout_problems([identity, touching]) == []
