"""The axe-core check (run in every page's visit by tests/test_browser.py) can fail; a keyboard
reaches every control of ours (the language switch, download buttons, answers) with Tab alone,
shows a focus ring on it, and uses it with Enter."""

from __future__ import annotations

import pytest

from axe_check import accessibility_problems, axe_violations
from harness.pages import DOCS
from harness.site import SitePage


def test_the_axe_check_can_fail(open_tab):
    """Low contrast, a scrolling box that takes no focus, two unnamed landmarks: in either scheme and width."""
    loaded = open_tab().open(SitePage("en", DOCS / "en" / "index.md").path)
    assert not axe_violations(loaded)
    loaded.evaluate("""() => document.querySelector("article").insertAdjacentHTML("beforeend",
        '<p style="color: #999; background: #fff">grey on white</p>' +
        '<div style="overflow-x: auto; width: 100px"><pre>' + "x".repeat(300) + '</pre></div>' +
        '<nav><a href="#a">a</a></nav><nav><a href="#b">b</a></nav>')""")
    found = {v["id"] for v in axe_violations(loaded)}
    assert {"color-contrast", "scrollable-region-focusable", "landmark-unique"} <= found, found
    problems = "\n".join(accessibility_problems(loaded, "index"))
    for where in ("light 1280 px", "light 375 px", "dark 1280 px", "dark 375 px"):
        assert f"/index {where}: color-contrast" in problems, problems


# What of ours has the focus, and whether a ring (an outline or a box shadow) shows around it.
TAB_STOP = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
  const kind = el.matches(".md-header__option .md-select button") ? "language menu"
      : el.matches(".md-header__option a[hreflang]") ? "language " + el.hreflang
      : el.matches("a.md-button[download]") ? "download " + el.getAttribute("href")
      : el.matches("details > summary") ? "answer " + [...document.querySelectorAll("details > summary")].indexOf(el)
      : null;
  return {kind, ring, shown: el.getBoundingClientRect().height > 0 && style.visibility !== "hidden"};
}"""


def tab_through(loaded, stops: int = 400) -> dict:
    """Press Tab until the focus leaves the page: what it met of ours -> whether it showed a ring."""
    met = {}
    for _ in range(stops):
        loaded.keyboard.press("Tab")
        stop = loaded.evaluate(TAB_STOP)
        if stop["kind"]:
            met[stop["kind"]] = stop["ring"] and stop["shown"]
        if loaded.evaluate("document.activeElement === document.body"):
            break
    return met


@pytest.mark.parametrize("language, name, expected", [
    ("en", "classification.md", "answer"),
    ("zh", "image_classification.md", "download"),
], ids=["classification-en", "image_classification-zh"])
def test_a_keyboard_reaches_and_uses_every_control_of_ours(language, name, expected, open_tab):
    page = SitePage(language, DOCS / language / name)
    tab = open_tab()
    loaded = tab.open(page.path)
    met = tab_through(loaded)
    other = "zh" if language == "en" else "en"
    want = {"language menu", f"language {other}"}
    want |= {f"answer {n}" for n in range(loaded.locator("details > summary").count())}
    want |= {f"download {a.get_attribute('href')}" for a in loaded.locator("a.md-button[download]").all()}
    assert any(kind.startswith(expected) for kind in want), f"/{page.path} has no {expected}"
    assert want <= set(met), f"/{page.path}: Tab never reached {sorted(want - set(met))}"
    no_ring = sorted(kind for kind in want if not met[kind])
    assert not no_ring, f"/{page.path}: no visible focus ring on {no_ring}"
    # Enter opens an answer, and Enter on the language link goes to the twin.
    if expected == "answer":
        summary = loaded.locator("details > summary").first
        summary.focus()
        loaded.keyboard.press("Enter")
        assert summary.evaluate("s => s.parentElement.open"), "Enter did not open the answer"
    loaded.locator(".md-header__option .md-select button").focus()
    loaded.keyboard.press("Tab")
    focused = loaded.evaluate("document.activeElement.hreflang")
    if focused != other:  # the menu lists the page's own language first
        loaded.keyboard.press("Tab")
    with loaded.expect_navigation():
        loaded.keyboard.press("Enter")
    assert loaded.evaluate("document.documentElement.lang") == other
    tab.assert_clean(f"/{page.path} by keyboard")
