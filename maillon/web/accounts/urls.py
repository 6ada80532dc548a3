from django.contrib.auth import views as auth_views
from django.urls import path

from maillon.web.accounts import member_views, token_views, views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("jetons/", token_views.token_list_view, name="token_list"),
    path("jetons/<int:pk>/revoquer/", token_views.token_revoke_view, name="token_revoke"),
    path("mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oublie/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("structures/<int:pk>/membres/", member_views.member_list_view, name="member_list"),
    path(
        "habilitations/<int:pk>/desactiver/",
        member_views.membership_deactivate_view,
        name="membership_deactivate",
    ),
    path(
        "invitations/<int:pk>/annuler/",
        member_views.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path(
        "invitation/<str:token>/",
        member_views.invitation_accept_view,
        name="invitation_accept",
    ),
]
