// Two fixes to the theme's HTML that tests/test_browser.py
// checks with axe-core (README.md, maintenance notes). Material sets up each
// code block only as it comes into view (content.lazy), so both watch the page.
(function () {
  var article = document.querySelector("article");
  if (!article) return;

  // A box that scrolls must be reachable by keyboard, or a keyboard reader
  // cannot scroll it (WCAG 2.1.1): tables' scroll wrappers. Material does
  // this for its own code blocks only. A box gets tabindex="0" while it
  // overflows, and loses it once it fits.
  var scrolls = function (value) { return value === "auto" || value === "scroll"; };
  var resized = new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var box = entry.target, style = getComputedStyle(box);
      var overflows = (scrolls(style.overflowX) && box.scrollWidth > box.clientWidth + 1) ||
                      (scrolls(style.overflowY) && box.scrollHeight > box.clientHeight + 1);
      if (overflows && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollFocus = "";
      } else if (!overflows && "scrollFocus" in box.dataset) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    });
  });
  var BOXES = ".md-typeset__scrollwrap";

  var update = function () {
    article.querySelectorAll(BOXES).forEach(function (box) { resized.observe(box); });
    // Material wraps each code block's copy button in an unnamed <nav>: one more
    // "navigation" landmark per block, all alike. It navigates nowhere: no landmark.
    article.querySelectorAll("nav.md-code__nav:not([role])").forEach(function (nav) {
      nav.setAttribute("role", "none");
    });
  };
  update();
  // Material adds the tables' scroll wrappers and the code blocks' buttons
  // after this script has run.
  new MutationObserver(update).observe(article, {childList: true, subtree: true});
})();
