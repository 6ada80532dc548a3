"""The list of labelled sites of a network on a date, grouped by région then département.

Built from label decisions and the official geography, never from a printed list:
`labelled_sites_list()` returns the structure, `render_*` turn it into CSV, JSON, HTML or DOCX.
"""

import datetime
import io
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from maillon.core.dates import french_date
from maillon.core.spreadsheets import csv_writer
from maillon.labels.enums import FRANCE_SERVICES
from maillon.labels.models import LabelProgramme
from maillon.labels.selectors import sites_labelled_on
from maillon.network.models import Network, OrganisationName, Site

FORMATS = ("html", "csv", "json", "docx")
NEW_MARK = "*"


def french_sort_key(text: str) -> tuple[str, str]:
    """Alphabetical order of French: accents, case, hyphens and apostrophes are secondary.

    "Île-de-France" sorts between "Hauts-de-France" and "Normandie"; "Saône-et-Loire" after
    "Sarthe"... as in a dictionary.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    base = re.sub(r"[^0-9a-z]+", " ", base).strip()
    return base, text


@dataclass
class Row:
    site_id: int
    name: str
    commune: str
    commune_code: str
    organisation: str
    kind: str
    is_new: bool
    fs_id: str


@dataclass
class DepartmentGroup:
    code: str
    name: str
    rows: list[Row] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def new(self) -> int:
        return sum(r.is_new for r in self.rows)


@dataclass
class RegionGroup:
    code: str
    name: str
    departments: list[DepartmentGroup] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(d.total for d in self.departments)

    @property
    def new(self) -> int:
        return sum(d.new for d in self.departments)


@dataclass
class LabelledSitesList:
    network: str
    programme: str
    on: datetime.date
    new_since: datetime.date | None
    regions: list[RegionGroup]
    unlocated: list[Row] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(r.total for r in self.regions) + len(self.unlocated)

    @property
    def new(self) -> int:
        return sum(r.new for r in self.regions) + sum(r.is_new for r in self.unlocated)

    @property
    def department_count(self) -> int:
        return sum(len(r.departments) for r in self.regions)

    @property
    def title(self) -> str:
        return _("%(network)s : points d'accueil labellisés %(programme)s au %(date)s") % {
            "network": self.network,
            "programme": self.programme,
            "date": french_date(self.on),
        }

    @property
    def legend(self) -> str:
        if self.new_since is None:
            return ""
        return _("%(mark)s nouvelle labellisation depuis le %(date)s") % {
            "mark": NEW_MARK,
            "date": french_date(self.new_since),
        }

    def rows(self) -> list[tuple[RegionGroup, DepartmentGroup, Row]]:
        return [(r, d, row) for r in self.regions for d in r.departments for row in d.rows]


def organisation_name_on(names: list[OrganisationName], day: datetime.date, default: str) -> str:
    """The name an organisation bore on `day`: the latest name started by then, else the first
    known name (names with no start date are the oldest)."""
    ordered = sorted(names, key=lambda n: n.valid_from or datetime.date.min)
    current = [n for n in ordered if (n.valid_from or datetime.date.min) <= day]
    if current:
        return current[-1].name
    return ordered[0].name if ordered else default


def labelled_sites_list(
    *,
    network: Network,
    on: datetime.date,
    new_since: datetime.date | None = None,
    programme: str = FRANCE_SERVICES,
) -> LabelledSitesList:
    """Sites of `network` labelled on `on`; those not labelled on `new_since` are new."""
    programme_obj = LabelProgramme.objects.get(slug=programme)
    base = Site.objects.in_network(network)
    labelled = (
        sites_labelled_on(programme=programme, day=on, sites=base)
        .select_related("commune__department__region", "commune__parent", "organisation")
        .prefetch_related(Prefetch("organisation__names", queryset=OrganisationName.objects.all()))
    )
    new_ids: set[int] = set()
    if new_since is not None:
        before = set(
            sites_labelled_on(programme=programme, day=new_since, sites=base).values_list(
                "pk", flat=True
            )
        )
        new_ids = {s.pk for s in labelled} - before

    regions: dict[str, RegionGroup] = {}
    unlocated: list[Row] = []
    for site in labelled:
        organisation, commune = site.organisation, site.commune
        row = Row(
            site_id=site.pk,
            name=site.name,
            commune=commune.name if commune is not None else "",
            commune_code=commune.code if commune is not None else "",
            organisation=(
                organisation_name_on(list(organisation.names.all()), on, organisation.name)
                if organisation
                else ""
            ),
            kind=str(site.get_kind_display()),
            is_new=site.pk in new_ids,
            fs_id=site.fs_id or "",
        )
        if commune is None:
            unlocated.append(row)
            continue
        department = commune.department
        region = regions.setdefault(
            department.region_id, RegionGroup(department.region_id, department.region.name)
        )
        group = next((d for d in region.departments if d.code == department.code), None)
        if group is None:
            group = DepartmentGroup(department.code, department.name)
            region.departments.append(group)
        group.rows.append(row)

    ordered = sorted(regions.values(), key=lambda r: french_sort_key(r.name))
    for region in ordered:
        region.departments.sort(key=lambda d: french_sort_key(d.name))
        for group in region.departments:
            group.rows.sort(key=lambda r: french_sort_key(r.name))
    return LabelledSitesList(
        network=network.name,
        programme=programme_obj.name,
        on=on,
        new_since=new_since,
        regions=ordered,
        unlocated=sorted(unlocated, key=lambda r: french_sort_key(r.name)),
    )


CSV_HEADER = (
    "région",
    "département (code)",
    "département",
    "commune (code INSEE)",
    "commune",
    "point d'accueil",
    "structure porteuse",
    "type",
    "identifiant France Services",
    "nouveau",
)


def render_csv(listing: LabelledSitesList) -> str:
    """CSV for French spreadsheets: a byte order mark, `;` between cells."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv_writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for region, department, row in listing.rows():
        writer.writerow(
            [
                region.name,
                department.code,
                department.name,
                row.commune_code,
                row.commune,
                row.name,
                row.organisation,
                row.kind,
                row.fs_id,
                "oui" if row.is_new else "non",
            ]
        )
    return out.getvalue()


def render_json(listing: LabelledSitesList) -> str:
    data = {
        "network": listing.network,
        "programme": listing.programme,
        "on": listing.on.isoformat(),
        "new_since": listing.new_since.isoformat() if listing.new_since else None,
        "total": listing.total,
        "new": listing.new,
        "departments": listing.department_count,
        "regions": [
            {
                "code": region.code,
                "name": region.name,
                "total": region.total,
                "new": region.new,
                "departments": [
                    {
                        "code": d.code,
                        "name": d.name,
                        "total": d.total,
                        "new": d.new,
                        "sites": [asdict(row) for row in d.rows],
                    }
                    for d in region.departments
                ],
            }
            for region in listing.regions
        ],
        "unlocated": [asdict(row) for row in listing.unlocated],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def render_html(listing: LabelledSitesList) -> str:
    """A standalone HTML document (the same table as the page, without the site chrome)."""
    return render_to_string(
        "labels/publication_document.html", {"listing": listing, "new_mark": NEW_MARK}
    )


def render_docx(listing: LabelledSitesList) -> bytes:
    """A Word document a communications officer can paste into a press release."""
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt, RGBColor

    document = Document()
    document.add_heading(listing.title, level=1)
    summary = _("%(total)s points d'accueil labellisés dans %(departments)s départements.") % {
        "total": listing.total,
        "departments": listing.department_count,
    }
    if listing.new_since is not None:
        summary += " " + _("Dont %(new)s nouveaux depuis le %(date)s.") % {
            "new": listing.new,
            "date": french_date(listing.new_since),
        }
    document.add_paragraph(summary)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        (_("Région"), _("Département"), _("Nom du point d'accueil labellisé")),
        strict=True,
    ):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for region in listing.regions:
        first_of_region = True
        for department in region.departments:
            for row in department.rows:
                cells = table.add_row().cells
                cells[0].text = region.name if first_of_region else ""
                cells[1].text = department.name
                paragraph = cells[2].paragraphs[0]
                name = paragraph.add_run(row.name)
                if row.is_new:
                    name.font.highlight_color = WD_COLOR_INDEX.YELLOW
                    paragraph.add_run(" ")
                    mark = paragraph.add_run(NEW_MARK)
                    mark.bold = True
                    mark.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
                first_of_region = False
        cells = table.add_row().cells
        cells[0].text = _("Total %(region)s") % {"region": region.name}
        cells[2].text = _("%(total)s points d'accueil") % {"total": region.total}
        for cell in cells:
            for run in cell.paragraphs[0].runs:
                run.italic = True
    cells = table.add_row().cells
    cells[0].text = _("Total")
    cells[2].text = _("%(total)s points d'accueil") % {"total": listing.total}
    for cell in cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    if listing.legend:
        legend = document.add_paragraph()
        legend.add_run(listing.legend).font.size = Pt(9)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render(listing: LabelledSitesList, fmt: str) -> str | bytes:
    renderers: dict[str, Callable[[LabelledSitesList], str | bytes]] = {
        "html": render_html,
        "csv": render_csv,
        "json": render_json,
        "docx": render_docx,
    }
    return renderers[fmt](listing)


CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
