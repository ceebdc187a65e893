from django.urls import path

from onewindow.identity import officer_views, views

app_name = "identity"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register_view, name="register"),
    path("account/", views.account_view, name="account"),
    path("account/password/", views.password_view, name="password"),
    path("password/forgotten/", views.password_forgotten_view, name="password_forgotten"),
    path("password/forgotten/sent/", views.password_link_sent_view, name="password_link_sent"),
    path(
        "password/reset/<str:uidb64>/<str:token>/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("account/2fa/", views.two_factor_view, name="two_factor"),
    path("account/tokens/<int:token_id>/revoke/", views.revoke_token_view, name="revoke_token"),
    path("officer/", views.officer_home_view, name="officer_home"),
    path("officer/departments/<str:code>/", views.department_view, name="department"),
    path(
        "officer/departments/<str:code>/roles/<int:assignment_id>/revoke/",
        views.revoke_role_view,
        name="revoke_role",
    ),
    path(
        "officer/departments/<str:code>/officers/new/",
        officer_views.new_officer_view,
        name="new_officer",
    ),
    path(
        "officer/departments/<str:code>/officers/<int:user_id>/reset-two-factor/",
        officer_views.reset_two_factor_view,
        name="reset_two_factor",
    ),
]
