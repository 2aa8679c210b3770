"""Headless Chromium for the browser tests (Datasette's web view, the static site), one way for both.

Chromium is a system package (``apt-get install chromium chromium-driver``; ``.ci/run`` installs it).
Without it a browser test is skipped locally with that reason, but fails in CI (``CI=true``), where a
silent skip would hide a broken page.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1400,1000",
)


def chromium_paths() -> tuple[str, str]:
    """(browser, chromedriver), or skip (fail in CI) when they are not installed."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser and driver:
        return browser, driver
    reason = "headless Chromium not installed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}: required in CI, where .ci/run installs it")
    pytest.skip(reason)


@contextlib.contextmanager
def chromium_driver(profile: Path, console_log: bool = False, extra_flags: tuple[str, ...] = ()) -> Iterator:
    """A selenium driver of headless Chromium with its own profile; ``console_log`` keeps the page's
    console messages for ``driver.get_log('browser')``."""
    chromium, chromedriver = chromium_paths()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*FLAGS, *extra_flags):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    if console_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
