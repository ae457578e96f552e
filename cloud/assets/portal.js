// Small behaviours the portal's pages work without: a tag from the palette goes into the
// field that last had the focus, at the cursor.
(function () {
  "use strict";
  var last = null;
  document.addEventListener("focusin", function (e) {
    if (e.target.matches && e.target.matches("[data-tag-target]")) last = e.target;
  });
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button[data-tag]");
    if (!button) return;
    var field = last || document.querySelector("[data-tag-target]");
    if (!field) return;
    var tag = button.getAttribute("data-tag");
    var start = field.selectionStart == null ? field.value.length : field.selectionStart;
    var end = field.selectionEnd == null ? start : field.selectionEnd;
    field.value = field.value.slice(0, start) + tag + field.value.slice(end);
    field.focus();
    field.setSelectionRange(start + tag.length, start + tag.length);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
