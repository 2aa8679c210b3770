"""Take docs/site.png, the README's picture of the site: an article page in headless Chromium, arrived at
from a quote's evidence link (so the picture shows that row's words marked alone).

    python scripts/site_screenshot.py

Not a build output: Chromium's pixels differ between versions and machines, so the picture is taken by
hand after the site changes visibly, and committed.
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # tests/chromium.py: the one way the project drives Chromium


def main() -> int:
    import pytest

    from chromium import chromium_driver

    with (REPO / "data" / "quotes.csv").open(encoding="utf-8", newline="") as fh:
        quote = next(r for r in csv.DictReader(fh) if r["source_id"] == "src-0002")
    page = (REPO / "site" / "articles" / "src-0002.html").as_uri() + f"#span-{quote['evidence_start']}-{quote['evidence_end']}"
    try:
        with tempfile.TemporaryDirectory() as profile, chromium_driver(Path(profile)) as driver:
            # Selenium rather than ``chromium --screenshot``, which paints a page scrolled to its fragment
            # with its top left blank
            driver.set_window_size(1200, 760)
            driver.get(page)
            driver.execute_script("window.scrollTo(0, 0);")  # the span stays targeted; the headline shows too
            driver.save_screenshot(str(REPO / "docs" / "site.png"))
    except pytest.skip.Exception as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(REPO / "docs" / "site.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
