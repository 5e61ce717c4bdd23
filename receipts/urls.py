from django.urls import path

from receipts import views

app_name = "receipts"
urlpatterns = [
    path("<uuid:receipt_id>/", views.receipt_detail, name="detail"),
    path("<uuid:receipt_id>/file", views.receipt_file, name="file"),
]
