"""``china-russia-diplomacy browse`` as a person uses it: the real Datasette, driven by headless Chromium.

The command is started as a user would start it (on a free localhost port, in its own process group
so that it and its Datasette child are always stopped), and pages are loaded and clicked in Debian's
Chromium through chromedriver: a table page lists the rows, a facet on ``event_type`` filters them, the
search box finds a quote by a phrase of it, and a quote's ``speaker_id`` cell links to the participant.

Chromium comes from tests/chromium.py (skipped locally without it, a failure in CI).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from chromium import chromium_driver, chromium_paths

import china_russia_diplomacy as crd
from china_russia_diplomacy.core.locate import installed_package_dir
from china_russia_diplomacy.exports.browse import DATABASE_NAME

pytestmark = pytest.mark.slow

STARTUP_TIMEOUT = 60  # seconds for export + Datasette to answer


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """Stop browse and its Datasette child: SIGTERM to the process group, SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> str:
    chromium_paths()  # skip (or fail in CI) before starting a server nothing could look at
    port = _free_port()
    log = tmp_path_factory.mktemp("browse") / "browse.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "china_russia_diplomacy", "browse", str(installed_package_dir()), "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"browse exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{base}/-/versions.json", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"Datasette did not answer within {STARTUP_TIMEOUT}s:\n{log.read_text(errors='replace')}")
            time.sleep(0.3)
        yield f"{base}/{DATABASE_NAME}"
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium_driver(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def _by_css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def _column(driver, column: str) -> list[str]:
    return [td.text for td in _by_css(driver, f"table.rows-and-columns tbody td.col-{column}")]


def test_table_page_lists_the_rows(server, browser, tmp_path_factory):
    events = crd.load("events")
    browser.get(f"{server}/events")
    shown = _column(browser, "event_id")
    assert shown, "no rows rendered"
    assert sorted(shown) == sorted(events["event_id"])[: len(shown)]
    assert len(shown) == min(len(events), 100)  # Datasette's page size
    heading = _by_css(browser, "h3")[0].text
    assert heading.startswith(f"{len(events):,} row")
    shot = tmp_path_factory.mktemp("screenshots") / "events.png"
    browser.execute_script("document.querySelector('table.rows-and-columns').scrollIntoView()")
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000, "the screenshot of the events page is (nearly) blank"


def test_event_type_facet_filters_the_table(server, browser):
    events = crd.load("events")
    counts = events["event_type"].astype(str).value_counts()
    event_type, expected = counts.index[0], int(counts.iloc[0])
    browser.get(f"{server}/events")
    links = [a for a in _by_css(browser, "#facet-event_type li a") if a.text == event_type]
    assert links, "the event_type facet from the metadata is not shown"
    links[0].click()
    assert f"event_type={event_type}" in browser.current_url
    assert _by_css(browser, "h3")[0].text.startswith(f"{expected:,} row")
    rows = _column(browser, "event_type")
    assert len(rows) == min(expected, 100) and set(rows) == {event_type}


def test_full_text_search_finds_a_quote_by_a_phrase(server, browser):
    from selenium.webdriver.common.keys import Keys

    quotes = crd.load("quotes")
    longest = quotes.loc[quotes["text"].str.len().idxmax()]
    words = [w.strip(".,;:!?“”\"()‘’") for w in str(longest["text"]).split()]
    phrase = " ".join(w for w in words if w.isalnum())
    phrase = " ".join(phrase.split()[:4])
    assert phrase
    browser.get(f"{server}/quotes")
    box = _by_css(browser, "input#_search")
    assert box, "the quotes page has no search box (FTS table not detected)"
    box[0].send_keys(f'"{phrase}"', Keys.ENTER)
    for _ in range(50):  # the form submit navigates; wait for the result page
        if "_search=" in browser.current_url:
            break
        time.sleep(0.1)
    assert "_search=" in browser.current_url
    assert longest["quote_id"] in _column(browser, "quote_id")


def test_speaker_cell_links_to_its_participant(server, browser):
    quotes = crd.load("quotes")
    participants = crd.load("participants").set_index("participant_id")
    quote = quotes.sort_values("quote_id").iloc[0]
    browser.get(f"{server}/quotes?quote_id={quote['quote_id']}")  # the quotes table, filtered to one quote
    links = _by_css(browser, "td.col-speaker_id a")
    assert links, "speaker_id is not rendered as a foreign-key link"
    assert links[0].get_attribute("href").endswith(f"/participants/{quote['speaker_id']}")
    links[0].click()
    assert browser.current_url.endswith(f"/participants/{quote['speaker_id']}")
    assert _column(browser, "participant_id") == [quote["speaker_id"]]
    name = participants.loc[quote["speaker_id"], "name"]
    if isinstance(name, str):
        assert _column(browser, "name") == [name]
