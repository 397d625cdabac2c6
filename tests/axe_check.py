"""axe-core on a page a test has open: in the light and the dark scheme, at
1280 and at 375 px, after scrolling through the page. tests/test_browser.py
runs it in each page's one visit; tests/test_accessibility.py shows that it
can fail.

axe-core is pinned in tests/axe/package.json and installed by `make axe`
(npm ci); it is injected from that file, never from a CDN.
"""

from __future__ import annotations

from harness import ROOT
from harness.site import DESKTOP, PHONE

AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# Every impact fails: serious and critical ones wherever they are, moderate and
# minor ones too, since with the fixes listed in README.md's maintenance notes
# none is left in the theme either. A rule switched off here needs a reason.
FAILING = {"critical", "serious", "moderate", "minor"}
SCHEMES = ("light", "dark")
WIDTHS = (DESKTOP, PHONE)

# Scroll from top to bottom a screen at a time, two frames a step, as a reader
# does: Material sets up each code block (its copy button, its tabindex when it
# overflows) only once the block comes into view (mkdocs.yml: content.lazy).
SCROLL_THROUGH = """async () => {
  const frame = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight * 0.8) {
    scrollTo(0, y);
    await frame();
  }
  scrollTo(0, 0);
  await frame();
  // The header's title fades back in: let it finish, or axe-core measures a
  // colour halfway.
  await Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => null)));
}"""
SETTLE = "() => Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => null))).then(() => null)"

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary}))}));
}"""


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now, of the impacts that fail."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        if not AXE.is_file():
            raise AssertionError(f"{AXE.relative_to(ROOT)} is missing: `make axe` installs it (npm ci in tests/axe/)")
        page.add_script_tag(path=str(AXE))
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in FAILING]


def set_scheme(page, scheme: str) -> None:
    """The reader's system setting (overrides/main.html follows it)."""
    page.emulate_media(color_scheme=scheme)
    drawn = "slate" if scheme == "dark" else "default"
    page.wait_for_function(f"document.body.dataset.mdColorScheme === '{drawn}'")
    # Material's colours fade from one scheme to the other: let them finish, or
    # axe-core measures a colour halfway.
    page.evaluate(SETTLE)


def set_width(page, viewport: dict) -> None:
    page.set_viewport_size(viewport)
    page.wait_for_function(f"document.documentElement.clientWidth <= {viewport['width']}")


def describe(violations: list[dict], where: str) -> str:
    lines = []
    for v in violations:
        lines.append(f"{where}: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}")
        lines += [f"    {n['target']}: {n['summary'].splitlines()[-1].strip()}" for n in v["nodes"][:3]]
    return "\n".join(lines)


def accessibility_problems(page, path: str) -> list[str]:
    """axe-core in both schemes at both widths, each after a scroll through the
    page; leaves the page light, at the desktop width."""
    problems = []
    for scheme in SCHEMES:
        set_scheme(page, scheme)
        for viewport in WIDTHS:
            set_width(page, viewport)
            page.evaluate(SCROLL_THROUGH)
            found = axe_violations(page)
            if found:
                problems.append(describe(found, f"/{path} {scheme} {viewport['width']} px"))
    set_scheme(page, "light")
    set_width(page, DESKTOP)
    return problems
