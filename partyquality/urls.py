"""Top-level URLs. The apps' URLs are included by name: the bottom layer
imports no app. Every app's views are scoped through organizations.access."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from partyquality import health

urlpatterns = [
    path("", include("organizations.home")),
    path("healthz/", health.healthz, name="health"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mat-khau/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("ngon-ngu/", set_language, name="set_language"),
    path("to-chuc/", include("organizations.urls")),
    path("dang-vien/nhap/", include("members.import_urls")),
    path("dang-vien/", include("members.urls")),
    path("danh-gia/", include("assessments.urls")),
    path("bao-cao/", include("assessments.reports.urls")),
    path("admin/", admin.site.urls),
]
