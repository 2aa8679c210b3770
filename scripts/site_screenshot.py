"""Take docs/site.png, the README's picture of the site: an article page in headless Chromium.

    python scripts/site_screenshot.py

Not a build output: Chromium's pixels differ between versions and machines, so the picture is taken by
hand after the site changes visibly, and committed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("error: headless Chromium is needed (apt-get install chromium)", file=sys.stderr)
        return 2
    page = (REPO / "site" / "articles" / "src-0002.html").as_uri()
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={profile}", "--window-size=1200,760",
                        f"--screenshot={REPO / 'docs' / 'site.png'}", page], check=True, capture_output=True, timeout=120)
    print(REPO / "docs" / "site.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
