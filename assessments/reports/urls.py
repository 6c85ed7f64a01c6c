from django.urls import path

from assessments.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("don-vi/", views.unit_search, name="units"),
    path("tep/<int:pk>/", views.job_detail, name="job_detail"),
    path("tep/<int:pk>/tai-ve/", views.job_download, name="job_download"),
    path("<slug:slug>/", views.report, name="report"),
    path("<slug:slug>/da-duyet/", views.approvals, name="approvals"),
    path("<slug:slug>/tai-ve/<str:fmt>/", views.export, name="export"),
    path("<slug:slug>/tao-tep/", views.job_create, name="job_create"),
]
