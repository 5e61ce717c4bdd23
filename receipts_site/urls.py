from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from batches import api as batch_api
from batches.webhooks import api as webhook_api
from receipts import api as receipt_api
from receipts_site import api_errors
from receipts_site.health import healthz
from receipts_site.metrics import metrics_view

api = [
    path("batches", batch_api.BatchListCreate.as_view(), name="api-batches"),
    path("batches/<uuid:pk>", batch_api.BatchDetail.as_view(), name="api-batch-detail"),
    path("batches/<uuid:pk>/files", batch_api.BatchFiles.as_view(), name="api-batch-files"),
    path("batches/<uuid:pk>/export", batch_api.BatchExport.as_view(), name="api-batch-export"),
    path("receipts", receipt_api.ReceiptList.as_view(), name="api-receipts"),
    path("receipts/<uuid:pk>", receipt_api.ReceiptDetail.as_view(), name="api-receipt-detail"),
    path("receipts/<uuid:pk>/retry", receipt_api.ReceiptRetry.as_view(), name="api-receipt-retry"),
    path("webhooks", webhook_api.EndpointListCreate.as_view(), name="api-webhooks"),
    path("webhooks/<int:pk>", webhook_api.EndpointDetail.as_view(), name="api-webhook-detail"),
    path("webhooks/<int:pk>/deliveries", webhook_api.EndpointDeliveries.as_view(), name="api-webhook-deliveries"),
    path(
        "webhook-deliveries/<uuid:pk>/resend", webhook_api.DeliveryResend.as_view(), name="api-webhook-delivery-resend"
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"", api_errors.not_found),  # any other path under /api/ answers a JSON 404
]

urlpatterns = [
    path("metrics", metrics_view, name="metrics"),
    path("healthz", healthz, name="healthz"),
    path("admin/rq/", include("django_rq.urls")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", include(api)),
    path("receipts/", include("receipts.urls")),
    path("webhooks/", include("batches.webhooks.urls")),
    path("", include("batches.urls")),
]

handler400 = api_errors.bad_request
handler403 = api_errors.permission_denied
handler404 = api_errors.not_found
handler500 = api_errors.server_error
