"""Webhook endpoints: register, list, remove; their deliveries with every attempt; resend."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from batches.webhooks.models import Attempt, Delivery, Endpoint
from batches.webhooks.serializers import DeliverySerializer, EndpointSerializer
from batches.webhooks.services import register_endpoint, resend
from receipts_site.api_errors import api_error
from receipts_site.idempotency.replay import idempotent


def own_deliveries(user):
    attempts = Prefetch("attempts", queryset=Attempt.objects.order_by("number"))
    return Delivery.objects.filter(endpoint__user=user).prefetch_related(attempts)


class EndpointListCreate(generics.ListCreateAPIView):
    serializer_class = EndpointSerializer

    def get_queryset(self):
        return Endpoint.objects.filter(user=self.request.user)

    @extend_schema(
        responses={
            201: EndpointSerializer,
            400: OpenApiResponse(description="A refused URL (`address_refused`) or an unknown event (`invalid`)."),
        }
    )
    @idempotent
    def post(self, request):
        serializer = EndpointSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            endpoint = register_endpoint(request.user, data["url"], data.get("events"), data.get("description", ""))
        except ValidationError as exc:
            return api_error(" ".join(exc.messages), "address_refused", status.HTTP_400_BAD_REQUEST)
        return Response(EndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class EndpointDetail(generics.RetrieveDestroyAPIView):
    serializer_class = EndpointSerializer

    def get_queryset(self):
        return Endpoint.objects.filter(user=self.request.user)


class EndpointDeliveries(generics.ListAPIView):
    """An endpoint's deliveries, newest first, each with its attempts."""

    serializer_class = DeliverySerializer

    def get_queryset(self):
        endpoint = generics.get_object_or_404(Endpoint.objects.filter(user=self.request.user), pk=self.kwargs["pk"])
        return own_deliveries(self.request.user).filter(endpoint=endpoint)


class DeliveryResend(APIView):
    @extend_schema(
        request=None,
        responses={
            202: DeliverySerializer,
            404: OpenApiResponse(description="No such delivery of yours."),
            409: OpenApiResponse(description="The delivery is still being sent (`delivery_in_progress`)."),
        },
    )
    @idempotent
    def post(self, request, pk):
        delivery = generics.get_object_or_404(own_deliveries(request.user), pk=pk)
        if not resend(delivery):
            detail = "This delivery is still being sent; resend it once it has succeeded or failed."
            return api_error(detail, "delivery_in_progress", status.HTTP_409_CONFLICT)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
