import csv
import io
import json

from docx import Document

from maillon.labels.publications import (
    french_sort_key,
    labelled_sites_list,
    render_csv,
    render_docx,
    render_html,
    render_json,
)
from tests.labels.conftest import AUTUMN_2020, FEB_2020, JAN_2020


def test_french_collation_ignores_accents_and_hyphens():
    names = ["Normandie", "Île-de-France", "Hauts-de-France", "Grand Est", "Occitanie"]
    assert sorted(names, key=french_sort_key) == [
        "Grand Est",
        "Hauts-de-France",
        "Île-de-France",
        "Normandie",
        "Occitanie",
    ]


def test_january_2020_list_has_33_sites_in_20_departments(pimms):
    listing = labelled_sites_list(network=pimms, on=JAN_2020)
    assert listing.total == 33
    assert listing.department_count == 20
    assert listing.new == 0
    finistere = next(d for r in listing.regions for d in r.departments if d.code == "29")
    assert [row.name for row in finistere.rows] == [
        "PIMMS Brest - Kérédern",
        "PIMMS Brest - Pontanézen",
        "PIMMS Quimper Cornouaille",
    ]
    # The organisation is named as it was then.
    amplepuis = next(row for _r, _d, row in listing.rows() if row.commune == "Amplepuis")
    assert amplepuis.organisation == "PIMMS Canton de Chauffailles"


def test_autumn_2020_list_has_53_sites_13_new_grouped_by_region(pimms):
    listing = labelled_sites_list(network=pimms, on=AUTUMN_2020, new_since=FEB_2020)
    assert listing.total == 53
    assert listing.new == 13
    assert [r.name for r in listing.regions] == [
        "Auvergne-Rhône-Alpes",
        "Bourgogne-Franche-Comté",
        "Bretagne",
        "Centre-Val de Loire",
        "Grand Est",
        "Hauts-de-France",
        "Île-de-France",
        "Nouvelle-Aquitaine",
        "Occitanie",
    ]
    ara = listing.regions[0]
    assert [d.name for d in ara.departments] == ["Drôme", "Isère", "Loire", "Rhône"]
    assert [(d.total, d.new) for d in ara.departments] == [(1, 0), (3, 1), (3, 3), (9, 4)]
    assert ara.total == 16
    loire = ara.departments[2]
    assert {row.name for row in loire.rows} == {
        "PIMMS Métropole Stéphanoise - La Cotonne",
        "PIMMS Métropole Stéphanoise - Saint-Chamond",
        "PIMMS Métropole Stéphanoise - Montreynaud",
    }
    assert sum(r.total for r in listing.regions) == 53
    new_names = {row.name for _r, _d, row in listing.rows() if row.is_new}
    assert "PIMMS Nîmes - PIMMS mobile" in new_names
    assert "PIMMS Ambazac" not in new_names  # labelled on 1 Feb 2020


def test_new_since_january_counts_february_wave_too(pimms):
    listing = labelled_sites_list(network=pimms, on=AUTUMN_2020, new_since=JAN_2020)
    assert listing.new == 20


def test_csv_and_json_formats(pimms):
    listing = labelled_sites_list(network=pimms, on=AUTUMN_2020, new_since=FEB_2020)
    text = render_csv(listing)
    assert text.startswith("\ufeffrégion;")  # for French spreadsheets
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert len(rows) == 53
    assert sum(r["nouveau"] == "oui" for r in rows) == 13
    assert {r["département"] for r in rows if "Stéphanoise" in r["point d'accueil"]} == {"Loire"}
    data = json.loads(render_json(listing))
    assert (data["total"], data["new"], data["departments"]) == (53, 13, 22)
    assert data["regions"][6]["name"] == "Île-de-France"
    assert data["regions"][6]["total"] == 14


def test_html_marks_new_sites_with_an_asterisk_and_legend(pimms):
    listing = labelled_sites_list(network=pimms, on=AUTUMN_2020, new_since=FEB_2020)
    html = render_html(listing)
    assert html.count('class="new-mark"') == 13
    assert "* nouvelle labellisation depuis le 1er février 2020" in html
    assert "Total Auvergne-Rhône-Alpes" in html


def test_docx_reads_back_with_groups_marks_and_totals(pimms):
    listing = labelled_sites_list(network=pimms, on=AUTUMN_2020, new_since=FEB_2020)
    document = Document(io.BytesIO(render_docx(listing)))
    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    sites = [r for r in rows[1:] if not r[0].startswith("Total")]
    assert len(sites) == 53
    assert sum(r[2].endswith(" *") for r in sites) == 13
    assert ["Loire", "PIMMS Métropole Stéphanoise - La Cotonne *"] in [r[1:] for r in sites]
    assert rows[-1][0] == "Total" and rows[-1][2] == "53 points d'accueil"
    assert ["Total Île-de-France", "", "14 points d'accueil"] in rows
    text = "\n".join(p.text for p in document.paragraphs)
    assert "53 points d'accueil labellisés dans 22 départements" in text
    assert "* nouvelle labellisation depuis le 1er février 2020" in text


def test_the_list_is_built_in_a_fixed_number_of_queries(pimms, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        listing = labelled_sites_list(network=pimms, on=AUTUMN_2020, new_since=FEB_2020)
        render_csv(listing)
