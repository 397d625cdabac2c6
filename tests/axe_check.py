"""axe-core on a page a test has open, in the light and the dark scheme, at 1280 and at 375 px,
after scrolling through the page (Material sets up each code block only once it comes into view:
mkdocs.base.yml, content.lazy). axe-core is pinned in tests/axe/package.json (`make axe`) and
injected from that file, never from a CDN."""

from __future__ import annotations

from harness import ROOT
from harness.site import DESKTOP, PHONE

AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# Every impact fails: with the fixes in README.md's maintenance notes none is left in the theme.
FAILING = {"critical", "serious", "moderate", "minor"}
# Material's colours and the header's title fade in: jump each fade to its end, or axe-core measures a colour
# halfway. (Waiting for them hung one run in a few: headless Chromium sometimes stops a fade's clock 8 ms short
# of its end.) Not the animations that never end: a code annotation's number pulses while it is in view.
SETTLE = ("Promise.resolve(document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)"
          ".forEach((a) => { try { a.finish(); } catch (error) {} }))")
SCROLL_THROUGH = f"""async () => {{
  const frame = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight * 0.8) {{
    scrollTo(0, y);
    await frame();
  }}
  scrollTo(0, 0);
  await frame();
  await {SETTLE};
}}"""
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary}))}));
}"""


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now, of the impacts that fail."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        assert AXE.is_file(), f"{AXE.relative_to(ROOT)} is missing: `make axe` installs it (npm ci in tests/axe/)"
        page.add_script_tag(path=str(AXE))
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in FAILING]


def set_width(page, viewport: dict) -> None:
    """The new width, once the layout has settled (Material animates the search box's width)."""
    page.set_viewport_size(viewport)
    page.wait_for_function(f"document.documentElement.clientWidth <= {viewport['width']}")
    page.evaluate(f"() => new Promise(requestAnimationFrame).then(() => {SETTLE}).then(() => null)")


def set_scheme(page, scheme: str) -> None:
    """The reader's system setting, which overrides/main.html follows."""
    page.emulate_media(color_scheme=scheme)
    page.wait_for_function(f"document.body.dataset.mdColorScheme === '{'slate' if scheme == 'dark' else 'default'}'")
    page.evaluate(f"() => {SETTLE}.then(() => null)")


def accessibility_problems(page, path: str) -> list[str]:
    """axe-core in both schemes at both widths, the first time at each width after a scroll through the
    page (the scheme changes colours, not what is set up); leaves the page light, at the desktop width."""
    problems = []
    for scheme, viewport in (("light", DESKTOP), ("light", PHONE), ("dark", PHONE), ("dark", DESKTOP)):
        set_scheme(page, scheme)
        set_width(page, viewport)
        if scheme == "light":
            page.evaluate(SCROLL_THROUGH)
        for violation in axe_violations(page):
            problems.append(f"/{path} {scheme} {viewport['width']} px: {violation['id']} "
                            f"({violation['impact']}, {len(violation['nodes'])} nodes): {violation['help']}")
            problems += [f"    {node['target']}: {node['summary'].splitlines()[-1].strip()}"
                         for node in violation["nodes"][:3]]
    set_scheme(page, "light")
    set_width(page, DESKTOP)
    return problems
