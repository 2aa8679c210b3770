"""Line patches round-trip exactly for any text, and refuse the wrong base or a changed result."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from china_russia_diplomacy.build.generate.history import make_patch
from china_russia_diplomacy.core.line_patch import PatchError, apply_patch

lines = st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12), max_size=30)


@settings(max_examples=200, deadline=None)
@given(lines, lines)
def test_any_patch_rebuilds_its_target_byte_for_byte(old, new):
    base, target = "\n".join(old).encode(), "\n".join(new).encode()
    assert apply_patch(base, make_patch(base, target)) == target


@given(lines)
def test_a_patch_from_nothing_creates_the_file(new):
    target = "\n".join(new).encode()
    assert apply_patch(None, make_patch(None, target)) == target


def test_a_patch_refuses_another_base():
    patch = make_patch(b"a\nb\n", b"a\nc\n")
    with pytest.raises(PatchError, match="applies to a file with SHA-256"):
        apply_patch(b"a\nB\n", patch)


def test_a_tampered_patch_is_refused_by_the_target_hash():
    patch = make_patch(b"a\nb\n", b"a\nc\n")
    patch["ops"] = [["=", 0, 1], ["+", ["x", ""]]]
    with pytest.raises(PatchError, match="refused"):
        apply_patch(b"a\nb\n", patch)


def test_an_unknown_operation_is_refused_by_name_and_the_refusal_exits_1():
    """The CLI exits 1 for a refused patch (a bad file, not a usage error: 2), naming the operation."""
    from china_russia_diplomacy.core.errors import CRDError

    patch = make_patch(b"a\nb\n", b"a\nc\n")
    patch["ops"] = [["=", 0, 1], ["~", ["c"]]]
    with pytest.raises(PatchError, match=r"history/1\.0\.0\.json: unknown patch operation '~'") as err:
        apply_patch(b"a\nb\n", patch, "history/1.0.0.json")
    assert isinstance(err.value, CRDError) and isinstance(err.value, ValueError) and err.value.exit_code == 1


@pytest.mark.parametrize("ops", [[["=", 0]], [["+"]], [["=", "a", 1]], [[]]])
def test_a_malformed_operation_is_a_patch_error_not_a_crash(ops):
    patch = make_patch(b"a\nb\n", b"a\nc\n")
    patch["ops"] = ops
    with pytest.raises(PatchError, match="malformed history patch|refused"):
        apply_patch(b"a\nb\n", patch)


def test_a_patch_from_nothing_refuses_an_existing_base_and_a_patch_of_a_file_refuses_none():
    with pytest.raises(PatchError, match="applies to a file with SHA-256 None"):
        apply_patch(b"x", make_patch(None, b"x"))
    with pytest.raises(PatchError, match="this one has None"):
        apply_patch(None, make_patch(b"x", b"y"))
