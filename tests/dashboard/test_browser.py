"""The viewer in a real browser: it loads with no console errors, every panel has a size, the event
table filters by reason, and a screenshot of the whole page is kept as a test artifact."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from clustersim.dashboard.page import PANEL_NAMES
from tests.dashboard.conftest import ARTIFACTS


def _wait(driver: Any, script: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for: {script}")


RECT = """
const m = Bokeh.documents[0].get_model_by_name(arguments[0]);
if (m == null) return null;
const v = Bokeh.index.find_one(m);
if (v == null) return null;
const r = v.el.getBoundingClientRect();
return [r.width, r.height];
"""


def test_the_quick_start_page_in_chromium(browser: Any, quickstart_page: tuple[Path, list[str]]) -> None:
    page, names = quickstart_page
    assert set(names) == set(PANEL_NAMES)  # the quick start has every kind of panel
    browser.get(page.as_uri())
    _wait(browser, "return window.Bokeh && Bokeh.documents.length > 0 && Bokeh.index.find_one("
                   "Bokeh.documents[0].get_model_by_name('panel-events')) != null")
    time.sleep(1.0)
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
    for name in names:
        rect = browser.execute_script(RECT, name)
        assert rect and rect[0] > 0 and rect[1] > 0, (name, rect)

    # filter the event log by reason through its <select>, as a user does
    host = browser.execute_script("return Bokeh.index.find_one(Bokeh.documents[0].get_model_by_name('events-reason')).el")
    Select(host.shadow_root.find_element(By.CSS_SELECTOR, "select")).select_by_visible_text("NodeNotReady")
    shown = _wait(browser, "const d = Bokeh.documents[0].get_model_by_name('events-shown').data;"
                           "return d.reason.length && d.reason.every(r => r === 'NodeNotReady') ? d.reason.length : 0")
    assert shown == 3  # the node's NodeNotReady and its two pods'
    table = browser.execute_script("return Bokeh.index.find_one(Bokeh.documents[0].get_model_by_name('events-table')).el")
    cells = table.shadow_root.find_elements(By.CSS_SELECTOR, ".slick-row")  # the rows the grid drew
    assert len(cells) == 3 and all("NodeNotReady" in c.text for c in cells), [c.text for c in cells]
    assert "3 of" in browser.execute_script("return Bokeh.documents[0].get_model_by_name('events-count').text")

    # the screenshot of the whole page (every panel), outside the repository's tracked files
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1300, int(height) + 80)
    time.sleep(1.0)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "viewer-quickstart.png"
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 50_000


def test_a_click_on_a_design_point_lists_its_runs(browser: Any, sweep_page: tuple[Path, list[str]]) -> None:
    page, _ = sweep_page
    browser.get(page.as_uri())
    _wait(browser, "return window.Bokeh && Bokeh.documents.length > 0 && Bokeh.index.find_one("
                   "Bokeh.documents[0].get_model_by_name('sweep-points')) != null")
    time.sleep(1.0)
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    n_all = browser.execute_script("return Bokeh.documents[0].get_model_by_name('sweep-runs-shown').data.run_id.length")
    assert n_all == 8
    table = browser.execute_script("return Bokeh.index.find_one(Bokeh.documents[0].get_model_by_name('sweep-points')).el")
    rows = table.shadow_root.find_elements(By.CSS_SELECTOR, ".slick-row")
    assert len(rows) == 4
    rows[2].find_elements(By.CSS_SELECTOR, ".slick-cell")[1].click()  # design point 2
    points = _wait(browser, "const d = Bokeh.documents[0].get_model_by_name('sweep-runs-shown').data;"
                            "return d.point.length === 2 ? d.point : null", timeout=20)
    assert points == [2, 2]
    assert "design point 2" in browser.execute_script("return Bokeh.documents[0].get_model_by_name('sweep-runs-label').text")
