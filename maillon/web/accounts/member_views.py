"""Members of an organisation, invitations by e-mail and their acceptance."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.access import selectors as access_selectors
from maillon.access.selectors import organisation_get
from maillon.accounts import invitations
from maillon.accounts.models import Invitation, Membership, User
from maillon.web.accounts.forms import InvitationForm, InvitationSignupForm
from maillon.web.network.forms import add_service_errors


def member_list_view(request, pk: int):
    organisation = organisation_get(user=request.user, pk=pk, manage=True)
    form = InvitationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.invitation_create(
                actor=request.user,
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                site=form.cleaned_data["site"],
                accept_url=lambda token: request.build_absolute_uri(
                    reverse("accounts:invitation_accept", args=[token])
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Invitation envoyée à %(email)s.") % {"email": invitation.email}
            )
            return redirect("accounts:member_list", pk=organisation.pk)
    return render(
        request,
        "accounts/member_list.html",
        {
            "organisation": organisation,
            "tab": "members",
            "can_manage": True,
            "members": invitations.organisation_members(organisation=organisation),
            "pending": Invitation.objects.pending()
            .filter(organisation=organisation)
            .select_related("site", "invited_by"),
            "form": form,
        },
    )


@require_POST
def membership_deactivate_view(request, pk: int):
    membership = access_selectors.membership_get_managed(user=request.user, pk=pk)
    site = membership.site  # a membership names its organisation, or a site of it
    organisation_id = membership.organisation_id or (site.organisation_id if site else None)
    try:
        invitations.membership_deactivate(
            actor=request.user, membership=membership, confirmed=bool(request.POST.get("confirm"))
        )
    except invitations.ConfirmationRequired:
        return render(
            request,
            "accounts/membership_deactivate_confirm.html",
            {"membership": membership, "organisation_id": organisation_id},
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("L'habilitation de %(user)s a été désactivée.") % {"user": membership.user}
        )
    return redirect("accounts:member_list", pk=organisation_id)


@require_POST
def invitation_revoke_view(request, pk: int):
    invitation = access_selectors.invitation_get_managed(user=request.user, pk=pk)
    invitations.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, _("L'invitation a été annulée."))
    return redirect("accounts:member_list", pk=invitation.organisation_id)


@login_not_required
def invitation_accept_view(request, token: str):
    """Open the link: a logged-in user accepts with one click; a newcomer creates his account.
    Then he lands on the desk page of the site."""
    try:
        invitation = invitations.invitation_from_token(token)
    except invitations.InvitationError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"reason": str(error)}, status=410
        )
    existing = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    form = None
    if request.user.is_authenticated:
        try:
            invitations.invitation_check_addressee(invitation=invitation, user=request.user)
        except invitations.InvitationError as error:
            return render(
                request, "accounts/invitation_invalid.html", {"reason": str(error)}, status=403
            )
        if request.method == "POST":
            return _accept(request, token, request.user)
    elif existing is None:
        form = InvitationSignupForm(request.POST or None, initial={"username": invitation.email})
        if request.method == "POST" and form.is_valid():
            try:
                user, membership = invitations.invitation_user_create(
                    token=token,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except invitations.InvitationError as error:
                return render(
                    request, "accounts/invitation_invalid.html", {"reason": str(error)}, status=410
                )
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return _landing(request, membership)
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "existing": existing,
            "login_url": f"{reverse('accounts:login')}?next={request.path}",
        },
    )


def _accept(request: HttpRequest, token: str, user: User) -> HttpResponse:
    try:
        membership = invitations.invitation_accept(token=token, user=user)
    except invitations.InvitationError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"reason": str(error)}, status=410
        )
    return _landing(request, membership)


def _landing(request, membership):
    if not isinstance(membership, Membership):  # a role of another layer (a partner referent)
        messages.success(
            request,
            _("Bienvenue : vous avez rejoint %(place)s.")
            % {"place": getattr(membership, "partner", membership)},
        )
        return redirect(membership.get_absolute_url())
    place = membership.site or membership.organisation
    messages.success(request, _("Bienvenue : vous avez rejoint %(place)s.") % {"place": place})
    return redirect(invitations.desk_url(membership.site))
