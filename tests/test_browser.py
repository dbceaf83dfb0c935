"""A shopper in headless Chromium: upload a selfie, pick a catalog garment, press the button, see the result.

Needs Debian's Chromium (`apt-get install chromium`, done by .ci/run). Skips without it, unless
TRYON_REQUIRE_BROWSER=1 (CI) makes a missing browser a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]  # fmt: skip


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("TRYON_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (TRYON_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return path


SHOTS = ROOT / ".cache" / "screens"


@pytest.fixture
def page(app_url):
    """A fresh page of the app in headless Chromium."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(app_url, wait_until="domcontentloaded")
        yield page
        browser.close()


def test_upload_pick_garment_and_see_the_result(page, portraits):
    page.wait_for_selector("#person-input", timeout=30_000)
    page.locator("#person-input input[type=file]").set_input_files(str(portraits["astronaut"]))
    page.wait_for_selector("#person-input img", timeout=30_000)
    page.locator("#catalog .thumbnail-item").first.click()
    page.wait_for_selector("#garment-input img", timeout=30_000)
    page.click("#tryon-button")
    result = page.wait_for_selector("#tryon-result img", timeout=90_000)
    page.wait_for_function(
        "() => { const i = document.querySelector('#tryon-result img'); return i && i.naturalWidth > 0; }",
        timeout=30_000,
    )
    result.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "tryon_tab.png"), full_page=True)
    result.screenshot(path=str(SHOTS / "tryon_result.png"))
    assert page.locator("#before-after img").count() >= 1  # the before/after slider is filled
    shot = np.asarray(Image.open(SHOTS / "tryon_result.png").convert("RGB")).astype(int)
    # The result shows a photo (many colours), not an empty frame.
    assert shot.std() > 20


def test_design_tab_generates_and_sends_a_design_to_try_on(page):
    page.get_by_role("tab", name="Design / For you").click()
    page.click("#generate-button")
    page.wait_for_selector("#design-gallery .thumbnail-item img", timeout=60_000)
    page.locator("#design-gallery .thumbnail-item").first.click()
    page.screenshot(path=str(SHOTS / "design_tab.png"), full_page=True)
    page.click("#design-tryon")
    # The Try-on tab comes back with the design as its garment.
    page.wait_for_selector("#garment-input img", timeout=30_000)
    assert page.locator("#garment-input img").first.is_visible()
