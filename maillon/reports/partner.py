"""The partner report: a partner's requests on the sites under agreement with it, for a period.

Who reads which sites (access is part of fetching, see `partner_report_get`):

- a partner viewer: the report of his own partner, over every site under agreement with it;
- the network head: any partner, over the sites of the organisations of his networks;
- an organisation manager: the partners of his organisations' agreements, over his sites;
- a superuser (and the `maillon export partner-report` command): every site.

A site is in the report when an agreement with the partner (on the site itself, or on its
organisation) overlaps the period; its requests for that partner are counted over the whole
period. The previous period is the period of the same length just before, over the same sites.
The network average is the partner's requests per site over every site under agreement with the
partner during the period, in the networks of the report's organisations.

Every figure is read from the rollups (`maillon.reports.queries`), never from the fact tables:
site, month and theme from the monthly rollup, help given and outcome from the daily one. The
cases sent to the partner from the same sites (its scorecard, `maillon.reports.cases`) are read
from the cases themselves, against the same network.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.access.rules import organisations_managed_by, partner_ids_viewable_by
from maillon.accounts.models import User
from maillon.activity.models import HelpKind, Outcome, Theme
from maillon.core.errors import NotFound
from maillon.network.models import Agreement, NetworkMembership, Organisation, Partner, Site
from maillon.reports import indicators
from maillon.reports.cases import CaseScorecard, case_scorecard
from maillon.reports.periods import Period, add_months
from maillon.reports.scopes import Scope

SOURCE = "cumuls quotidiens Maillon"


class PartnerReportUnavailable(NotFound):
    """Unknown partner, a partner the user may not read, or no agreement in his scope.

    The three look the same from outside (404 with a French message): a partner viewer
    cannot learn which other partners exist or where they have agreements."""


@dataclass(frozen=True)
class Row:
    label: str
    requests: int
    previous: int
    detail: dict = field(default_factory=dict)

    @property
    def change(self) -> float | None:
        """Relative change from the previous period (0.25 = +25 %); None without a base."""
        if not self.previous:
            return None
        return (self.requests - self.previous) / self.previous


@dataclass(frozen=True)
class Breakdown:
    code: str
    title: str
    column: str
    rows: list[Row]

    @property
    def total(self) -> int:
        return sum(row.requests for row in self.rows)

    @property
    def previous_total(self) -> int:
        return sum(row.previous for row in self.rows)

    def share(self, row: Row) -> float | None:
        return row.requests / self.total if self.total else None

    @property
    def lines(self) -> list[tuple[Row, float | None]]:
        """(row, its share) for the templates."""
        return [(row, self.share(row)) for row in self.rows]

    @property
    def total_row(self) -> Row:
        return Row(_("Total"), self.total, self.previous_total)


@dataclass
class PartnerReport:
    partner: Partner
    period: Period
    scope_label: str
    sites: list[Site]
    by_site: Breakdown
    by_month: Breakdown
    by_theme: Breakdown
    by_help: Breakdown
    by_outcome: Breakdown
    network_sites: int
    network_requests: int
    generated_at: datetime.datetime
    # requests whose outcome the agent did not type (the site's default applied)
    defaulted_outcomes: int = 0
    # the cases sent to the partner from these sites (`maillon.reports.cases`)
    cases: CaseScorecard | None = None
    source: str = SOURCE

    @property
    def defaulted_outcome_rate(self) -> Decimal | None:
        """The share of the period's requests whose outcome is a default, in percent."""
        return indicators.share_percent(self.defaulted_outcomes, self.total)

    @property
    def previous_period(self) -> Period:
        return self.period.previous()

    @property
    def total(self) -> int:
        return self.by_site.total

    @property
    def previous_total(self) -> int:
        return self.by_site.previous_total

    @property
    def change(self) -> float | None:
        return self.by_site.total_row.change

    def site_gap(self, row: Row) -> float | None:
        """A site's gap to the network average (0.25 = 25 % above); None without an average."""
        average = self.network_average
        return (row.requests - average) / average if average else None

    @property
    def site_lines(self) -> list[tuple[Row, float | None]]:
        """(site row, its gap to the network average) for the templates."""
        return [(row, self.site_gap(row)) for row in self.by_site.rows]

    @property
    def average_per_site(self) -> float | None:
        return self.total / len(self.sites) if self.sites else None

    @property
    def network_average(self) -> float | None:
        return self.network_requests / self.network_sites if self.network_sites else None

    @property
    def breakdowns(self) -> list[Breakdown]:
        return [self.by_site, self.by_month, self.by_theme, self.by_help, self.by_outcome]

    def as_dict(self) -> dict:
        """The numbers of the XLSX, for the API."""
        return {
            "partner": {"code": self.partner.code, "name": self.partner.name},
            "period": self.period.code,
            "period_label": self.period.label,
            "start": self.period.start,
            "end": self.period.end,
            "previous_period": self.previous_period.code,
            "scope": self.scope_label,
            "sites": len(self.sites),
            "requests": self.total,
            "previous_requests": self.previous_total,
            "average_per_site": self.average_per_site,
            "network_sites": self.network_sites,
            "network_requests": self.network_requests,
            "network_average_per_site": self.network_average,
            "defaulted_outcomes": self.defaulted_outcomes,
            "defaulted_outcome_rate": (
                None if self.defaulted_outcome_rate is None else float(self.defaulted_outcome_rate)
            ),
            "generated_at": self.generated_at,
            "source": self.source,
            "cases": self.cases.as_dict() if self.cases is not None else None,
            "breakdowns": [
                {
                    "code": b.code,
                    "title": b.title,
                    "rows": [
                        {
                            "label": r.label,
                            "requests": r.requests,
                            "previous": r.previous,
                            "change": r.change,
                            **r.detail,
                        }
                        for r in b.rows
                    ],
                }
                for b in self.breakdowns
            ],
        }


# -- access ------------------------------------------------------------------------------


def _agreements(partner: Partner, period: Period) -> QuerySet[Agreement]:
    return Agreement.objects.filter(partner=partner, start_date__lte=period.end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=period.start)
    )


def sites_under_agreement(partner: Partner, period: Period) -> QuerySet[Site]:
    agreements = _agreements(partner, period)
    return Site.objects.filter(
        Q(pk__in=agreements.filter(site__isnull=False).values("site_id"))
        | Q(
            organisation_id__in=agreements.filter(organisation__isnull=False).values("organisation")
        )
    )


def _readable_sites(user: User | None, partner: Partner) -> tuple[QuerySet[Site], str]:
    """The sites whose figures for `partner` the user may read, and the scope's wording."""
    if user is None:  # the command line: the installation's administrator
        return Site.objects.all(), _("ensemble des points d'accueil sous convention")
    if not (user.is_authenticated and user.is_active):
        return Site.objects.none(), ""
    if user.is_superuser or partner.pk in partner_ids_viewable_by(user):
        return Site.objects.all(), _("ensemble des points d'accueil sous convention")
    organisations = organisations_managed_by(user)
    return (
        Site.objects.filter(organisation__in=organisations),
        _("points d'accueil sous convention de vos structures"),
    )


def partners_readable_by(user: User) -> QuerySet[Partner]:
    """The partners whose report the user may ask for (his own, or those of his agreements)."""
    if not (user.is_authenticated and user.is_active):
        return Partner.objects.none()
    if user.is_superuser:
        return Partner.objects.filter(agreements__isnull=False).distinct().order_by("name")
    organisations = organisations_managed_by(user)
    agreed = Agreement.objects.filter(
        Q(organisation__in=organisations) | Q(site__organisation__in=organisations)
    )
    return Partner.objects.filter(
        Q(pk__in=partner_ids_viewable_by(user)) | Q(pk__in=agreed.values("partner_id"))
    ).order_by("name")


def partner_report_scope(
    *, user: User | None, partner_code: str, period: Period
) -> tuple[Partner, Scope, str]:
    """The partner and the sites of its report that `user` may read; 404 when there are none."""
    partner = Partner.objects.filter(code=(partner_code or "").strip()).first()
    readable, wording = _readable_sites(user, partner) if partner else (Site.objects.none(), "")
    if partner is not None:
        sites = readable.filter(pk__in=sites_under_agreement(partner, period).values("pk"))
        if sites.exists():
            scope = Scope("partner", partner.code, partner.name, sites)
            return partner, scope, wording
    raise PartnerReportUnavailable(
        _(
            "Aucun rapport pour ce partenaire : partenaire inconnu, non autorisé, ou sans "
            "convention sur vos points d'accueil pendant la période."
        )
    )


# -- figures -----------------------------------------------------------------------------


def _requests_by(scope: Scope, period: Period, partner: Partner, key: str) -> dict:
    """{value of `key`: the partner's requests}, leaving out the values without any (from the
    monthly rollup, or the daily one for help given and outcome)."""
    counts = indicators.sums(scope, period, ("requests",), by=(key,), where={"partner": partner.pk})
    return {value: row["requests"] for (value,), row in counts.items() if row["requests"]}


def _terms(model, *counts: dict) -> list[tuple[object, str]]:
    """Taxonomy terms having a count, in the taxonomy's order; 0 is « non renseigné »."""
    ids = set().union(*counts)
    terms = [(t.pk, t.label) for t in model.objects.filter(pk__in=ids).order_by("position", "pk")]
    known = {pk for pk, _label in terms}
    return terms + [(pk, _("non renseigné")) for pk in sorted(ids - known, key=str)]


def _breakdown(code, title, column, terms, current: dict, previous: dict) -> Breakdown:
    rows = [Row(label, current.get(key, 0), previous.get(key, 0)) for key, label in terms]
    return Breakdown(code, title, column, rows)


def _network_sites(partner: Partner, period: Period, scope: Scope) -> QuerySet[Site]:
    """Sites under agreement in the networks of the report's organisations (all if none)."""
    under = sites_under_agreement(partner, period)
    organisations = scope.sites.values("organisation_id")
    networks = NetworkMembership.objects.filter(organisation_id__in=organisations)
    if not networks.exists():
        return under
    members = NetworkMembership.objects.filter(network_id__in=networks.values("network_id"))
    return under.filter(
        organisation__in=Organisation.objects.filter(pk__in=members.values("organisation_id"))
    )


def partner_report(*, user: User | None, partner_code: str, period: Period) -> PartnerReport:
    """The partner report `user` may read (user=None: the command line, every site)."""
    partner, scope, wording = partner_report_scope(
        user=user, partner_code=partner_code, period=period
    )
    previous = period.previous()
    sites = list(
        scope.sites.select_related("organisation", "commune").order_by("organisation__name", "name")
    )

    def requests_by(p: Period, key: str) -> dict:
        return _requests_by(scope, p, partner, key)

    now_site, before_site = (
        requests_by(period, "site"),
        requests_by(previous, "site"),
    )
    by_site = Breakdown(
        "sites",
        _("Par point d'accueil"),
        _("Point d'accueil"),
        [
            Row(
                site.name,
                now_site.get(site.pk, 0),
                before_site.get(site.pk, 0),
                {
                    "site_id": site.pk,
                    "organisation": site.organisation.name if site.organisation else "",
                    "commune": site.commune.name if site.commune else "",
                },
            )
            for site in sites
        ],
    )
    # months of the previous period, shifted onto the months of the period
    shift = period.month_count
    now_month = requests_by(period, "month")
    before_month = {
        add_months(month, shift): n for month, n in requests_by(previous, "month").items()
    }
    by_month = Breakdown(
        "months",
        _("Par mois"),
        _("Mois"),
        [
            Row(
                f"{month:%Y-%m}",
                now_month.get(month, 0),
                before_month.get(month, 0),
                {"month": month},
            )
            for month in period.months
        ],
    )
    figures = {}
    for code, model, key in (
        ("themes", Theme, "theme"),
        ("help", HelpKind, "help_kind"),
        ("outcomes", Outcome, "outcome"),
    ):
        now, before = requests_by(period, key), requests_by(previous, key)
        figures[code] = (_terms(model, now, before), now, before)
    network_sites = _network_sites(partner, period, scope)
    network_scope = Scope("partner", partner.code, partner.name, network_sites)
    network = indicators.sums(network_scope, period, ("requests",), where={"partner": partner.pk})
    defaulted = indicators.sums(
        scope, period, ("defaulted_outcomes",), where={"partner": partner.pk}
    )
    return PartnerReport(
        partner=partner,
        period=period,
        scope_label=wording,
        sites=sites,
        by_site=by_site,
        by_month=by_month,
        by_theme=_breakdown("themes", _("Par thème"), _("Thème"), *figures["themes"]),
        by_help=_breakdown("help", _("Par aide apportée"), _("Aide apportée"), *figures["help"]),
        by_outcome=_breakdown("outcomes", _("Par issue"), _("Issue"), *figures["outcomes"]),
        network_sites=network_sites.count(),
        network_requests=network[()]["requests"],
        generated_at=timezone.localtime(),
        defaulted_outcomes=defaulted[()]["defaulted_outcomes"],
        cases=case_scorecard(
            sites=scope.sites, period=period, partner=partner, network_sites=network_sites
        ),
    )
