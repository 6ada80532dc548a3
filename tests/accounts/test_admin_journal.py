"""Memberships changed in Django's admin are journalled and can only be deactivated."""

import pytest
from django.contrib.auth import get_user_model

from maillon.accounts.enums import Role
from maillon.journal.models import JournalEntry
from tests.factories import MembershipFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_admin_deactivation_of_a_membership_is_journalled(client):
    admin_user = get_user_model().objects.create_superuser("racine", "r@example.org")
    membership = MembershipFactory(role=Role.AGENT, site=SiteFactory())
    client.force_login(admin_user)
    url = f"/admin/accounts/membership/{membership.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["is_active"] = ""
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert membership.is_active is False
    entry = JournalEntry.objects.for_object(membership).get()
    assert entry.actor == admin_user
    assert entry.changes == {"is_active": [True, False]}


def test_memberships_and_users_cannot_be_deleted_in_the_admin(client):
    client.force_login(get_user_model().objects.create_superuser("racine", "r@example.org"))
    membership = MembershipFactory(role=Role.AGENT, site=SiteFactory())
    delete_membership = f"/admin/accounts/membership/{membership.pk}/delete/"
    assert client.get(delete_membership).status_code == 403
    assert client.get(f"/admin/accounts/user/{membership.user.pk}/delete/").status_code == 403
