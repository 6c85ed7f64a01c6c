from django.urls import path

from organizations import tree_views, views

app_name = "organizations"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("cay/", views.tree, name="tree"),
    path("cay/<int:pk>/con/", views.tree_children, name="tree_children"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("<int:pk>/thanh-lap/", views.unit_establish, name="unit_establish"),
    path("<int:pk>/doi-ten/", views.unit_rename, name="unit_rename"),
    path("<int:pk>/chuyen/", views.unit_move, name="unit_move"),
    path("<int:pk>/hop-nhat/", views.unit_merge, name="unit_merge"),
    path("<int:pk>/chia-tach/", views.unit_split, name="unit_split"),
    path("<int:pk>/giai-the/", views.unit_dissolve, name="unit_dissolve"),
    path("<int:pk>/nhap-cay/", tree_views.unit_tree_import, name="unit_tree_import"),
    path(
        "<int:pk>/he-thong-to-chuc.xlsx",
        tree_views.unit_tree_export,
        name="unit_tree_export",
    ),
]
