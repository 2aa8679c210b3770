"""core/replace.AllOrNothing: the one rollback build's install and the folder exports share (it was two
copies of the same loop). A failure part-way must leave every target as it was: replaced files back,
removed files back, new files gone."""

from __future__ import annotations

import os

import pytest

from china_russia_diplomacy.core.replace import AllOrNothing


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_an_error_part_way_restores_replaced_removed_and_new_files(tmp_path):
    target, staging = tmp_path / "target", tmp_path / "staging"
    (target / "sub").mkdir(parents=True)
    (target / "a.txt").write_bytes(b"old a")
    (target / "sub" / "gone.txt").write_bytes(b"stale")
    staging.mkdir()
    (staging / "a.txt").write_bytes(b"new a")
    (staging / "b.txt").write_bytes(b"new b")
    before = _files(target)
    with pytest.raises(KeyboardInterrupt):
        with AllOrNothing(staging / ".backup") as swap:
            swap.replace(staging / "a.txt", target / "a.txt")
            swap.replace(staging / "b.txt", target / "sub" / "new" / "b.txt")
            swap.remove(target / "sub" / "gone.txt")
            assert _files(target) == {"a.txt": b"new a", "sub/new/b.txt": b"new b"}
            raise KeyboardInterrupt
    assert _files(target) == before


def test_a_completed_swap_keeps_the_new_files_and_the_target_never_disappears(tmp_path):
    target, new = tmp_path / "t.txt", tmp_path / "n.txt"
    target.write_bytes(b"old")
    new.write_bytes(b"new")
    inode = target.stat().st_ino
    with AllOrNothing(tmp_path / "backup") as swap:
        swap.replace(new, target)
        kept = list((tmp_path / "backup").iterdir())
    assert target.read_bytes() == b"new" and not new.exists()
    # the old file was kept by a hard link, not moved away: a reader saw a file at every moment
    assert [p.stat().st_ino for p in kept] == [inode]


def test_a_replacement_that_fails_names_the_users_file_and_restores_the_earlier_ones(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "a").write_bytes(b"old a")
    (tmp_path / "a").write_bytes(b"new a")
    with pytest.raises(OSError) as err:
        with AllOrNothing(tmp_path / "backup") as swap:
            swap.replace(tmp_path / "a", target / "a")
            swap.replace(tmp_path / "missing", target / "b")  # the staged file is not there
    assert str(target / "b") in str(err.value)
    assert (target / "a").read_bytes() == b"old a" and not (target / "b").exists()


def test_a_symlinked_target_is_replaced_itself_never_written_through(tmp_path):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_bytes(b"not ours")
    link = tmp_path / "link.txt"
    os.symlink(elsewhere, link)
    (tmp_path / "new").write_bytes(b"new")
    with AllOrNothing(tmp_path / "backup") as swap:
        swap.replace(tmp_path / "new", link)
    assert not link.is_symlink() and link.read_bytes() == b"new" and elsewhere.read_bytes() == b"not ours"
