// Both languages give every heading the same anchor, so the language
// switcher can keep the reader on the same section: carry the #hash over.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[hreflang]");
  if (link && window.location.hash && !link.hash) {
    link.hash = window.location.hash;
  }
});
