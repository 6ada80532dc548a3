"""The desk's quick entry: `caf2 cpam3/ar` is two requests (partner code or its start, theme
number, then optionally « / », the help's letter and the outcome's letter).

`parse_quick` reads it (the desk's forms); `quick_text` writes requests back in the same syntax
(the edit page's field, the journal), so that editing a visit shows what saving will store.
"""

import datetime
import re
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

from maillon.activity import taxonomy
from maillon.activity.inputs import RequestInput
from maillon.activity.models import Request
from maillon.activity.referrals import referral_of

QUICK_TOKEN = re.compile(
    r"^(?P<partner>[a-zà-ÿ][a-zà-ÿ'-]*?)?(?P<theme>\d{1,2})(?:/(?P<help>[a-z])?(?P<outcome>[a-z])?)?$"
)
_PARTNER = re.compile(r"^[a-zà-ÿ][a-zà-ÿ'-]*$")
_LETTER = re.compile(r"^[a-z]$")


def by_shortcut(name: str, shortcut: str, day: datetime.date) -> taxonomy.Term | None:
    for term in taxonomy.vocabulary(name).valid_on(day):
        if term.shortcut == shortcut:
            return term
    return None


def partner_from_prefix(prefix: str, day: datetime.date) -> tuple[str | None, str | None]:
    """(code, error): the partner whose code is `prefix` or the only one starting with it."""
    partners = taxonomy.vocabulary("partner").valid_on(day)
    exact = [p for p in partners if p.code == prefix]
    if exact:
        return exact[0].code, None
    matches = [p for p in partners if p.code.startswith(prefix)]
    if len(matches) == 1:
        return matches[0].code, None
    if not matches:
        return None, _("aucun partenaire ne commence par « %(p)s »") % {"p": prefix}
    return None, _("« %(p)s » est ambigu (%(codes)s)") % {
        "p": prefix,
        "codes": ", ".join(p.code for p in matches),
    }


def _parse_token(token: str, day: datetime.date) -> tuple[RequestInput | None, str | None]:
    match = QUICK_TOKEN.match(token)
    if match is None:
        return None, _("« %(t)s » n'est pas une demande (ex. « caf2 »)") % {"t": token}
    partner = None
    if match["partner"]:
        partner, error = partner_from_prefix(match["partner"], day)
        if error:
            return None, error
    theme = by_shortcut("theme", match["theme"], day)
    if theme is None:
        return None, _("pas de thème numéro %(n)s") % {"n": match["theme"]}
    help_kind = by_shortcut("help_kind", match["help"], day) if match["help"] else None
    outcome = by_shortcut("outcome", match["outcome"], day) if match["outcome"] else None
    if match["help"] and help_kind is None:
        return None, _("pas d'aide de raccourci « %(s)s »") % {"s": match["help"]}
    if match["outcome"] and outcome is None:
        return None, _("pas d'issue de raccourci « %(s)s »") % {"s": match["outcome"]}
    # nothing typed after the theme: None, the site's policy default applies (and is recorded)
    request = RequestInput(
        theme=theme.code,
        partner=partner,
        help_kind=help_kind.code if help_kind else None,
        outcome=outcome.code if outcome else None,
    )
    return request, None


def parse_quick(text: str, *, day: datetime.date) -> tuple[list[RequestInput], list[str]]:
    """Parse the quick entry: `caf2 cpam3/ar` → CAF × theme 2, CPAM × theme 3 (help « a »,
    outcome « r »). A token without letters (`13`) has no partner; a token without « / »
    leaves help and outcome to the site's defaults."""
    requests, errors = [], []
    for token in re.split(r"[\s,;]+", text.strip().lower()):
        if not token:
            continue
        request, error = _parse_token(token, day)
        if error:
            errors.append(error)
        elif request is not None:
            requests.append(request)
    return requests, errors


def _token(row: Request, vocab: dict[str, taxonomy.Vocabulary]) -> str | None:
    """A request in the quick syntax, or None if the syntax cannot say it (a follow-up, a term
    without shortcut, a partner code with digits, only one of help and outcome defaulted)."""
    partner = vocab["partner"].by_id[row.partner_id].code if row.partner_id else ""
    theme = vocab["theme"].by_id[row.theme_id].shortcut
    help_letter = vocab["help_kind"].by_id[row.help_kind_id].shortcut
    outcome_letter = vocab["outcome"].by_id[row.outcome_id].shortcut
    if (
        row.follow_up
        or referral_of(row)
        or not theme.isdigit()
        or (partner and not _PARTNER.match(partner))
    ):
        return None
    if row.help_defaulted and row.outcome_defaulted:
        return f"{partner}{theme}"
    if row.help_defaulted or row.outcome_defaulted:
        return None
    if not (_LETTER.match(help_letter) and _LETTER.match(outcome_letter)):
        return None
    return f"{partner}{theme}/{help_letter}{outcome_letter}"


def quick_text(rows: Iterable[Request]) -> tuple[str, list[Request]]:
    """(the requests in the quick syntax, the requests it cannot say, in their order)."""
    vocab = taxonomy.vocabularies()
    tokens, others = [], []
    for row in rows:
        token = _token(row, vocab)
        if token is None:
            others.append(row)
        else:
            tokens.append(token)
    return " ".join(tokens), others


def journal_text(rows: Sequence[Request]) -> list[str]:
    """The requests as the journal keeps them: codes, and the defaults and follow-ups named."""
    vocab = taxonomy.vocabularies()
    texts = []
    for row in rows:
        parts = [
            vocab["partner"].by_id[row.partner_id].code if row.partner_id else "-",
            vocab["theme"].by_id[row.theme_id].code,
            vocab["help_kind"].by_id[row.help_kind_id].code + ("*" if row.help_defaulted else ""),
            vocab["outcome"].by_id[row.outcome_id].code + ("*" if row.outcome_defaulted else ""),
        ]
        if row.follow_up:
            parts.append("suite")
        if (target := referral_of(row)) is not None:
            parts.append("→")
            if target.partner_id:
                parts.append(vocab["partner"].by_id[target.partner_id].code)
            if target.structure:
                parts.append(f"« {target.structure} »")
        texts.append(" ".join(parts))
    return texts
