"""Differences between a printed list of labelled sites and the same list rebuilt from data.

Each difference says what was printed, what the data (checked against the official geography)
says, why, and which correction the regenerated publication makes.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypeVar

from django.utils.translation import gettext as _

from maillon.core.text import search_key
from maillon.geo.enums import CommuneKind
from maillon.geo.models import Department, Region
from maillon.labels.models import Publication, PublicationEntry
from maillon.labels.publications import LabelledSitesList, labelled_sites_list
from maillon.network.models import Site


class DifferenceKind:
    DEPARTMENT = "department"
    DEPARTMENT_SPELLING = "department_spelling"
    REGION = "region"
    COMMUNE = "commune"
    MOBILE_COMMUNE = "mobile_commune"
    DUPLICATE_ROW = "duplicate_row"
    ORDER = "order"
    NEW_MARK = "new_mark"
    MISSING = "missing"
    NOT_LABELLED = "not_labelled"
    UNMATCHED = "unmatched"
    MATCH_NOTE = "match_note"
    COUNT = "count"


@dataclass(frozen=True)
class Difference:
    kind: str
    positions: tuple[int, ...]
    printed: str
    corrected: str
    explanation: str

    @property
    def where(self) -> str:
        if not self.positions:
            return _("en-tête du communiqué")
        lines = ", ".join(str(p) for p in self.positions)
        return _("ligne %(lines)s de la liste") % {"lines": lines}


_ARTICLE = re.compile(r"^(le|la|les|l) ")


def _commune_aliases(site: Site) -> set[str]:
    commune = site.commune
    if commune is None:  # no commune: no name a publication could print
        return set()
    names = {search_key(commune.name)}
    if commune.kind == CommuneKind.MUNICIPAL_ARRONDISSEMENT and commune.parent_id:
        number = re.search(r"\d+", commune.name)
        if number and (parent := commune.parent) is not None:
            names.add(search_key(f"{parent.name} {number.group()}"))
            names.add(search_key(parent.name))
    names |= {_ARTICLE.sub("", n) for n in names}
    return names


_Place = TypeVar("_Place", Department, Region)


def _name_index(model: type[_Place]) -> dict[str, _Place]:
    return {search_key(obj.name): obj for obj in model.objects.all()}


def publication_differences(
    publication: Publication, listing: LabelledSitesList | None = None
) -> list[Difference]:
    """Every difference between the printed `publication` and the list rebuilt from data."""
    if listing is None:
        listing = labelled_sites_list(
            network=publication.network,
            on=publication.labelled_on,
            new_since=publication.new_since,
            programme=publication.programme.slug,
        )
    entries = list(
        publication.entries.select_related(
            "site__commune__department__region", "site__commune__parent"
        ).order_by("position")
    )
    generated = {row.site_id: row for _r, _d, row in listing.rows()}
    generated.update({row.site_id: row for row in listing.unlocated})
    places = _PrintedPlaces(departments=_name_index(Department), regions=_name_index(Region))
    differences: list[Difference] = []
    for entry in entries:
        differences.extend(_entry_differences(entry, publication, generated, places))
    differences.extend(places.spelling_differences())
    differences.extend(_duplicates(entries))
    differences.extend(_order(entries))
    differences.extend(_missing(entries, listing))
    differences.extend(_counts(publication, entries, listing))
    return differences


@dataclass
class _PrintedPlaces:
    """The official departments and regions by folded name, and the misspelt department
    names met so far (one difference per spelling, listing its lines)."""

    departments: dict[str, Department]
    regions: dict[str, Region]
    spelling: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))

    def spelling_differences(self) -> list[Difference]:
        return [
            Difference(
                DifferenceKind.DEPARTMENT_SPELLING,
                tuple(positions),
                printed,
                official,
                _("Orthographe officielle du département : « %(official)s ».")
                % {"official": official},
            )
            for (printed, official), positions in self.spelling.items()
        ]


def _entry_differences(
    entry: PublicationEntry,
    publication: Publication,
    generated: dict,
    places: _PrintedPlaces,
) -> list[Difference]:
    """The differences of one printed line, in the order a reader checks them: the site, its
    department, region and commune, its "new" mark."""
    site = entry.site
    if site is None:
        return [
            Difference(
                DifferenceKind.UNMATCHED,
                (entry.position,),
                entry.printed_name,
                "",
                _("Aucun point d'accueil des données ne correspond à cette ligne."),
            ),
        ]
    differences = _match_differences(entry, site, publication, generated)
    if site.commune_id is None:
        return differences
    differences.extend(_department_differences(entry, site, places))
    differences.extend(_region_differences(entry, site, places))
    differences.extend(_commune_differences(entry, site))
    differences.extend(_new_mark_differences(entry, site, publication, generated))
    return differences


def _match_differences(
    entry: PublicationEntry, site, publication: Publication, generated: dict
) -> list[Difference]:
    """How the line was matched to a site, and whether that site is labelled on the day."""
    differences = []
    if entry.match_note:
        differences.append(
            Difference(
                DifferenceKind.MATCH_NOTE,
                (entry.position,),
                entry.printed_name,
                site.name,
                entry.match_note,
            )
        )
    if site.pk not in generated:
        differences.append(
            Difference(
                DifferenceKind.NOT_LABELLED,
                (entry.position,),
                entry.printed_name,
                "",
                _("%(site)s n'est pas labellisé au %(date)s d'après les décisions.")
                % {"site": site.name, "date": f"{publication.labelled_on:%d/%m/%Y}"},
            )
        )
    return differences


def _department_differences(
    entry: PublicationEntry, site, places: _PrintedPlaces
) -> list[Difference]:
    """The printed department is the site's (by the official geography), else a difference;
    a mere misspelling is collected for one difference per spelling."""
    department = site.commune.department
    printed = places.departments.get(search_key(entry.printed_department))
    if printed is not None and printed.pk == department.pk:
        if entry.printed_department != department.name:
            places.spelling[(entry.printed_department, department.name)].append(entry.position)
        return []
    return [
        Difference(
            DifferenceKind.DEPARTMENT,
            (entry.position,),
            entry.printed_department,
            f"{department.name} ({department.code})",
            _(
                "%(site)s est à %(commune)s (%(code)s), commune du département "
                "%(department)s (%(dep_code)s) selon le Code officiel géographique, "
                "pas %(printed)s : la publication le classe en %(department)s."
            )
            % {
                "site": site.name,
                "commune": site.commune.name,
                "code": site.commune.code,
                "department": department.name,
                "dep_code": department.code,
                "printed": entry.printed_department,
            },
        )
    ]


def _region_differences(entry: PublicationEntry, site, places: _PrintedPlaces) -> list[Difference]:
    """The printed region, when there is one, is the region of the site's department."""
    department = site.commune.department
    if not entry.printed_region:
        return []
    printed = places.regions.get(search_key(entry.printed_region))
    if printed is not None and printed.pk == department.region_id:
        return []
    return [
        Difference(
            DifferenceKind.REGION,
            (entry.position,),
            entry.printed_region,
            department.region.name,
            _("Le département %(department)s est en région %(region)s.")
            % {"department": department.name, "region": department.region.name},
        )
    ]


def _commune_differences(entry: PublicationEntry, site) -> list[Difference]:
    """The printed commune is an official name of the site's commune (or, for a mobile site,
    says that the list gives none)."""
    differences = []
    if entry.printed_commune:
        printed = _ARTICLE.sub("", search_key(entry.printed_commune))
        if site.is_mobile and printed not in _commune_aliases(site):
            differences.append(
                Difference(
                    DifferenceKind.MOBILE_COMMUNE,
                    (entry.position,),
                    entry.printed_commune,
                    f"{site.commune.name} ({site.commune.code})",
                    _(
                        "Point d'accueil itinérant : la liste imprimée ne donne pas de "
                        "commune ; les données le rattachent à %(commune)s, son point "
                        "d'attache dans la liste ANCT."
                    )
                    % {"commune": site.commune.name},
                )
            )
        elif printed not in _commune_aliases(site):
            differences.append(
                Difference(
                    DifferenceKind.COMMUNE,
                    (entry.position,),
                    entry.printed_commune,
                    f"{site.commune.name} ({site.commune.code})",
                    _(
                        "« %(printed)s » n'est pas le nom officiel de la commune : le "
                        "point d'accueil est à %(commune)s (code INSEE %(code)s)."
                    )
                    % {
                        "printed": entry.printed_commune,
                        "commune": site.commune.name,
                        "code": site.commune.code,
                    },
                )
            )
    return differences


def _new_mark_differences(
    entry: PublicationEntry, site, publication: Publication, generated: dict
) -> list[Difference]:
    """The "new" mark matches a labelling since the publication's `new_since`."""
    differences = []
    row = generated.get(site.pk)
    if row is not None and publication.new_since and row.is_new != entry.marked_new:
        differences.append(
            Difference(
                DifferenceKind.NEW_MARK,
                (entry.position,),
                _("marqué nouveau") if entry.marked_new else _("non marqué"),
                _("nouveau") if row.is_new else _("pas nouveau"),
                _("Labellisation nouvelle depuis le %(date)s : %(answer)s d'après les données.")
                % {
                    "date": f"{publication.new_since:%d/%m/%Y}",
                    "answer": _("oui") if row.is_new else _("non"),
                },
            )
        )

    return differences


def _duplicates(entries: list[PublicationEntry]) -> list[Difference]:
    groups: dict[tuple[str, str, str], list[PublicationEntry]] = defaultdict(list)
    for entry in entries:
        key = (
            search_key(entry.printed_department),
            search_key(entry.printed_commune),
            search_key(entry.printed_name),
        )
        groups[key].append(entry)
    result = []
    for group in groups.values():
        if len(group) < 2:
            continue
        sites = [e.site for e in group if e.site]
        distinct = {s.pk for s in sites}
        if len(distinct) == len(group):
            explanation = _(
                "Ligne répétée à l'identique ; les données distinguent %(count)s points "
                "d'accueil : %(names)s. La publication les nomme."
            ) % {
                "count": len(distinct),
                "names": ", ".join(
                    f"{s.name} (id_fs {s.fs_id})" if s.fs_id else s.name for s in sites
                ),
            }
        else:
            explanation = _("Le même point d'accueil figure plusieurs fois : compté une fois.")
        printed = " / ".join(filter(None, [group[0].printed_department, group[0].printed_commune]))
        result.append(
            Difference(
                DifferenceKind.DUPLICATE_ROW,
                tuple(e.position for e in group),
                f"{printed} — {group[0].printed_name}",
                " ; ".join(s.name for s in sites),
                explanation,
            )
        )
    return result


def _order(entries: list[PublicationEntry]) -> list[Difference]:
    """Rows of one printed département that are not contiguous."""
    seen: dict[str, int] = {}
    previous = None
    result = []
    for entry in entries:
        key = search_key(entry.printed_department)
        if key != previous and key in seen:
            result.append(
                Difference(
                    DifferenceKind.ORDER,
                    (seen[key], entry.position),
                    entry.printed_department,
                    "",
                    _(
                        "Les lignes du département « %(department)s » ne sont pas regroupées "
                        "(ligne %(first)s puis ligne %(again)s) : la publication trie par "
                        "région puis département, dans l'ordre alphabétique."
                    )
                    % {
                        "department": entry.printed_department,
                        "first": seen[key],
                        "again": entry.position,
                    },
                )
            )
        seen.setdefault(key, entry.position)
        previous = key
    return result


def _missing(entries: list[PublicationEntry], listing: LabelledSitesList) -> list[Difference]:
    printed_ids = {e.site_id for e in entries if e.site_id}
    rows = [row for _r, _d, row in listing.rows()] + listing.unlocated
    return [
        Difference(
            DifferenceKind.MISSING,
            (),
            "",
            row.name,
            _("%(site)s est labellisé à cette date d'après les données mais absent de la liste.")
            % {"site": row.name},
        )
        for row in rows
        if row.site_id not in printed_ids
    ]


def _counts(
    publication: Publication, entries: list[PublicationEntry], listing: LabelledSitesList
) -> list[Difference]:
    result = []
    printed_rows = len(entries)
    printed_new = sum(e.marked_new for e in entries)
    checks = [
        (publication.declared_total, printed_rows, _("lignes imprimées")),
        (publication.declared_total, listing.total, _("points d'accueil labellisés (données)")),
        (publication.declared_new, printed_new, _("lignes marquées nouvelles")),
        (publication.declared_new, listing.new, _("nouveaux points d'accueil (données)")),
        (
            publication.declared_departments,
            listing.department_count,
            _("départements (données)"),
        ),
    ]
    for declared, measured, what in checks:
        if declared is not None and declared != measured:
            result.append(
                Difference(
                    DifferenceKind.COUNT,
                    (),
                    str(declared),
                    str(measured),
                    _("Le communiqué annonce %(declared)s, on compte %(measured)s %(what)s.")
                    % {"declared": declared, "measured": measured, "what": what},
                )
            )
    return result
