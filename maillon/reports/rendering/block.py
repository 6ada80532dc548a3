"""The « Chiffres clés » block, worded like the PIMMS press releases, as Markdown and HTML.

One list of lines made of plain and bold segments is rendered both ways, so the web page, the
Markdown text for a press release and the PDF say exactly the same thing. Figures declared by a
document are worded with their qualifier (« plus de 943 000 ») and listed as sources.
"""

from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillon.reports.keyfigures import DECLARED, Figure, KeyFigures
from maillon.reports.models import DeclaredFigure, FigureQualifier
from maillon.reports.rendering.numbers import format_number


@dataclass(frozen=True)
class Segment:
    text: str
    bold: bool = False


@dataclass
class Block:
    title: str
    lines: list[list[Segment]]
    sources: list[DeclaredFigure] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        def segment(s: Segment) -> str:
            return f"**{s.text}**" if s.bold else s.text

        body = "\n".join("- " + "".join(segment(s) for s in line) for line in self.lines)
        text = f"{self.title} :\n\n{body}\n"
        if self.sources:
            text += "\n" + _("Sources des chiffres déclarés :") + "\n\n"
            text += "\n".join(f"- {source} ({labels})" for source, labels in self.by_source())
            text += "\n"
        return text

    def by_source(self) -> list[tuple[str, str]]:
        """(source document, the indicators it gave), in order of first use."""
        grouped: dict[str, list[str]] = {}
        for figure in self.sources:
            grouped.setdefault(figure.source, []).append(figure.label)
        return [(source, " ; ".join(labels)) for source, labels in grouped.items()]

    def html(self) -> SafeString:
        def segment(s: Segment) -> str:
            return f"<strong>{escape(s.text)}</strong>" if s.bold else escape(s.text)

        items = "".join(f"<li>{''.join(segment(s) for s in line)}</li>" for line in self.lines)
        return mark_safe(f'<ul class="key-figures">{items}</ul>')  # noqa: S308 — escaped above


def _certified_lines(n: Figure) -> list[list[Segment]]:
    """« 27 structures certifiées « médiation sociale » », said only when there is one."""
    if not n.value:
        return []
    return [
        [
            Segment(_amount(n, capitalise=True), bold=True),
            Segment(
                ngettext(
                    " structure certifiée « médiation sociale » (norme AFNOR XP X60-600)",
                    " structures certifiées « médiation sociale » (norme AFNOR XP X60-600)",
                    _count(n),
                )
            ),
        ]
    ]


def french_date(day) -> str:
    """« 1er janvier 2020 », « 30 septembre 2020 »."""
    text = date_format(day, "j F Y")
    return _("1er") + text[1:] if day.day == 1 else text


def _amount(figure: Figure, *, capitalise: bool = False) -> str:
    prefixes: dict[str, str] = {
        FigureQualifier.AT_LEAST: _("plus de "),
        FigureQualifier.ABOUT: _("environ "),
    }
    prefix = prefixes.get(figure.qualifier, "")
    if capitalise:
        prefix = prefix[:1].upper() + prefix[1:]
    return prefix + format_number(figure.value)


def _count(figure: Figure) -> int:
    if figure.value is None:
        raise ValueError(f"{figure.code}: no value to count")
    return int(figure.value)


def _parts(figure: Figure) -> str:
    if not figure.parts:
        return ""
    listed = " ; ".join(f"{label.lower()} : {format_number(n)}" for label, n in figure.parts)
    return f" ({listed})"


def key_figures_block(figures: KeyFigures) -> Block:
    f = figures.figures
    period = figures.period
    lines: list[list[Segment]] = []

    def add(*segments: Segment | str) -> None:
        lines.append([s if isinstance(s, Segment) else Segment(s) for s in segments])

    def bold(text: str) -> Segment:
        return Segment(text, bold=True)

    if f["reception_points"].available:
        n = f["reception_points"]
        add(
            bold(
                ngettext(
                    "%(n)s point d'accueil au public", "%(n)s points d'accueil au public", _count(n)
                )
                % {"n": _amount(n, capitalise=True)}
            )
        )
    if f["msap_sites"].available:
        n = f["msap_sites"]
        add(
            bold(_amount(n, capitalise=True)),
            ngettext(" reconnu ", " reconnus ", _count(n)),
            bold(_("Maisons de services au public")),
        )
    if f["fs_sites"].available:
        n = f["fs_sites"]
        when = ""
        if figures.labelled_on != period.end:
            when = _(" au %(date)s") % {"date": french_date(figures.labelled_on)}
        add(
            bold(_amount(n, capitalise=True)),
            ngettext(" labellisé « France Services »", " labellisés « France Services »", _count(n))
            + when,
        )
    lines.extend(_certified_lines(f["certified_organisations"]))
    if f["requests"].available:
        n = f["requests"]
        add(
            bold(
                ngettext("%(n)s demande accompagnée", "%(n)s demandes accompagnées", _count(n))
                % {"n": _amount(n, capitalise=True)}
            ),
            _(" par an au sein des points d'accueil")
            if period.is_year
            else _(" au sein des points d'accueil (%(period)s)") % {"period": period.label},
        )
    if f["people_helped"].available:
        n = f["people_helped"]
        add(
            bold(
                ngettext("%(n)s personne accompagnée", "%(n)s personnes accompagnées", _count(n))
                % {"n": _amount(n, capitalise=True)}
            ),
            _parts(n),
        )
    if f["outreach_acts"].available:
        n = f["outreach_acts"]
        reached = f["outreach_people"]
        add(
            bold(
                ngettext(
                    "%(n)s acte de médiation sortante",
                    "%(n)s actes de médiation sortante",
                    _count(n),
                )
                % {"n": _amount(n, capitalise=True)}
            ),
            _parts(n),
            _(" auprès de %(n)s personnes") % {"n": _amount(reached)} if reached.available else "",
        )
    if f["workshops"].available:
        n = f["workshops"]
        participants = f["workshop_participants"]
        add(
            bold(
                ngettext(
                    "%(n)s atelier thématique collectif",
                    "%(n)s ateliers thématiques collectifs",
                    _count(n),
                )
                % {"n": _amount(n, capitalise=True)}
            ),
            ngettext(" mené pour %(n)s personnes", " menés pour %(n)s personnes", _count(n))
            % {"n": _amount(participants)}
            if participants.available
            else "",
        )
    if f["employees"].available and f["employees"].value:
        n = f["employees"]
        add(
            bold(
                ngettext("%(n)s salarié", "%(n)s salariés", _count(n))
                % {"n": _amount(n, capitalise=True)}
            )
        )
    if f["mediator_exits"].available and f["mediator_exits"].value:
        n = f["mediator_exits"]
        rate = f["positive_exit_rate"]
        if period.is_year:
            text = ngettext(
                " a quitté le dispositif en %(year)d",
                " ont quitté le dispositif en %(year)d",
                _count(n),
            ) % {"year": period.first_month.year}
        else:
            text = ngettext(
                " a quitté le dispositif (%(period)s)",
                " ont quitté le dispositif (%(period)s)",
                _count(n),
            ) % {"period": period.label}
        if rate.available:
            text += _(
                " avec un taux de sorties positives de %(rate)s %% (vers emploi ou vers une "
                "formation qualifiante)"
            ) % {"rate": _amount(rate)}
        add(
            bold(
                ngettext("%(n)s médiateur", "%(n)s médiateurs", _count(n))
                % {"n": _amount(n, capitalise=True)}
            ),
            text,
        )

    sources = [fig.declared for fig in f.values() if fig.origin == DECLARED and fig.declared]
    title = (
        _("Chiffres clés (données %(year)d)") % {"year": period.first_month.year}
        if period.is_year
        else _("Chiffres clés (%(period)s)") % {"period": period.label}
    )
    flags = [contradiction(figure, statement) for figure, statement in figures.contradictions]
    return Block(title=title, lines=lines, sources=sources, flags=flags)


def figure_flags(figure: Figure) -> list[str]:
    """The French sentences of the statements contradicting one figure (the API's `flags`)."""
    return [contradiction(figure, statement) for statement in figure.contradicted_by]


def contradiction(figure: Figure, statement: DeclaredFigure) -> str:
    return _(
        "%(label)s : %(shown)s (%(origin)s) contredit « %(quote)s » (%(value)s, %(qualifier)s, "
        "%(source)s)."
    ) % {
        "label": figure.label,
        "shown": format_number(figure.value),
        "origin": figure.origin_label,
        "quote": statement.quote or statement.label,
        "value": format_number(statement.value),
        "qualifier": statement.get_qualifier_display(),
        "source": statement.source,
    }
