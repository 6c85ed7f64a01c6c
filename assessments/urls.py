from django.urls import path

from assessments import audit_views, boards, checklists, confidence, meetings, views

app_name = "assessments"
urlpatterns = [
    path("", views.review_home, name="review_home"),
    path("dot/mo/", views.campaign_open, name="campaign_open"),
    path("cho-duyet/", boards.inbox, name="inbox"),
    path("dot/<int:pk>/", boards.completion_board, name="completion_board"),
    path("dot/<int:pk>/duyet/", views.bulk_approve, name="bulk_approve"),
    path("nhat-ky/", audit_views.audit_list, name="audit_list"),
    path("nhat-ky/xuat/", audit_views.audit_export, name="audit_export"),
    path("<int:pk>/<int:year>/", views.review_entry, name="review_entry"),
    path("<int:pk>/<int:year>/dong/", views.review_save_row, name="review_save_row"),
    path("<int:pk>/<int:year>/trinh/", views.review_submit, name="review_submit"),
    path(
        "<int:pk>/<int:year>/chep-nam-truoc/",
        views.review_copy_last_year,
        name="review_copy_last_year",
    ),
    path("<int:pk>/<int:year>/tra-lai/", views.review_return, name="review_return"),
    path("<int:pk>/<int:year>/duyet/", views.review_approve, name="review_approve"),
    path("<int:pk>/<int:year>/mo-lai/", views.review_reopen, name="review_reopen"),
    path(
        "<int:pk>/<int:year>/nhap/",
        views.classification_import,
        name="classification_import",
    ),
    path("<int:pk>/<int:year>/lich-su/", views.review_history, name="review_history"),
    path(
        "<int:pk>/<int:year>/sinh-hoat/",
        meetings.cell_meetings,
        name="cell_meetings",
    ),
    path(
        "<int:pk>/<int:year>/sinh-hoat/<int:meeting>/xoa/",
        meetings.cell_meeting_delete,
        name="cell_meeting_delete",
    ),
    path(
        "<int:pk>/<int:year>/tieu-chi/",
        checklists.checklists,
        name="checklists",
    ),
    path(
        "tin-nhiem/<int:pk>/<int:year>/",
        confidence.confidence_votes,
        name="confidence_votes",
    ),
]
