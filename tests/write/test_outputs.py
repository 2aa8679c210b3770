"""build/outputs.py: how generators hand files over (written into staging as made, hashed while written)."""

from __future__ import annotations

import hashlib

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from china_russia_diplomacy.build.outputs import CHUNK, MemoryOutputs, StagedOutputs


def test_a_file_written_in_chunks_is_on_disk_with_the_digest_of_its_bytes(tmp_path):
    """Regression guard for the descriptor and croissant.json: they record the digest taken while writing,
    which must be the SHA-256 and size of the bytes that end up in the file, across buffer boundaries."""
    out = StagedOutputs(tmp_path)
    chunks = [b"a" * (CHUNK - 1), b"bc", b"", b"d" * (2 * CHUNK + 5)]
    digest = out.write("site/page.html", iter(chunks))
    data = (tmp_path / "site" / "page.html").read_bytes()
    assert data == b"".join(chunks)
    assert (digest.size, digest.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert out["site/page.html"] == data and list(out) == ["site/page.html"]


def test_parquet_written_through_open_is_byte_identical_to_writing_it_in_memory(tmp_path):
    import io

    table = pa.table({"a": list(range(50_000)), "b": [str(i) for i in range(50_000)]})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    for out in (StagedOutputs(tmp_path), MemoryOutputs()):
        with out.open("data/t.parquet") as fh:
            pq.write_table(table, fh)
        assert out["data/t.parquet"] == buffer.getvalue()
        assert out.digest("data/t.parquet").sha256 == hashlib.sha256(buffer.getvalue()).hexdigest()


def test_a_generator_that_fails_mid_file_leaves_no_half_written_output(tmp_path):
    out = StagedOutputs(tmp_path)

    def pieces():
        yield b"<html>"
        raise RuntimeError("template bug")

    with pytest.raises(RuntimeError, match="template bug"):
        out.write("site/index.html", pieces())
    assert not (tmp_path / "site" / "index.html").exists()
    assert "site/index.html" not in out


def test_two_generators_writing_the_same_file_is_refused_not_silently_overwritten(tmp_path):
    out = StagedOutputs(tmp_path)
    out.write("README.md", b"one")
    with pytest.raises(ValueError, match="generated twice"):
        out.write("README.md", b"two")
    assert (tmp_path / "README.md").read_bytes() == b"one"


@pytest.mark.parametrize("relpath", ["/etc/passwd", "../outside.txt", "site/../../x", "C:/x", ""])
def test_a_generated_path_outside_the_package_is_refused(tmp_path, relpath):
    with pytest.raises(ValueError, match="relative path inside the package"):
        StagedOutputs(tmp_path / "staging").write(relpath, b"x")
    assert not (tmp_path / "outside.txt").exists()


def test_unchanged_check_compares_size_and_hash_with_the_file_in_place(tmp_path):
    out = MemoryOutputs()
    out.write("a.txt", b"same")
    (tmp_path / "a.txt").write_bytes(b"same")
    assert out.same_as("a.txt", tmp_path / "a.txt")
    (tmp_path / "a.txt").write_bytes(b"sane")  # same size, other bytes
    assert not out.same_as("a.txt", tmp_path / "a.txt")
    assert not out.same_as("a.txt", tmp_path / "missing.txt")
