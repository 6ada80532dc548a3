import io

from django.core.management import call_command
from docx import Document

from maillon.labels.selectors import coverage_on
from maillon.network.models import Site
from tests.labels.conftest import AUTUMN_2020, JAN_2020


def test_publish_command_writes_each_format(pimms, tmp_path):
    for fmt in ("csv", "json", "html", "docx"):
        target = tmp_path / f"liste.{fmt}"
        call_command(
            "publish_labelled_sites",
            "--network",
            "pimms",
            "--on",
            "2020-09-30",
            "--new-since",
            "2020-02-01",
            "--format",
            fmt,
            "--output",
            str(target),
            stderr=io.StringIO(),
        )
        assert target.stat().st_size > 0
    document = Document(str(tmp_path / "liste.docx"))
    assert sum(row.cells[2].text.endswith(" *") for row in document.tables[0].rows) == 13
    assert (tmp_path / "liste.csv").read_text().count("\n") == 54


def test_publish_command_to_stdout(pimms):
    out = io.StringIO()
    call_command("publish_labelled_sites", "--on", "2020-01-01", "--format", "csv", stdout=out)
    assert out.getvalue().count("\n") == 34


def test_check_command_reports_findings(pimms):
    out = io.StringIO()
    call_command("check_data", stdout=out)
    text = out.getvalue()
    assert "Loire (42)" in text
    assert "erreurs" in text


def test_coverage_counts_distinct_territories(pimms):
    sites = Site.objects.in_network(pimms)
    january = coverage_on(programme="france-services", day=JAN_2020, sites=sites)
    assert (january.sites, january.departments, january.regions) == (33, 20, 9)
    assert january.cantons >= 20
    assert january.priority_areas is None
    autumn = coverage_on(programme="france-services", day=AUTUMN_2020, sites=sites)
    assert (autumn.sites, autumn.departments, autumn.regions) == (53, 22, 9)
    assert autumn.cantons > january.cantons


def test_self_check_command_says_why_hours_are_not_met(pimms):
    site = Site.objects.get(external_id="narbonne")
    site.opening_hours = "Mo-Th 09:00-12:00,14:00-16:00"
    site.save()
    out = io.StringIO()
    call_command("label_self_check", str(site.pk), stdout=out)
    text = " ".join(out.getvalue().split())
    assert "non respecté" in text
    assert "20 h par semaine sur 4 jours" in text


def test_publish_command_regenerates_a_printed_list_with_its_differences(pimms):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "publish_labelled_sites",
        "--printed",
        "pimms-france-services-automne-2020",
        "--format",
        "csv",
        stdout=out,
        stderr=err,
    )
    assert out.getvalue().count(";oui\n") == 13
    assert "« Isère » → « Loire (42) »" in err.getvalue()
