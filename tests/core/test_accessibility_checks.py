"""The accessibility checks (maillon/audit/checks.py) see what a person sees: each one fails on
a page built with the defect it looks for, and passes once the defect is fixed."""

import pytest

from maillon.audit.checks import contrast_failure
from tests.accessibility import (
    axe_problems,
    contrast_problems,
    focus_problems,
    reflow_problems,
    spacing_problems,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def blank(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 700})
    page = context.new_page()
    yield page
    context.close()


def _page(page, body: str, style: str = "") -> None:
    page.set_content(
        f'<!DOCTYPE html><html lang="fr"><head><title>Essai</title><style>{style}</style></head>'
        f"<body><main><h1>Essai</h1>{body}</main></body></html>"
    )


def test_equal_colours_are_a_failure_not_a_question():
    assert contrast_failure({"messageKey": "equalRatio", "fgColor": "#fff", "bgColor": "#fff"})
    assert contrast_failure({"contrastRatio": 2.1, "expectedContrastRatio": "4.5:1"})
    assert not contrast_failure({"contrastRatio": 0, "messageKey": "bgImage"})  # undecidable
    assert not contrast_failure({"contrastRatio": 7.2, "expectedContrastRatio": "4.5:1"})


def test_white_on_white_buttons_fail_axe(blank):
    pytest.importorskip("axe_playwright_python")
    white = "button { color: #fff; background: #fff; border: 1px solid #767676; }"
    _page(blank, "<button>Supprimer</button>", white)
    assert any("equal colours" in p or "color-contrast" in p for p in axe_problems(blank))
    _page(blank, "<button>Supprimer</button>", "button { color: #a4161a; background: #fff; }")
    assert axe_problems(blank) == []


def test_a_focus_ring_is_measured_against_the_background_around_it(blank):
    body = '<p><a href="#a">Un lien</a></p><div class="dark"><a href="#b">Sur fond bleu</a></div>'
    dark = ".dark { background: #0b4f8a; padding: 1rem; } .dark a { color: #fff; }"
    _page(blank, body, dark + "a:focus { outline: 3px solid #f0a500; outline-offset: 2px; }")
    found = focus_problems(blank)
    assert any("Un lien" in p and "2.08:1" in p for p in found), found
    two_tone = (
        "a:focus { outline: 3px solid #1e1e1e; outline-offset: 2px; box-shadow: 0 0 0 2px #fff; }"
    )
    _page(blank, body, dark + two_tone)
    assert focus_problems(blank) == []
    _page(blank, body, dark + "a:focus { outline: none; }")
    assert any("no visible focus indicator" in p for p in focus_problems(blank))


def test_reflow_at_320_px_allows_only_labelled_scrolling_tables(blank):
    table = "<table><tr>" + "<td>colonne&nbsp;large</td>" * 8 + "</tr></table>"
    _page(blank, table)
    assert any("reaches" in p for p in reflow_problems(blank, reload=False))
    _page(blank, f'<div style="overflow-x:auto">{table}</div>')
    found = reflow_problems(blank, reload=False)
    assert any("not a focusable, labelled region" in p for p in found)
    labelled = 'tabindex="0" role="region" aria-label="Données"'
    region = f'<div style="overflow-x:auto" {labelled}>{table}</div>'
    _page(blank, region)
    assert reflow_problems(blank, reload=False) == []
    _page(blank, '<p><input style="width: 400px" aria-label="Nom"></p>')
    assert any("input" in p for p in reflow_problems(blank, reload=False))
    assert blank.viewport_size == {"width": 1024, "height": 700}  # restored


def test_text_spacing_finds_clipped_text(blank):
    box = '<p class="box">Un texte qui tient de justesse dans sa boîte</p>'
    _page(
        blank, box, ".box { width: 22rem; height: 1.5em; overflow: hidden; white-space: nowrap; }"
    )
    assert any("clips its text" in p for p in spacing_problems(blank))
    _page(blank, box, ".box { max-width: 22rem; }")
    assert spacing_problems(blank) == []


def test_links_and_buttons_are_measured_hovered_and_focused(blank):
    """axe sees the page as loaded: a hover or focus style that paints the text in its
    background's colour is found by forcing each state."""
    body = (
        '<p><a href="#a">Modifier</a> <button>Supprimer</button></p>'
        '<p style="background: #0b4f8a"><a class="light" href="#b">Sur fond bleu</a></p>'
    )
    base = "a { color: #0b4f8a; } .light { color: #fff; } button { color: #a4161a; }"
    _page(blank, body, base)
    assert contrast_problems(blank) == []
    _page(blank, body, base + " button:hover { background: #a4161a; }")
    assert contrast_problems(blank) == ["button « Supprimer » (hover): text 1:1 below 4.5:1"]
    _page(blank, body, base + " .light:focus { color: #4a7fb0; }")
    found = contrast_problems(blank)
    assert [p.split(":")[0] for p in found] == ["a.light « Sur fond bleu » (focus)"], found
    _page(blank, body, base + " a:hover { color: #ddd; } .light:hover { color: #fff; }")
    assert [p.split(" (")[1][:5] for p in contrast_problems(blank)] == ["hover"]
    assert blank.evaluate("getComputedStyle(document.querySelector('a')).color") == (
        "rgb(11, 79, 138)"  # the states are released afterwards
    )
