"""The copy button, checked on a page a test has open: each code block's button
copies exactly the code the block shows (no prompt, no line numbers): for a
shell block, the very commands tests/test_shell.py checks.
tests/test_browser.py runs it in each page's one visit; tests/test_copy.py
shows that it can fail."""

from __future__ import annotations

import textwrap

from harness.pages import INCLUDE, ROOT, Fence, example_sections, parse_page
from harness.site import SitePage

CLIPBOARD = ["clipboard-read", "clipboard-write"]

# What Material's copy button puts on the clipboard for each block (its bundle,
# function hs): the target's innerText while data-md-copying is set (the CSS
# then hides line numbers and annotations), end trimmed; null for a block that
# never gets a button.
COPY_TEXTS = """async () => {
  const texts = [];
  for (const block of document.querySelectorAll("article .highlight")) {
    // Bring the block into view as a reader does: open a closed <details> (a
    // collapsed answer), pick its tab, scroll to it. Material gives a block
    // its copy button only once it is in view (mkdocs.yml: content.lazy).
    for (let el = block; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") el.open = true;
      if (el.classList.contains("tabbed-block")) {
        const set = el.closest(".tabbed-set");
        const index = [...el.parentElement.children].indexOf(el);
        set.querySelectorAll(":scope > input")[index].checked = true;
      }
    }
    block.scrollIntoView({block: "center"});
    let button = null;
    for (let frame = 0; frame < 120 && !button; frame++) {
      await new Promise(requestAnimationFrame);
      button = block.querySelector("button.md-code__button[data-md-type='copy']");
    }
    if (!button) { texts.push(null); continue; }
    const target = document.querySelector(button.getAttribute("data-clipboard-target"));
    target.setAttribute("data-md-copying", "");
    texts.push(target.innerText.trimEnd());
    target.removeAttribute("data-md-copying");
  }
  return texts;
}"""


def shown_code(fence: Fence) -> str:
    """The code a fence shows once the build has filled in its includes."""
    lines = []
    for line in fence.code.splitlines():
        match = INCLUDE.match(line)
        if not match:
            lines.append(line)
            continue
        path, _, section = match["target"].partition(":")
        text = example_sections(ROOT / path)[section] if section else (ROOT / path).read_text(encoding="utf-8")
        lines.extend(textwrap.dedent(text).rstrip("\n").splitlines())
    return "\n".join(lines).rstrip("\n")


def copy_every_block(loaded) -> list[str]:
    """What each code block's copy button copies, in page order. The last
    button, in view once every block has been, is clicked for real, and the
    clipboard must hold what the same rule gives for that block: the rule is
    Material's, not a guess."""
    texts = loaded.evaluate(COPY_TEXTS)
    assert None not in texts, f"code block {texts.index(None) + 1} has no copy button"
    loaded.evaluate("navigator.clipboard.writeText('')")
    loaded.locator("article .highlight button.md-code__button[data-md-type='copy']").last.click()
    clipboard = loaded.evaluate("navigator.clipboard.readText()")
    assert clipboard.rstrip("\n") == texts[-1], f"the copy button copied {clipboard!r}, not {texts[-1]!r}"
    return texts


def copied_blocks(loaded, page: SitePage) -> list[tuple[Fence, str]]:
    """On ``page``, open in ``loaded`` (a tab granted CLIPBOARD): each fence of
    its source with what its block's copy button copies, in page order."""
    fences = parse_page(page.source).fences
    shown = loaded.locator("article .highlight").count()
    copied = copy_every_block(loaded) if shown else []
    assert len(copied) == len(fences), (
        f"/{page.path} shows {len(copied)} code blocks; docs/{page.language}/{page.name} has {len(fences)} fences"
    )
    return list(zip(fences, copied))


def check_copy_buttons(loaded, page: SitePage) -> None:
    """On ``page``, open in ``loaded``: every block's copy button gives exactly
    the code of the fence it comes from."""
    for fence, text in copied_blocks(loaded, page):
        assert text.rstrip("\n") == shown_code(fence), f"{fence.where}: the copy button copied\n{text}"
