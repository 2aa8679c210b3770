"""Rehearse publishing a registered version, offline, exactly as the release workflow would do it.

RELEASING.md, step 11. For VERSION (default: the newest entry of releases.json):

1. **The archive**: rebuilt from its registered commit by that commit's own code
   (``scripts/rebuild_release.py``), refused unless it is byte for byte the registered one.
2. **The Python distributions**: ``python -m build`` on an export of the registered commit (``git archive``:
   no working-tree state), the sdist first and the wheel *from the sdist*, then ``twine check --strict``.
3. **A package index**: a pypiserver on 127.0.0.1 (started here, no fallback to pypi.org) receives both
   with ``twine upload``; a fresh virtual environment installs ``china-russia-diplomacy==VERSION`` by name
   from it alone (its dependencies first from this machine's usual configuration), and, outside any
   checkout and with the network blocked, loads a table, verifies the installed files and cites.
4. **Zenodo**: the deposit command (``python -m china_russia_diplomacy.publish.zenodo deposit``) against a
   local stand-in of Zenodo's API (``tests/zenodo_standin.py``), run with the registered commit's own code
   and metadata; the first upload's connection is cut (the command continues from the server's state),
   and the command is then run again, as a re-run of the job would: one published version, holding
   exactly the archive's bytes.

Prints one line per step and exits 1 at the first failure. Nothing is written to the checkout.

    python scripts/rehearse_release.py            # the newest registered version
    python scripts/rehearse_release.py 1.3.0 --keep /tmp/rehearsal
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))


class Failed(Exception):
    pass


def _run(cmd: list[str], *, cwd: Path | None = None, env: dict | None = None, timeout: float = 1800) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise Failed(f"{' '.join(cmd[:4])} ... exited {proc.returncode}:\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}")
    return proc.stdout


def step(title: str):
    def wrap(fn):
        def run(*args, **kwargs):
            start = time.monotonic()
            print(f"{title} ...", flush=True)
            result = fn(*args, **kwargs)
            print(f"  ok ({time.monotonic() - start:.0f} s): {result}", flush=True)
            return result
        return run
    return wrap


@step("1. the archive, rebuilt from its registered commit")
def rebuild_archive(version: str, out: Path) -> str:
    _run([sys.executable, str(REPO / "scripts" / "rebuild_release.py"), version, "--out", str(out)], cwd=REPO)
    [archive] = out.glob(f"*-{version}.zip")
    return f"{archive.name} matches releases.json"


@step("2. sdist, then the wheel from the sdist; twine check --strict")
def build_distributions(commit: str, work: Path) -> str:
    tree = work / "tree"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", commit], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    dist = work / "pydist"
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(tree)], timeout=900)
    files = sorted(str(p) for p in dist.iterdir())
    if len(files) != 2:
        raise Failed(f"expected an sdist and a wheel, got {files}")
    checked = _run([sys.executable, "-m", "twine", "check", "--strict", *files])
    if checked.count("PASSED") != 2:
        raise Failed(checked)
    return ", ".join(Path(f).name for f in files)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "CRD_", "PYTHON", "VIRTUAL_ENV")) and k != "PATH"}
    env["PATH"] = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                                  if not os.environ.get("VIRTUAL_ENV") or not p.startswith(os.environ["VIRTUAL_ENV"]))
    env.update(extra)
    return env


@step("3. uploaded to a local index, installed by name into a fresh environment, loaded offline")
def local_index(version: str, work: Path) -> str:
    root = work / "index"
    root.mkdir()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "pypiserver", "run", "--host", "127.0.0.1", "--port", str(port),
                               "--authenticate", ".", "--passwords", ".", "--disable-fallback", str(root)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/simple/", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise Failed(f"pypiserver did not start: {server.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.3)
        dist = sorted(str(p) for p in (work / "pydist").iterdir())
        _run([sys.executable, "-m", "twine", "upload", "--non-interactive", "--repository-url", f"{url}/",
              "-u", "rehearsal", "-p", "rehearsal", *dist])
        env_dir = work / "venv"
        venv.create(env_dir, with_pip=True)
        py = str(env_dir / "bin" / "python")
        pip = [py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        [wheel] = (work / "pydist").glob("*.whl")
        _run([*pip, str(wheel)], cwd=work, env=_clean_env(), timeout=1800)  # the dependencies, as usual
        _run([py, "-m", "pip", "uninstall", "--yes", "--quiet", "china-russia-diplomacy"], env=_clean_env())
        _run([*pip, "--no-cache-dir", f"china-russia-diplomacy=={version}"], cwd=work,
             env=_clean_env(PIP_CONFIG_FILE=os.devnull, PIP_INDEX_URL=f"{url}/simple/"), timeout=900)
    finally:
        server.terminate()
        server.wait(timeout=30)
    script = ("import json, china_russia_diplomacy as crd; e = crd.load('events'); "
              "print(json.dumps({'version': crd.__version__, 'events': len(e), 'file': crd.__file__, "
              "'problems': crd.verify(), 'cite': crd.cite()}))")
    offline = _clean_env(http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9", HOME=str(work / "home"))
    got = json.loads(_run([py, "-c", script], cwd=work, env=offline).strip().splitlines()[-1])
    if got["version"] != version or got["events"] <= 0 or got["problems"] or str(env_dir) not in got["file"]:
        raise Failed(f"the installed package is not {version} as published: {got}")
    if version not in got["cite"]:
        raise Failed(f"the citation does not name {version}: {got['cite'][:300]}")
    return f"{version} from {url}/simple/: {got['events']} events, verify() clean, cites {version}"


@step("4. deposited on a Zenodo stand-in: the first upload cut, then the job run again")
def zenodo(version: str, archive: Path, commit: str, work: Path) -> str:
    from zenodo_standin import ZenodoStandIn

    tree = work / "tree"  # the registered commit's package: its metadata is what the workflow deposits
    with ZenodoStandIn() as standin:
        standin.fail("PUT", r"/api/files/", kind="cut", when="before")
        env = dict(os.environ, ZENODO_TOKEN=ZenodoStandIn.TOKEN, ZENODO_URL=standin.url, PYTHONPATH=str(tree / "src"))
        cmd = [sys.executable, "-m", "china_russia_diplomacy.publish.zenodo", "deposit", "--no-write-back",
               str(archive), "--dir", str(tree)]
        first = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
        second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
        if first.returncode != 0 or second.returncode != 0:
            raise Failed(f"the deposit failed:\n{first.stderr[-2000:]}\n{second.stderr[-2000:]}")
        if "retrying" not in first.stderr:
            raise Failed(f"the cut upload was not seen and retried: {first.stderr[-2000:]}")
        published = standin.published()
        if len(published) != 1:
            raise Failed(f"{len(published)} published versions, expected exactly one")
        [record] = published
        md5 = hashlib.md5(archive.read_bytes()).hexdigest()
        files = record.get("files", [])
        if [f.get("checksum") for f in files] != [md5] or record["metadata"].get("version") != version:
            raise Failed(f"the deposit does not hold exactly {archive.name} of {version}: {record}")
        answer = json.loads(second.stdout.strip().splitlines()[-1])
    return f"one published version ({answer['doi']}), holding {archive.name} (md5 {md5})"


def main(argv: list[str] | None = None) -> int:
    from china_russia_diplomacy.core.registry import read_registry

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", nargs="?", help="a registered version (default: the newest)")
    parser.add_argument("--keep", type=Path, help="keep the rehearsal's files in this (new) folder")
    args = parser.parse_args(argv)
    registry = read_registry(REPO)
    release = registry.get(args.version) if args.version else registry.releases[-1]
    if release is None:
        print(f"error: {args.version} is not registered in releases.json", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="crd-rehearsal-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    try:
        rebuild_archive(release.version, work / "archive")
        build_distributions(release.commit, work)
        local_index(release.version, work)
        zenodo(release.version, work / "archive" / release.archive, release.commit, work)
    except (Failed, subprocess.SubprocessError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"rehearsed: {release.version} (commit {release.commit[:12]}) is ready to publish")
    return 0


if __name__ == "__main__":
    sys.exit(main())
