"""Is one Table Schema ``pattern`` looser than another? Decided, not guessed, for ``diff``/``check-version``.

A changed pattern used to count as a tightening (a major bump) because a change "cannot be proven looser".
For the regular expressions a Table Schema uses (classes, repetition, alternation; implicitly anchored, as
frictionless matches them) it can: ``old`` is no stricter than ``new`` exactly when the language of ``old``
minus the language of ``new`` is empty. `greenery <https://github.com/qntm/greenery>`_ turns both into
finite-state machines and answers that. A pattern it cannot parse (look-arounds, back-references) is
reported as undecided, and the caller keeps the cautious answer.
"""

from __future__ import annotations


def _literal_dashes(pattern: str) -> str:
    """Escape a ``-`` that stands first or last in a character class (``[._-]``): a literal dash to
    Python's ``re`` (which frictionless and pandera use) that greenery's parser does not accept."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if c != "[":
            out.append(c)
            i += 1
            continue
        j = i + 1
        if j < n and pattern[j] == "^":
            j += 1
        if j < n and pattern[j] == "]":  # a leading ']' is literal
            j += 1
        k = j
        while k < n and pattern[k] != "]":
            k += 2 if pattern[k] == "\\" else 1
        body = pattern[j:k]
        if body.startswith("-"):
            body = "\\-" + body[1:]
        if body.endswith("-") and not body.endswith("\\-"):
            body = body[:-1] + "\\-"
        out.append(pattern[i:j] + body + pattern[k:k + 1])
        i = k + 1
    return "".join(out)


def pattern_loosened(old: str, new: str) -> bool | None:
    """True if every string matching ``old`` also matches ``new`` (the change loosens or keeps the
    constraint), False if some string matching ``old`` is refused by ``new``, None if undecidable here."""
    try:
        from greenery import parse
    except ImportError:  # pragma: no cover - greenery is a dependency; stay cautious without it
        return None
    try:
        old_fsm, new_fsm = parse(_literal_dashes(old)).to_fsm(), parse(_literal_dashes(new)).to_fsm()
        return (old_fsm - new_fsm).empty()
    except Exception:  # greenery raises its own parse errors for syntax it does not model
        return None


__all__ = ["pattern_loosened"]
