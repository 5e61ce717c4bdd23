from django.urls import path

from batches import feedback, views

app_name = "batches"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("batches/", views.batch_list, name="list"),
    path("batches/<uuid:batch_id>/", views.batch_detail, name="detail"),
    path("batches/<uuid:batch_id>/export.csv", views.export_batch, {"extension": "csv"}, name="export_csv"),
    path("batches/<uuid:batch_id>/export.json", views.export_batch, {"extension": "json"}, name="export_json"),
    path("batches/<uuid:batch_id>/feedback", feedback.send_feedback, name="feedback"),
    path("batches/<uuid:batch_id>/retry-failed", views.retry_failed, name="retry_failed"),
    path("batches/<uuid:batch_id>/receipts/<uuid:receipt_id>/retry", views.retry_receipt, name="retry_receipt"),
]
