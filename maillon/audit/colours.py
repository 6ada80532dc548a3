"""WCAG 2.1 contrast from computed colours, in JavaScript: the helpers the scripts of the
accessibility checks start with (`rgba`, `luminance`, `ratio`, `describe`)."""

COLOUR_JS = """
  const rgba = (text) => {
    const found = (text || "").match(/[\\d.]+/g);
    if (!found) return [0, 0, 0, 0];
    const [r, g, b, a] = found.map(Number);
    return [r, g, b, a === undefined ? 1 : a];
  };
  const luminance = ([r, g, b]) => {
    const channel = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const ratio = (one, two) => {
    const [a, b] = [luminance(one), luminance(two)];
    return Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 100) / 100;
  };
  const describe = (element) => {
    let text = element.tagName.toLowerCase();
    if (element.id) text += "#" + element.id;
    else if (element.classList.length) text += "." + [...element.classList].join(".");
    const label = (element.getAttribute("aria-label") || element.innerText || "").trim();
    return label ? `${text} « ${label.slice(0, 30)} »` : text;
  };
"""
