from django.urls import path

from batches.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("<int:endpoint_id>/", views.endpoint_detail, name="detail"),
    path("<int:endpoint_id>/delete", views.endpoint_delete, name="delete"),
    path("deliveries/<uuid:delivery_id>/resend", views.delivery_resend, name="resend"),
]
