"""The copy buttons of a page a test has open: each copies exactly its block's code (no prompt, no
line numbers), for a shell block the very commands the tests take (tests/shell.py). Run in each page's
visit, and shown to fail, by tests/test_browser.py."""

from __future__ import annotations

import textwrap

from harness.pages import INCLUDE, ROOT, Fence, example_sections, parse_page
from harness.site import SitePage

CLIPBOARD = ["clipboard-read", "clipboard-write"]

# What Material's copy button copies for each block (its bundle, function hs): the target's innerText
# while data-md-copying is set (the CSS hides line numbers), end trimmed; null for a block with no button.
COPY_TEXTS = """async () => {
  const texts = [];
  for (const block of document.querySelectorAll("article .highlight")) {
    // Into view as a reader brings it (an answer opened, its tab picked): content.lazy gives a block
    // its copy button only then.
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
    """What each code block's copy button copies, in page order. The last button is clicked for real:
    the clipboard must hold what the same rule gives, so the rule is Material's, not a guess."""
    texts = loaded.evaluate(COPY_TEXTS)
    assert None not in texts, f"code block {texts.index(None) + 1} has no copy button"
    loaded.evaluate("navigator.clipboard.writeText('')")
    loaded.locator("article .highlight button.md-code__button[data-md-type='copy']").last.click()
    clipboard = loaded.evaluate("navigator.clipboard.readText()")
    assert clipboard.rstrip("\n") == texts[-1], f"the copy button copied {clipboard!r}, not {texts[-1]!r}"
    return texts


def copied_blocks(loaded, page: SitePage) -> list[tuple[Fence, str]]:
    """Each fence of ``page``'s source with what its block's copy button copies (``loaded``: a tab
    granted CLIPBOARD)."""
    fences = parse_page(page.source).fences
    shown = loaded.locator("article .highlight").count()
    copied = copy_every_block(loaded) if shown else []
    assert len(copied) == len(fences), (
        f"/{page.path} shows {len(copied)} code blocks; docs/{page.language}/{page.name} has {len(fences)} fences"
    )
    return list(zip(fences, copied))


def check_copy_buttons(loaded, page: SitePage) -> None:
    for fence, text in copied_blocks(loaded, page):
        assert text.rstrip("\n") == shown_code(fence), f"{fence.where}: the copy button copied\n{text}"
