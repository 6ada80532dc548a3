"""Server-side SVG charts: valid, accessible, faithful to their data, the same in the PDF."""

import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from pypdf import PdfReader

from maillon.reports.rendering.charts import PALETTE, bar_chart, line_chart, nice_ticks
from maillon.reports.rendering.numbers import format_number
from maillon.reports.rendering.pdf import render_pdf

SVG = "{http://www.w3.org/2000/svg}"
NNBSP = "\u202f"


def parse(chart):
    return ET.fromstring(str(chart.svg))  # noqa: S314 — our own markup


def bars(chart):
    return [
        (float(r.get("data-value")), r)
        for r in parse(chart).iter(f"{SVG}rect")
        if r.get("class") == "bar"
    ]


def partners_chart(**kwargs):
    return bar_chart(
        title="Demandes par partenaire",
        description="Nombre de demandes accompagnées en 2025, par partenaire.",
        categories=["CAF", "Assurance Maladie", "EDF & Engie « local »"],
        series=[("Demandes", [1234, 617, 0])],
        unit="demandes",
        **kwargs,
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (999, "999"),
        (1234, f"1{NNBSP}234"),
        (1234567, f"1{NNBSP}234{NNBSP}567"),
        (12.5, "12,5"),
        (Decimal("1234.25"), f"1{NNBSP}234,2"),
        (None, "—"),
    ],
    ids=["zero", "hundreds", "thousands", "millions", "float", "decimal", "missing"],
)
def test_numbers_are_written_the_french_way(value, text):
    assert format_number(value) == text


def test_ticks_are_round_and_cover_the_maximum():
    assert nice_ticks(1234) == [0, 250, 500, 750, 1000, 1250]
    assert nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(0.8, integers=False)[-1] >= 0.8


@pytest.mark.parametrize("horizontal", [False, True], ids=["columns", "rows"])
def test_bar_chart_is_valid_accessible_svg(horizontal):
    chart = partners_chart(horizontal=horizontal)
    root = parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox")
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").text == "Demandes par partenaire"
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert "2025" in root.find(f"{SVG}desc").text
    svg = str(chart.svg)
    assert "<script" not in svg and "@font-face" not in svg and "href" not in svg


@pytest.mark.parametrize("horizontal", [False, True], ids=["columns", "rows"])
def test_bars_are_proportional_to_values(horizontal):
    chart = partners_chart(horizontal=horizontal)
    size = "width" if horizontal else "height"
    drawn = [(value, float(rect.get(size))) for value, rect in bars(chart)]
    assert [value for value, _ in drawn] == [1234, 617, 0]
    assert drawn[1][1] == pytest.approx(drawn[0][1] / 2, rel=1e-3)
    assert drawn[2][1] == 0


def test_axis_ticks_use_french_number_formatting():
    chart = partners_chart()
    texts = [t.text for t in parse(chart).iter(f"{SVG}text")]
    assert f"1{NNBSP}250" in texts
    assert "1,250" not in texts and "1250" not in texts


def test_labels_are_escaped_everywhere():
    chart = bar_chart(
        title='Sites « A & B » <script>alert("x")</script>',
        description="d'après & co",
        categories=['PIMMS "Lyon" & Co <b>'],
        series=[("Demandes", [3])],
    )
    root = parse(chart)  # would not parse if & or < leaked
    assert root.find(f"{SVG}title").text == 'Sites « A & B » <script>alert("x")</script>'
    html = render_to_string("reports/_chart.html", {"chart": chart})
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;" in html


def test_table_holds_exactly_the_input_values():
    chart = bar_chart(
        title="Demandes par canal",
        description="Comparaison de deux années.",
        categories=["sur site", "téléphone"],
        series=[("2024", [1500, 20]), ("2025", [1650, Decimal("2.5")])],
        category_label="Canal",
    )
    table = chart.table
    assert table.header == ["Canal", "2024", "2025"]
    assert [(row.label, row.values) for row in table.rows] == [
        ("sur site", [1500, 1650]),
        ("téléphone", [20, Decimal("2.5")]),
    ]
    assert table.rows[0].cells == [f"1{NNBSP}500", f"1{NNBSP}650"]


def test_several_series_get_a_legend_and_distinct_colours():
    chart = line_chart(
        title="Évolution mensuelle",
        description="Demandes et personnes accompagnées par mois.",
        categories=["janv. 2025", "févr. 2025", "mars 2025"],
        series=[("Demandes", [10, 20, 30]), ("Personnes", [5, 8, 13])],
    )
    root = parse(chart)
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["Demandes", "Personnes"]
    lines = [p for p in root.iter(f"{SVG}polyline")]
    assert len(lines) == 2
    assert lines[0].get("stroke") != lines[1].get("stroke")
    assert lines[0].get("stroke-dasharray") != lines[1].get("stroke-dasharray")  # not colour only
    points = [float(c.get("data-value")) for c in root.iter(f"{SVG}circle")]
    assert points == [10, 20, 30, 5, 8, 13]
    single = partners_chart()
    assert not [g for g in parse(single).iter(f"{SVG}g") if g.get("class") == "legend"]


def test_line_points_are_placed_proportionally():
    chart = line_chart(
        title="Évolution",
        description="Demandes par mois.",
        categories=["a", "b", "c"],
        series=[("Demandes", [0, 50, 100])],
    )
    ys = [float(c.get("cy")) for c in parse(chart).iter(f"{SVG}circle")]
    assert ys[0] - ys[1] == pytest.approx(ys[1] - ys[2])
    assert ys[0] > ys[1] > ys[2]  # higher value, higher on the page


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("colour", PALETTE)
def test_palette_contrasts_with_white(colour):
    assert (1.05) / (_luminance(colour) + 0.05) >= 3


@pytest.mark.parametrize(
    "series",
    [[("Demandes", [0, 0])], [("Demandes", [None, None])], []],
    ids=["zeros", "missing", "no-series"],
)
def test_empty_data_says_so_in_french(series):
    chart = bar_chart(title="Demandes", description="", categories=["a", "b"], series=series)
    assert chart.empty
    assert "Aucune donnée pour cette période." in str(chart.svg)
    parse(chart)
    html = render_to_string("reports/_chart.html", {"chart": chart})
    assert "Aucune donnée pour cette période." in html
    assert "<details" not in html and "<rect" not in html


def test_no_categories_is_empty_too():
    chart = line_chart(title="Évolution", description="", categories=[], series=[("x", [])])
    assert chart.empty and "Aucune donnée" in str(chart.svg)


def test_series_length_must_match_categories():
    with pytest.raises(ValueError):
        bar_chart(title="t", description="", categories=["a"], series=[("s", [1, 2])])


def test_included_figure_has_caption_toggle_and_table():
    chart = partners_chart(horizontal=True)
    html = Template('{% include "reports/_chart.html" with chart=chart %}').render(
        Context({"chart": chart})
    )
    assert re.search(r"<figure[^>]*>", html)
    assert "<figcaption" in html and "Demandes par partenaire" in html
    assert "<details" in html and "Voir les données" in html
    assert "EDF &amp; Engie « local »" in html
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    assert cells == [f"1{NNBSP}234", "617", "0"]


def test_ids_are_unique_per_chart_on_a_page():
    charts = [
        partners_chart(),
        partners_chart(horizontal=True),
        line_chart(title="Évolution", description="", categories=["a"], series=[("s", [1])]),
    ]
    html = "".join(render_to_string("reports/_chart.html", {"chart": c}) for c in charts)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert len({c.id for c in charts}) == 3


@pytest.mark.usefixtures("pdf_rendering")
def test_pdf_contains_the_chart(tmp_path, settings):
    chart = partners_chart(horizontal=True)
    trend = line_chart(
        title="Évolution mensuelle des demandes",
        description="Demandes par mois.",
        categories=["janv.", "févr.", "mars"],
        series=[("Demandes", [12, 30, 18])],
    )
    html = "".join(render_to_string("reports/_chart.html", {"chart": c}) for c in (chart, trend))
    (tmp_path / "charts_test.html").write_text(f"<html><body>{html}</body></html>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0].get("DIRS", [])]}
    ]
    pdf = render_pdf("charts_test.html", {})
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Demandes par partenaire" in text
    assert "Évolution mensuelle des demandes" in text
    # the SVG itself is drawn: its labels are text in the PDF
    assert "Assurance Maladie" in text


def test_horizontal_labels_are_whole_when_they_fit():
    chart = bar_chart(
        title="Thèmes",
        description="",
        categories=["Famille - Scolarité", "Logement"],
        series=[("Demandes", [3, 1])],
        horizontal=True,
    )
    texts = [t.text for t in parse(chart).iter(f"{SVG}text")]
    assert "Famille - Scolarité" in texts
    long = bar_chart(
        title="Partenaires",
        description="",
        categories=["France Titres (ANTS) — ministère de l'Intérieur et des Outre-mer", "CAF"],
        series=[("Demandes", [3, 1])],
        horizontal=True,
    )
    assert any(t.text.endswith("…") for t in parse(long).iter(f"{SVG}text") if t.text)
