"""The copy button: in both languages, each code block's button copies exactly
the code the block shows (no prompt, no line numbers). What is copied is an
example's section (tests/test_examples.py runs every example under every
backend) or a shell command of a kind tests/shell_commands.py checks.
"""

from __future__ import annotations

import textwrap

import pytest

from harness.pages import DOCS, INCLUDE, LANGUAGES, PYTHON_LANGS, ROOT, SHELL_LANGS, Fence, example_sections, parse_page
from harness.site import SitePage, site_pages
from shell_commands import commands_in, kind_of

PAGES = site_pages()


# --- the copy button -----------------------------------------------------------

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


MARKDOWN_STEMS = sorted({p.name for p in PAGES if not p.notebook})
@pytest.mark.parametrize("name", [pytest.param(n, id=n.removesuffix(".md").replace("/", "-")) for n in MARKDOWN_STEMS])
def test_copy_button_copies_the_code(name, open_tab):
    """In both languages each block's copy button gives exactly the code the
    block shows; each copied shell command is of a kind tests/shell_commands.py
    checks (tests/test_shell.py runs the checks on the same text)."""
    fences = {lang: parse_page(DOCS / lang / name).fences for lang in LANGUAGES}
    for lang in LANGUAGES:
        page = SitePage(lang, DOCS / lang / name)
        tab = open_tab()
        tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=tab.origin)
        copied = copy_every_block(tab.open(page.path)) if fences[lang] else []
        assert len(copied) == len(fences[lang]), (
            f"/{page.path} shows {len(copied)} code blocks; docs/{lang}/{name} has {len(fences[lang])} fences"
        )
        for fence, text in zip(fences[lang], copied):
            assert text.rstrip("\n") == shown_code(fence), f"{fence.where}: the copy button copied\n{text}"
            if fence.lang in SHELL_LANGS:
                pasted = Fence(fence.page, fence.line, "", fence.info, text.splitlines())
                for command in commands_in(pasted):
                    assert kind_of(command) is not None, f"{fence.where}: no test covers the copied command {command.text!r}"


def test_the_copy_check_can_fail(open_tab):
    """A prompt in front of the code is caught."""
    name = next(n for n in MARKDOWN_STEMS if parse_page(DOCS / "zh" / n).fences)
    fence = parse_page(DOCS / "zh" / name).fences[-1]
    tab = open_tab()
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=tab.origin)
    loaded = tab.open(SitePage("zh", DOCS / "zh" / name).path)
    loaded.evaluate("""() => [...document.querySelectorAll("article .highlight code")].pop().prepend(">>> ")""")
    copied = copy_every_block(loaded)[-1]
    assert copied.startswith(">>> ") and copied.rstrip("\n") != shown_code(fence)


def test_copied_code_of_both_kinds_is_checked():
    """The site has both Python blocks and shell blocks for the test above to copy."""
    fences = [f for name in MARKDOWN_STEMS for f in parse_page(DOCS / LANGUAGES[0] / name).fences]
    assert any(f.lang in PYTHON_LANGS and "notest" not in f.options for f in fences)
    assert any(f.lang in SHELL_LANGS for f in fences)
