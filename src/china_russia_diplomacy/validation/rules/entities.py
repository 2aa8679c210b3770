"""Entities and claims a second, expert reviewer would refuse: rows with unique keys that are still the
same real thing twice, or that say something incoherent.

Each rule states what it refuses and, where one exists, its exception. All are computed over whole
columns (merges, group-bys, ``isin``); only the offending rows become findings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..report import Finding
from ._vector import finding_at, frame, located, lookup, text
from .base import Tables, isin

# Roles one participant cannot hold in the same event at once (who visits is not who hosts, ...).
CONFLICTING_ROLES = (("visitor", "host"), ("inviter", "invitee"), ("proposer", "rejecter"))


def normalised(s: pd.Series) -> pd.Series:
    """A name for comparison: NFKC, case-folded, full stops dropped (``U.S.`` = ``US``), spaces collapsed."""
    return (text(s).str.normalize("NFKC").str.casefold().str.replace(".", "", regex=False)
            .str.replace(r"\s+", " ", regex=True).str.strip())


def duplicate_participants(t: Tables) -> list[Finding]:
    """``duplicate-participant``: two participants share a name or alias (after normalisation): one real
    entity recorded twice, or an alias given to the wrong entity. Unnamed participants (empty name and
    aliases) are described by their title and are not compared."""
    p = frame(t, "participants", "participant_id", "name", "aliases")
    if p is None:
        return []
    names = pd.DataFrame({"row": np.arange(len(p)), "column": "name", "form": normalised(p["name"]).values})
    alias = text(p["aliases"]).str.split(";")
    aliases = pd.DataFrame({"row": np.arange(len(p)), "form": alias.values}).explode("form")
    aliases = aliases.assign(column="aliases", form=normalised(aliases["form"]).values)
    forms = pd.concat([names, aliases], ignore_index=True)
    forms = forms[forms["form"].notna() & (forms["form"] != "")].drop_duplicates(["row", "form"])
    first = forms.groupby("form")["row"].transform("min")
    clash = forms[forms["row"] != first].assign(first=first[forms["row"] != first]).drop_duplicates("row")
    ids, out = text(p["participant_id"]), []
    for row, column, form, first_row in clash[["row", "column", "form", "first"]].itertuples(index=False):
        out.append(finding_at(t, "participants", int(row), column, p[column].iloc[int(row)], "duplicate-participant",
                      f"{ids.iloc[int(row)]} and {ids.iloc[int(first_row)]} (line {t.line('participants', int(first_row))}) "
                      f"both go by {form!r}: the same entity twice, or an alias on the wrong participant"))
    return out


def _joined(pairs: pd.DataFrame) -> pd.Series:
    """``pairs.groupby("e")["p"].agg(";".join)`` (participants of each event, in the pairs' order) with
    Arrow's grouped list and join kernels: the Python join per group took most of a million-row
    validation's rule time."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = pa.table({"e": pa.array(pairs["e"].array), "p": pa.array(pairs["p"].array)})
    grouped = table.group_by("e", use_threads=False).aggregate([("p", "list")])  # single-threaded: row order kept
    joined = pc.binary_join(grouped.column("p_list"), pa.scalar(";", grouped.schema.field("p_list").type.value_type))
    return pd.Series(joined.to_pylist(), index=pd.Index(grouped.column("e").to_pylist(), dtype="string"), dtype="string")


def duplicate_events(t: Tables) -> list[Finding]:
    """``duplicate-event``: two events with the same type, dates, location, primary evidence and
    participants are one event recorded twice (several events may share a sentence, but then they
    differ in type, place, date or who took part)."""
    ev = frame(t, "events", "event_id", "event_type", "date_start", "date_end", "location_name", "location_country",
               "source_id", "evidence_start", "evidence_end")
    if ev is None:
        return []
    key = ev[["event_type", "date_start", "date_end", "location_name", "location_country", "source_id",
              "evidence_start", "evidence_end"]].astype("string")
    ep = frame(t, "event_participants", "event_id", "participant_id")
    if ep is not None:
        pairs = pd.DataFrame({"e": text(ep["event_id"]), "p": text(ep["participant_id"])}).drop_duplicates().sort_values(["e", "p"])
        key["participants"] = lookup(text(ev["event_id"]), _joined(pairs)).fillna("").values
    key = key.fillna("\x00")
    dup = key.duplicated(keep="first").to_numpy()
    if not dup.any():
        return []
    first_of = key.groupby(list(key.columns), sort=False, dropna=False).ngroup()
    first_row = pd.Series(np.arange(len(ev))).groupby(first_of.values).transform("min")
    ids = text(ev["event_id"])
    return located(t, "events", dup, "event_id", "duplicate-event",
                   lambda i: (f"same type, dates, location, primary evidence and participants as {ids.iloc[first_row.iloc[i]]} "
                              f"(line {t.line('events', int(first_row.iloc[i]))}): one event recorded twice"))


def agreement_parties(t: Tables) -> list[Finding]:
    """``duplicate-party``: an agreement lists the same participant twice among its parties."""
    a = frame(t, "agreements", "parties")
    if a is None:
        return []
    parts = pd.DataFrame({"row": np.arange(len(a)), "p": text(a["parties"]).str.split(";").values}).explode("p")
    parts = parts[parts["p"].notna() & (parts["p"] != "")]
    twice = parts[parts.duplicated(["row", "p"])].drop_duplicates("row")
    mask = np.zeros(len(a), dtype=bool)
    mask[twice["row"].to_numpy(dtype=int)] = True
    party = dict(zip(twice["row"], twice["p"]))
    return located(t, "agreements", mask, "parties", "duplicate-party",
                   lambda i: f"{party[i]} is listed twice among the parties")


def quote_relays(t: Tables) -> list[Finding]:
    """``via-is-speaker``: the intermediary relaying a quote is someone other than its speaker."""
    q = frame(t, "quotes", "speaker_id", "via_id")
    if q is None:
        return []
    bad = text(q["via_id"]) == text(q["speaker_id"])
    return located(t, "quotes", bad, "via_id", "via-is-speaker",
                   "via_id names the speaker itself: via is the intermediary that relays the words (an agency, a channel)")


def discrepancy_claims(t: Tables) -> list[Finding]:
    """A discrepancy records two different claims from two different places:
    ``discrepancy-same-value`` (value and other_value equal after normalisation),
    ``discrepancy-same-evidence`` (both claims are the same span of the same article),
    ``discrepancy-mention`` (a mention_id/other_mention_id must be a mention of record_id in the same source), and
    ``discrepancy-source-order`` (the two claims come from two different articles, the first claim from the
    lower ``src-`` ID: one row per pair of sources, each pair in one order)."""
    d = frame(t, "discrepancies", "value", "other_value", "source_id", "other_source_id", "evidence_start",
              "evidence_end", "other_evidence_start", "other_evidence_end", "record_table", "record_id",
              "mention_id", "other_mention_id")
    if d is None:
        return []
    out = located(t, "discrepancies", normalised(d["value"]) == normalised(d["other_value"]), "other_value",
                  "discrepancy-same-value", "other_value says the same as value: no disagreement to record")
    same = ((text(d["source_id"]) == text(d["other_source_id"])) & (d["evidence_start"] == d["other_evidence_start"])
            & (d["evidence_end"] == d["other_evidence_end"]))
    out += located(t, "discrepancies", same, "other_evidence", "discrepancy-same-evidence",
                   "both claims are the same span of the same article: a discrepancy needs two statements")
    first, second = source_number(d["source_id"]), source_number(d["other_source_id"])
    order = (first.notna() & second.notna() & (first >= second)).fillna(False)
    out += located(t, "discrepancies", order, "other_source_id", "discrepancy-source-order",
                   lambda i: (f"other_source_id {d['other_source_id'].iloc[i]} "
                              + ("is source_id itself: a discrepancy is between two articles"
                                 if first.iloc[i] == second.iloc[i] else
                                 f"comes before source_id {d['source_id'].iloc[i]}: the first claim is the lower src- ID's")))
    men = frame(t, "event_mentions", "mention_id", "event_id", "source_id")
    if men is None:
        return out
    m = men[["mention_id", "event_id", "source_id"]]  # the columns used: filtering copies what it keeps
    m = m[m["mention_id"].notna()].drop_duplicates("mention_id")
    m_event = pd.Series(text(m["event_id"]).values, index=text(m["mention_id"]).values)
    m_source = pd.Series(text(m["source_id"]).values, index=text(m["mention_id"]).values)
    for col, src_col in (("mention_id", "source_id"), ("other_mention_id", "other_source_id")):
        mid = text(d[col])
        ev_of, src_of = lookup(mid, m_event), lookup(mid, m_source)
        known = mid.notna() & ev_of.notna()
        bad = known & ((text(d["record_table"]) != "events") | (ev_of != text(d["record_id"])) | (src_of != text(d[src_col])))
        out += located(t, "discrepancies", bad, col, "discrepancy-mention",
                       lambda i, mid=mid, ev_of=ev_of, src_of=src_of, src_col=src_col: (
                           f"{mid.iloc[i]} is a mention of {ev_of.iloc[i]} in {src_of.iloc[i]}, but the discrepancy is about "
                           f"{d['record_table'].iloc[i]} {d['record_id'].iloc[i]} in {d[src_col].iloc[i]}"))
    return out


def source_number(s: pd.Series) -> pd.Series:
    """The number of a ``src-NNNN`` ID (four or more digits, compared as numbers), NA for anything else."""
    return pd.to_numeric(text(s).str.extract(r"^src-([0-9]+)$", expand=False), errors="coerce")


def about_descendants(t: Tables) -> list[Finding]:
    """``about-descendant``: an event is not about one of its own parts (about_event_id naming a child,
    grandchild...). Being about its parent is fine: a statement during a visit about that visit."""
    ev = frame(t, "events", "event_id", "parent_event_id", "about_event_id")
    if ev is None:
        return []
    ids = text(ev["event_id"])
    parent = pd.Series(text(ev["parent_event_id"]).values, index=ids.values)
    parent = parent[~parent.index.duplicated()]
    node = text(ev["about_event_id"])
    bad = pd.Series(False, index=ev.index)
    for _ in range(len(ev)):  # walk up from the about event; parent cycles are reported by parent-cycle
        node = lookup(node, parent)
        if node.isna().all():
            break
        bad |= (node == ids).fillna(False)
    return located(t, "events", bad, "about_event_id", "about-descendant",
                   "the event is about one of its own parts (about_event_id is its child or a deeper descendant)")


def count_plausible(t: Tables) -> list[Finding]:
    """``count-low``: count_low is the smallest number count_text allows, so it is at most one more than
    the largest number written in digits in count_text (``over 20`` gives 21). Text without digits is
    not checked (``several``, ``two dozen``)."""
    a = frame(t, "agreements", "count_text", "count_low")
    if a is None:
        return []
    nums = text(a["count_text"]).str.replace(",", "", regex=False).str.extractall(r"([0-9]+)")[0].astype("int64")
    largest = nums.groupby(level=0).max().reindex(range(len(a)))
    largest.index = a.index
    bad = a["count_low"].notna() & largest.notna() & (a["count_low"].astype("Float64") > largest + 1)
    return located(t, "agreements", bad, "count_low", "count-low",
                   lambda i: f"count_low {a['count_low'].iloc[i]} is more than count_text {a['count_text'].iloc[i]!r} allows")


def role_conflicts(t: Tables) -> list[Finding]:
    """``role-conflict``: one participant does not hold both roles of a pair in the same event
    (visitor and host, inviter and invitee, proposer and rejecter)."""
    ep = frame(t, "event_participants", "event_id", "participant_id", "role")
    if ep is None:
        return []
    key = text(ep["event_id"]) + "|" + text(ep["participant_id"])
    role = text(ep["role"])
    bad = pd.Series(False, index=ep.index)
    other = pd.Series(pd.NA, index=ep.index, dtype="string")
    for a, b in CONFLICTING_ROLES:
        with_a = set(key[role == a].dropna())
        hit = (role == b) & key.isin(with_a)
        bad |= hit.fillna(False)
        other = other.mask(hit.fillna(False), a)
    return located(t, "event_participants", bad, "role", "role-conflict",
                   lambda i: f"the participant is also {other.iloc[i]!r} of this event: one cannot be both")


def status_of_latest_source(t: Tables) -> list[Finding]:
    """``status-latest-source``: an event's status is the one its latest article gives it, so it equals
    the reported_status of a mention from the latest-dated article reporting it. Exception: undated
    articles do not count as latest; when every article is undated, any mention's status will do."""
    ev = frame(t, "events", "event_id", "status")
    men = frame(t, "event_mentions", "event_id", "source_id", "reported_status")
    src = frame(t, "sources", "source_id", "published_date")
    if ev is None or men is None or src is None:
        return []
    s = src[src["source_id"].notna()].drop_duplicates("source_id")
    pub = lookup(text(men["source_id"]), pd.Series(s["published_date"].values, index=text(s["source_id"]).values))
    eid = text(men["event_id"])
    latest = pd.Series(pub.values, index=eid.values).groupby(level=0).max()
    m_latest = lookup(eid, latest)
    counts = (pub == m_latest).fillna(False) | m_latest.isna()
    allowed = (eid[counts] + "|" + text(men["reported_status"])[counts]).dropna()
    ids = text(ev["event_id"])
    # Arrow's membership kernel on the columns, not Python sets of every mention's strings
    bad = pd.Series(isin(ids, eid) & ~isin(ids + "|" + text(ev["status"]), allowed), index=ev.index)

    def message(i):
        given = sorted(set(text(men["reported_status"])[(eid == ids.iloc[i]).fillna(False) & counts].dropna()))
        when = latest.get(ids.iloc[i])
        return (f"status {ev['status'].iloc[i]!r} is not what the latest article reporting the event "
                f"({'published ' + str(when.date()) if pd.notna(when) else 'all undated'}) gives: {', '.join(given)}")

    return located(t, "events", bad, "status", "status-latest-source", message)


# The rules, in the order the codebook lists them with their docstrings.
DOCUMENTED = (duplicate_participants, duplicate_events, agreement_parties, quote_relays, discrepancy_claims,
              about_descendants, count_plausible, role_conflicts, status_of_latest_source)


def entities(t: Tables) -> list[Finding]:
    return (duplicate_participants(t) + duplicate_events(t) + agreement_parties(t) + quote_relays(t)
            + discrepancy_claims(t) + about_descendants(t) + count_plausible(t) + role_conflicts(t)
            + status_of_latest_source(t))
