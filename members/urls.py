from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("xuat-excel/", views.member_export, name="member_export"),
    path("dem/", views.member_count, name="member_count"),
    path("can-bo/", views.cadre_list, name="cadre_list"),
    path("can-bo/xuat-excel/", views.cadre_export, name="cadre_export"),
    path("can-bo/dem/", views.cadre_count, name="cadre_count"),
    path("nguoi/moi/", views.person_create, name="person_create"),
    path("nguoi/<int:pk>/", views.person_detail, name="person_detail"),
    path("nguoi/<int:pk>/sua/", views.person_update, name="person_update"),
    path("nguoi/<int:pk>/ket-nap/", views.member_admit, name="member_admit"),
    path("nguoi/<int:pk>/chinh-thuc/", views.member_make_full, name="member_make_full"),
    path(
        "nguoi/<int:pk>/chuyen-sinh-hoat/",
        views.member_transfer,
        name="member_transfer",
    ),
    path("nguoi/<int:pk>/mien-sinh-hoat/", views.member_exempt, name="member_exempt"),
    path(
        "nguoi/<int:pk>/thoi-mien-sinh-hoat/",
        views.member_end_exemption,
        name="member_end_exemption",
    ),
    path("nguoi/<int:pk>/ra-khoi-dang/", views.member_leave, name="member_leave"),
    path("nguoi/<int:pk>/ky-luat/", views.discipline_record, name="discipline_record"),
    path(
        "nguoi/<int:pk>/trinh-do/them/",
        views.qualification_add,
        name="qualification_add",
    ),
    path("nguoi/<int:pk>/chuc-vu/them/", views.holding_start, name="holding_start"),
    path("chuc-vu/<int:pk>/thoi/", views.holding_end, name="holding_end"),
    path(
        "to-chuc/<int:pk>/ky-luat/",
        views.unit_discipline_record,
        name="unit_discipline_record",
    ),
]
