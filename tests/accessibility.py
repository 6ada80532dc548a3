"""axe-core in a real browser (Playwright): the serious and critical violations of a page."""


def axe_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# The computed colour of each visible link and button against the first opaque background
# behind it, and the WCAG contrast ratio of the two. axe classes equal colours (white on white)
# as "needs review", not as a violation: this measures them instead.
_CONTRASTS = """
() => {
  const rgba = (text) => (text.match(/[\\d.]+/g) || ["0", "0", "0", "0"]).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour.length < 4 || colour[3] > 0) return colour;
    }
    return [255, 255, 255, 1];
  };
  return [...document.querySelectorAll("a, button")]
    .filter((element) => element.getClientRects().length && element.innerText.trim())
    .map((element) => {
      const front = luminance(rgba(getComputedStyle(element).color));
      const back = luminance(background(element));
      const ratio = (Math.max(front, back) + 0.05) / (Math.min(front, back) + 0.05);
      return [element.innerText.trim().slice(0, 40), Math.round(ratio * 100) / 100];
    });
}
"""


def low_contrast(page, minimum: float = 4.5) -> list[tuple[str, float]]:
    """The visible links and buttons of the page whose text contrast is under `minimum`."""
    return [(text, ratio) for text, ratio in page.evaluate(_CONTRASTS) if ratio < minimum]
