/* Wide data tables scroll in their own box, not the page (RGAA 10.11, WCAG 1.4.10 reflow).
   Every table gets a `.table-scroll` container (its own when the template wrote one) that is a
   region named by the table's caption; while the table is wider than the box, the box is a
   focus stop, so a keyboard user can scroll it with the arrow keys. */
(function () {
  "use strict";

  function name(table) {
    var caption = table.querySelector("caption");
    var text = (caption && caption.textContent) || table.getAttribute("aria-label") || "";
    text = text.replace(/\s+/g, " ").trim();
    return text || document.title.split(" — ")[0];
  }

  function box(table) {
    var parent = table.parentElement;
    if (parent && parent.classList.contains("table-scroll")) return parent;
    var wrapper = document.createElement("div");
    wrapper.className = "table-scroll";
    table.parentNode.insertBefore(wrapper, table);
    wrapper.appendChild(table);
    return wrapper;
  }

  var boxes = [];

  function update() {
    boxes.forEach(function (element) {
      if (element.scrollWidth > element.clientWidth + 1) element.setAttribute("tabindex", "0");
      else if (!element.hasAttribute("data-always-focusable")) element.removeAttribute("tabindex");
    });
  }

  function init() {
    document.querySelectorAll("main table").forEach(function (table) {
      var element = box(table);
      if (element.getAttribute("tabindex") === "0") element.setAttribute("data-always-focusable", "");
      if (!element.hasAttribute("role")) element.setAttribute("role", "region");
      if (!element.hasAttribute("aria-label") && !element.hasAttribute("aria-labelledby")) {
        element.setAttribute("aria-label", name(table));
      }
      boxes.push(element);
    });
    update();
    window.addEventListener("resize", update);
    document.addEventListener("toggle", update, true);  // a table inside <details> opened
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
