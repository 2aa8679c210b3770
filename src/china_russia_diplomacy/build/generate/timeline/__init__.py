"""The timeline figure, ``docs/timeline.svg`` and ``docs/timeline.png``: every event of ``events`` on a
broken time axis. One row per event (:mod:`.per_event`) up to :data:`.canvas.ROW_CAP` events; beyond,
one density lane per event type (:mod:`.density`). Both draw with the pieces in :mod:`.canvas`.
"""

from __future__ import annotations

from . import density, per_event
from .canvas import ROW_CAP


def generate(ctx) -> dict[str, bytes]:
    """Build generator: the timeline of the ``events`` table, as SVG and PNG: one row per event up to
    :data:`ROW_CAP` events, density lanes beyond."""
    type_order = ctx.meta.table("events").field("event_type").enum or []
    events = ctx.tables["events"]
    if events.num_rows > ROW_CAP:
        return density.render(density.layout(events, type_order), ctx.meta.version)
    return per_event.render(per_event.layout(events, type_order), ctx.meta.version)
