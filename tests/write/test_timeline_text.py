"""Curated text reaches the timeline renderer as plain text (issue 26): no title, ID or event type can
make matplotlib parse markup (mathtext ``$...$``, TeX) or raise while drawing."""

from __future__ import annotations

import datetime as dt
import warnings

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("matplotlib")

from china_russia_diplomacy.build.generate.timeline import per_event  # noqa: E402
from china_russia_diplomacy.build.generate.timeline.canvas import PNG_PATH, SVG_PATH  # noqa: E402

D = dt.date
STATUSES = ["occurred", "planned", "expected", "proposed"]
MARKUP = ["$10^ billion ... $2 billion", "$x^$", "$$", "\\frac{a}{b}", "a_b^c{d}", "<script>alert(1)</script>", "&amp; &lt;",
          "\u0645\u0631\u062d\u0628\u0627 \u202eRTL\u202c", "\t", "x\ny", "\x00\x07\x1b", "\U0001f600", "%s %(x)s {0}", "\\$\\", "$"]
# Every text column the renderer draws: the label (ID and title) and the lane name (event type).
text = st.sampled_from(MARKUP) | st.text(st.characters(blacklist_categories=("Cs",)), max_size=60) \
    | st.lists(st.sampled_from(MARKUP + ["$", "^", "_", "{", "}", "\\", " "]), max_size=12).map("".join)


def _events(rows) -> pa.Table:
    cols = list(zip(*rows))
    return pa.table({"event_id": cols[0], "event_type": cols[1], "title": cols[2], "status": cols[3],
                     "date_start": pa.array(cols[4], pa.date32()), "date_end": pa.array(cols[5], pa.date32())})


def _render(rows, order):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Glyph ... missing from font": drawn as a box, which is fine
        out = per_event.render(per_event.layout(_events(rows), order), "1.0.0")
    assert out[SVG_PATH].startswith(b"<?xml") and out[PNG_PATH].startswith(b"\x89PNG")


def test_a_title_with_two_dollar_signs_is_drawn_not_parsed_as_mathtext():
    """Regression: '$10^ billion ... $2 billion' made build die in a mathtext ParseException."""
    _render([("evt-0001", "visit", "$10^ billion ... $2 billion", "occurred", D(2025, 5, 7), D(2025, 5, 10)),
             ("evt-0002", "talks", "$x^$", "planned", None, None)], ["visit", "talks"])


@settings(max_examples=15, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(titles=st.lists(text, min_size=1, max_size=3), ids=st.lists(text, min_size=3, max_size=3),
       types=st.lists(text, min_size=1, max_size=2), status=st.sampled_from(STATUSES), dated=st.booleans())
def test_any_unicode_in_every_drawn_text_column_renders(titles, ids, types, status, dated):
    rows = []
    for i, title in enumerate(titles):
        start = D(2020 + i, 3, 1) if dated or i else None
        rows.append((f"evt-{i:04d} {ids[i]}", types[i % len(types)], title, status, start, start and start + dt.timedelta(days=i)))
    _render(rows, types[:1])
