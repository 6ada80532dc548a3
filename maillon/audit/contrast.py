"""The text contrast of every link and button of a page in each of its states: as drawn, hovered
and focused (RGAA 3.2, WCAG 1.4.3).

axe-core measures the page as loaded, and leaves equal colours (white on white) "to review": a
hover or focus style that paints a link's text in the colour of its background goes unseen. This
check asks Chromium itself (DevTools' `CSS.forcePseudoState`, what the inspector's « :hov »
panel does) to put every control in the state, then computes each one's text colour against the
backgrounds painted behind it, from the computed styles."""

from __future__ import annotations

from maillon.audit.colours import COLOUR_JS

# What a person activates: links, buttons, and the inputs drawn as buttons.
CONTROLS = (
    "a[href], button, input[type=submit], input[type=button], input[type=reset],"
    " [role=button], [role=link], [role=tab]"
)
# Chromium's forced pseudo-classes per state (none: as drawn).
STATES: dict[str, list[str]] = {
    "default": [],
    "hover": ["hover"],
    "focus": ["focus", "focus-visible"],
}

# For each control (in document order, as DevTools' querySelectorAll lists them): None when it
# shows no text or cannot be decided (a background image), else [name, ratio, minimum].
_MEASURE = (
    """
(selector) => {
"""
    + COLOUR_JS
    + """
  const over = ([r, g, b, a], [br, bg, bb]) => [
    r * a + br * (1 - a), g * a + bg * (1 - a), b * a + bb * (1 - a), 1,
  ];
  // the colours painted behind the element, composed from the page's white up to it
  const backdrop = (element) => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage !== "none") return null;  // a picture or a gradient
      const colour = rgba(style.backgroundColor);
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] >= 1) break;
    }
    return layers.reverse().reduce((under, layer) => over(layer, under), [255, 255, 255, 1]);
  };
  const shown = (element) => {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return box.width > 2 && box.height > 2 && box.right > 0 && box.bottom > 0
      && style.visibility === "visible" && parseFloat(style.opacity) > 0;
  };
  return [...document.querySelectorAll(selector)].map((element) => {
    const text = (element.innerText || element.value || "").trim();
    if (!text || element.disabled || !shown(element)) return null;
    const style = getComputedStyle(element);
    const back = backdrop(element);
    if (!back) return null;
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
    return [describe(element), ratio(over(rgba(style.color), back), back), large ? 3 : 4.5];
  });
}
"""
)


def contrast_findings(page, *, states: dict[str, list[str]] = STATES) -> list[str]:
    """Every link and button whose text is below 4.5:1 (3:1 when large) in one of `states`,
    each state forced on every control at once."""
    session = page.context.new_cdp_session(page)
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        nodes = session.send("DOM.querySelectorAll", {"nodeId": root, "selector": CONTROLS})
        nodes = nodes["nodeIds"]
        force = lambda node, classes: session.send(  # noqa: E731
            "CSS.forcePseudoState", {"nodeId": node, "forcedPseudoClasses": classes}
        )
        found: dict[str, str] = {}
        for state, classes in states.items():
            for node in nodes:
                force(node, classes)
            for measure in page.evaluate(_MEASURE, CONTROLS):
                if measure and measure[1] < measure[2]:
                    name, ratio, minimum = measure
                    found.setdefault(f"{name} ({state})", f"{ratio}:1 below {minimum}:1")
        for node in nodes:
            force(node, [])
    finally:
        session.detach()
    return [f"{where}: text {ratio}" for where, ratio in found.items()]
