from django.urls import path

from organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("cay/", views.tree, name="tree"),
    path("cay/<int:pk>/con/", views.tree_children, name="tree_children"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
]
