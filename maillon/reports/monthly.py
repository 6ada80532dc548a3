"""The France Services monthly report of one site: the figures a site sends each month.

- requests by national operator (partners of kind « opérateur national ») and help given, with
  the local partners and the requests without partner on their own lines so the total is every
  request of the site;
- people accompanied (visits) by channel, with first visits and residents of a QPV;
- collective workshops and their participants, by theme;
- outreach acts and the people reached, by place.

Usually one month, but any run of whole months works (a quarter for a committee). Read from the
daily rollups only. Readers: the agents of the site, its managers and the network head (every
user who may see the site, `scope_get(kind="site")`); a partner viewer sees no site.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.accounts.models import User
from maillon.activity.models import Channel, HelpKind, OutreachPlace, Theme
from maillon.core.errors import NotFound
from maillon.network.models import Partner, Site
from maillon.reports import indicators
from maillon.reports.indicators import label
from maillon.reports.periods import Period
from maillon.reports.scopes import Scope, scope_get

SOURCE = "cumuls quotidiens Maillon"
VISITS = ("people_helped", "first_visits", "qpv_residents")  # the columns of the visits table


@dataclass(frozen=True)
class Line:
    label: str
    values: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class Table:
    code: str
    title: str
    row_header: str
    columns: tuple[str, ...]
    lines: list[Line]
    sheet: str = ""  # the short name of its XLSX sheet (31 characters at most)

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(line.values[i] for line in self.lines) for i in range(len(self.columns)))

    @property
    def grand_total(self) -> int:
        return sum(self.totals)


@dataclass
class MonthlyReport:
    site: Site
    period: Period
    requests: Table  # operators × help given
    visits: Table  # channels × (visits, first visits, QPV residents)
    workshops: Table  # themes × (workshops, participants)
    outreach: Table  # places × (acts, people reached)
    generated_at: datetime.datetime
    source: str = SOURCE

    @property
    def tables(self) -> list[Table]:
        return [self.requests, self.visits, self.workshops, self.outreach]

    @property
    def summary(self) -> list[tuple[str, int]]:
        return [
            (label("requests"), self.requests.grand_total),
            (label("people_helped"), self.visits.totals[0]),
            (label("workshops"), self.workshops.totals[0]),
            (label("workshop_participants"), self.workshops.totals[1]),
            (label("outreach_acts"), self.outreach.totals[0]),
        ]

    def as_dict(self) -> dict:
        return {
            "site": {"id": self.site.pk, "name": self.site.name, "fs_id": self.site.fs_id or None},
            "period": self.period.code,
            "period_label": self.period.label,
            "start": self.period.start,
            "end": self.period.end,
            "generated_at": self.generated_at,
            "source": self.source,
            "tables": [
                {
                    "code": table.code,
                    "title": table.title,
                    "columns": list(table.columns),
                    "rows": [
                        {"label": line.label, "values": list(line.values), "total": line.total}
                        for line in table.lines
                    ],
                    "totals": list(table.totals),
                }
                for table in self.tables
            ],
        }


def _terms_in(model, period: Period, used: set) -> list:
    """The taxonomy's terms valid during the period, plus retired ones that have figures."""
    valid = Q(valid_from__isnull=True) | Q(valid_from__lte=period.end)
    valid &= Q(valid_until__isnull=True) | Q(valid_until__gte=period.start)
    return list(model.objects.filter(valid | Q(pk__in=used)).order_by("position", "pk"))


def _requests_table(scope: Scope, period: Period) -> Table:
    counts = {
        key: (row["requests"],)
        for key, row in indicators.sums(
            scope, period, ("requests",), by=("partner", "help_kind"), daily=True
        ).items()
    }
    helps = _terms_in(HelpKind, period, {help_id for _p, help_id in counts})
    partner_ids = {partner_id for partner_id, _h in counts}
    in_force = Q(valid_from__isnull=True) | Q(valid_from__lte=period.end)
    in_force &= Q(valid_until__isnull=True) | Q(valid_until__gte=period.start)
    operators = list(
        Partner.objects.national_operators()
        .filter(in_force | Q(pk__in=partner_ids))
        .order_by("name")
    )
    operator_ids = {partner.pk for partner in operators}

    def line(label: str, partners) -> Line:
        return Line(
            label,
            tuple(sum(counts.get((p, h.pk), (0,))[0] for p in partners) for h in helps),
        )

    others = partner_ids - operator_ids - {0}
    lines = [line(str(partner), [partner.pk]) for partner in operators]
    lines.append(line(_("Partenaires locaux et privés"), others))
    lines.append(line(_("Sans partenaire"), [0]))
    return Table(
        "requests",
        _("Demandes par opérateur et aide apportée"),
        _("Opérateur"),
        tuple(h.label for h in helps),
        lines,
        _("Demandes"),
    )


def _simple_table(code, title, sheet, row_header, columns, model, scope, key, codes, period):
    """One line per term of the taxonomy `key`, one column per indicator of `codes` (daily
    rollup), plus « non renseigné » for figures recorded without the term."""
    sums = indicators.sums(scope, period, codes, by=(key,), daily=True)
    counts = {group: tuple(row[c] for c in codes) for group, row in sums.items()}
    terms = _terms_in(model, period, {k for (k,) in counts})
    lines = [Line(t.label, counts.get((t.pk,), (0,) * len(codes))) for t in terms]
    if (0,) in counts:
        lines.append(Line(_("non renseigné"), counts[(0,)]))
    return Table(code, title, row_header, columns, lines, sheet)


def monthly_report(*, user: User | None, site_id: int | str, period: Period) -> MonthlyReport:
    """The monthly report of a site the user may see (`NotFound` otherwise; user=None: CLI)."""
    if user is None:
        site = Site.objects.filter(pk=int(site_id)).first()
        if site is None:
            raise NotFound(_("Point d'accueil %(id)s inconnu.") % {"id": site_id})
        scope = Scope("site", str(site.pk), site.name, Site.objects.filter(pk=site.pk))
    else:
        scope = scope_get(user=user, key=f"site:{site_id}")
        site = scope.sites.get()
    return MonthlyReport(
        site=site,
        period=period,
        requests=_requests_table(scope, period),
        visits=_simple_table(
            "visits",
            _("Personnes accompagnées par canal"),
            _("Personnes accompagnées"),
            _("Canal"),
            tuple(label(code) for code in VISITS),
            Channel,
            scope,
            "channel",
            VISITS,
            period,
        ),
        workshops=_simple_table(
            "workshops",
            _("Ateliers collectifs par thème"),
            _("Ateliers"),
            _("Thème"),
            (_("Ateliers"), _("Participants")),
            Theme,
            scope,
            "theme",
            ("workshops", "workshop_participants"),
            period,
        ),
        outreach=_simple_table(
            "outreach",
            _("Médiation sortante par lieu"),
            _("Médiation sortante"),
            _("Lieu"),
            (_("Actes"), _("Personnes touchées")),
            OutreachPlace,
            scope,
            "place",
            ("outreach_acts", "outreach_people"),
            period,
        ),
        generated_at=timezone.localtime(),
    )
