from django.urls import path

from members import import_mapping_views, import_views

app_name = "imports"
urlpatterns = [
    path("", import_views.upload, name="upload"),
    path("mau/", import_views.template, name="template"),
    path("ghi/<int:pk>/", import_views.job, name="job"),
    path("<str:token>/", import_views.review, name="review"),
    path("<str:token>/xac-nhan/", import_views.confirm, name="confirm"),
    path("<str:token>/ghep-cot/", import_mapping_views.mapping, name="mapping"),
    path("<str:token>/dong-loi.xlsx", import_views.errors, name="errors"),
]
