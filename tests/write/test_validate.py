"""The real package validates in both layers, through the API, the CLI and plain frictionless."""

from __future__ import annotations

import json
import subprocess
import sys

from china_russia_diplomacy.validation import validate_package


def test_committed_package_is_valid(repo):
    report = validate_package(repo)
    assert report.valid, report.to_text()
    assert report.layers == ["frictionless", "pandera", "rules", "files"]


def test_cli_validate_json_and_exit_codes(package_copy):
    ok = subprocess.run([sys.executable, "-m", "china_russia_diplomacy", "validate", str(package_copy), "--json"],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)["valid"] is True
    quotes = package_copy / "data" / "quotes.csv"
    quotes.write_text(quotes.read_text(encoding="utf-8").replace("quo-0001", "quo-1", 1), encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "china_russia_diplomacy", "validate", str(package_copy), "--json"],
                         capture_output=True, text=True)
    assert bad.returncode == 1
    errors = json.loads(bad.stdout)["errors"]
    hit = [e for e in errors if e["table"] == "quotes" and e["column"] == "quote_id" and e["rule"] == "pattern"]
    assert hit and hit[0]["line"] == 2 and hit[0]["value"] == "quo-1"
    assert {"frictionless", "pandera"} <= {e["layer"] for e in errors}, "both layers must report"


def test_plain_frictionless_cli_accepts_the_package(repo, tmp_path):
    """`frictionless validate datapackage.json` run by anyone, outside the project."""
    result = subprocess.run([sys.executable, "-m", "frictionless", "validate", str(repo / "datapackage.json")],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:]
