from django.urls import path

from receipts import views

app_name = "receipts"
urlpatterns = [
    path("<uuid:receipt_id>/", views.receipt_detail, name="detail"),
    path("<uuid:receipt_id>/file", views.receipt_file, name="file"),
    path("<uuid:receipt_id>/thumbnail", views.receipt_preview, {"size": "thumbnail"}, name="thumbnail"),
    path("<uuid:receipt_id>/preview", views.receipt_preview, {"size": "page"}, name="preview"),
]
