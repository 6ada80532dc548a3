"""« Passage supprimé — Annuler »: after a deletion the page it returns to offers, for a few
minutes, a button that restores what was deleted (`activity.undo`). Plain forms: the offer is
kept in the session (the journal entry to undo), the button POSTs it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.activity.undo import deletion_undo, undo_deadline, undoable
from maillon.core.errors import NotFound
from maillon.journal.models import JournalEntry
from maillon.web.http import AuthenticatedHttpRequest

SESSION_KEY = "activity_undo"


def undo_offer_set(request: AuthenticatedHttpRequest, entry: JournalEntry | None, label) -> None:
    """After a deletion: offer to undo it (`label`: « Passage supprimé. »…)."""
    if entry is None:
        messages.success(request, str(label))
        return
    request.session[SESSION_KEY] = {"entry": entry.pk, "label": str(label)}


def undo_offer(request: AuthenticatedHttpRequest) -> dict | None:
    """The offer to show, while the deletion can still be undone; else None (and forgotten)."""
    offer = request.session.get(SESSION_KEY)
    if not offer:
        return None
    entry = undoable(user=request.user, entry_id=offer.get("entry"))
    if entry is None:
        del request.session[SESSION_KEY]
        return None
    return {**offer, "until": undo_deadline(entry), "next": request.get_full_path()}


@require_POST
def undo_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Restore the deletion offered (the journal entry in the form), then back to the page."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("activity:desk")
    try:
        entry_id = int(request.POST.get("entry", ""))
    except ValueError:
        raise NotFound from None
    request.session.pop(SESSION_KEY, None)
    try:
        deletion_undo(actor=request.user, entry_id=entry_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Suppression annulée : l'enregistrement est rétabli."))
    return redirect(target)
