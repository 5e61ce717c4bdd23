"""Batch endpoints: upload a batch (multipart, repeated `files`), add files, list, read, delete, export."""

import re

import django_filters
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.cache import get_conditional_response
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, renderers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from batches import export, polls
from batches.api_docs import (
    BATCH_CREATE_RESPONSES,
    BATCH_DETAIL_RESPONSES,
    BATCH_FILES_RESPONSES,
    EXPORT_RESPONSES,
    NOT_YOURS,
)
from batches.models import Batch
from batches.request_limits import files_sent
from batches.rollout import BatchUploadNotEnabled
from batches.serializers import BatchFilesSerializer, BatchSerializer, BatchSummarySerializer, BatchUploadSerializer
from batches.services import (
    PROCESSING_DELAYED,
    ClientReferenceTaken,
    add_files_to_batch,
    create_batch,
    delete_batch,
)
from receipts.limits import TooManyPending
from receipts.models import Receipt
from receipts.serializers import ReceiptSerializer
from receipts_site.api_errors import api_error
from receipts_site.filters import StrictFilterSet
from receipts_site.idempotency.replay import idempotent
from receipts_site.throttling import FileUploadRateThrottle, UploadRateThrottle


class CSVRenderer(renderers.BaseRenderer):
    """Renders export rows (and only those) as CSV; chosen by `?format=csv` or `Accept: text/csv`."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return export.rows_to_csv(data)


def refusal(exc):
    """A refused upload as a response with the refusal's code: 403 outside the batch upload
    rollout, 429 when the user has too much waiting, 409 when the client reference or the
    position is taken, else 400."""
    detail = " ".join(exc.messages)
    if isinstance(exc, BatchUploadNotEnabled):
        return api_error(detail, exc.code or "not_enabled", status.HTTP_403_FORBIDDEN)
    if isinstance(exc, TooManyPending):
        return api_error(detail, exc.code, status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": "60"})
    if isinstance(exc, ClientReferenceTaken):
        headers = {"Location": reverse("api-batch-detail", args=[exc.batch.pk])}
        return api_error(detail, exc.code, status.HTTP_409_CONFLICT, headers=headers)
    if exc.code == "position_taken":
        return api_error(detail, exc.code, status.HTTP_409_CONFLICT)
    return api_error(detail, exc.code or "invalid", status.HTTP_400_BAD_REQUEST)


def own_batches(user):
    return Batch.objects.filter(user=user).with_progress()


def with_receipts(batches):
    return batches.prefetch_related(Prefetch("receipts", queryset=Receipt.objects.order_by(*Receipt.BATCH_ORDER)))


class BatchFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=Batch.Status.choices)
    client_reference = django_filters.CharFilter(help_text="Your reference for the batch, exactly.")

    class Meta:
        model = Batch
        fields = ["status", "client_reference"]


class BatchListCreate(generics.ListAPIView):
    """Your batches, newest first, with their counts (each batch's receipts are at its own URL)."""

    serializer_class = BatchSummarySerializer
    parser_classes = [MultiPartParser]
    filterset_class = BatchFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is made without a user
            return Batch.objects.none()
        return own_batches(self.request.user)

    def get_throttles(self):
        return [UploadRateThrottle()] if self.request.method == "POST" else super().get_throttles()

    @extend_schema(request={"multipart/form-data": BatchUploadSerializer}, responses=BATCH_CREATE_RESPONSES)
    @idempotent
    def post(self, request):
        reference = request.data.get("client_reference", "").strip()
        if len(reference) > 100 or "\x00" in reference:
            return api_error("client_reference is at most 100 characters of text.", "invalid", 400)
        try:
            # The UploadZone posts here with the session; scripts come with a token.
            source = Batch.Source.API if request.auth else Batch.Source.WEB
            files = request.FILES.getlist("files")
            batch = create_batch(
                request.user, files, source=source, sent=files_sent(request), client_reference=reference
            )
        except ValidationError as exc:
            return refusal(exc)
        data = BatchSerializer(with_receipts(own_batches(request.user)).get(pk=batch.pk)).data
        if not batch.enqueued:
            data["notice"] = PROCESSING_DELAYED
        headers = {"Location": reverse("api-batch-detail", args=[batch.pk])}
        return Response(data, status=status.HTTP_201_CREATED, headers=headers)


class BatchDetail(generics.RetrieveDestroyAPIView):
    """One batch with its receipts. Poll it with If-None-Match: while nothing changed the answer
    is 304 with no body, answered from Redis without a query (batches/polls.py)."""

    serializer_class = BatchSerializer

    def get_queryset(self):
        return with_receipts(own_batches(self.request.user))

    @extend_schema(responses=BATCH_DETAIL_RESPONSES)
    def get(self, request, pk):
        memo = polls.Memo(pk)  # before the batch is read: see batches/polls.py
        batch = generics.get_object_or_404(Batch.objects.filter(user=request.user), pk=pk)
        tag = batch.change_tag()
        memo.keep(batch, tag, polls.credential_of(request))
        etag = polls.api_etag(tag)
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return not_modified
        response = Response(self.get_serializer(self.get_object()).data)
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        return response

    @extend_schema(responses={204: None, 404: NOT_YOURS})
    def delete(self, request, pk):
        """Delete the batch with its receipts and their stored files."""
        delete_batch(generics.get_object_or_404(Batch.objects.filter(user=request.user), pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BatchFiles(APIView):
    """Add files to one of your batches, so a page can send a batch one file at a time."""

    parser_classes = [MultiPartParser]
    throttle_classes = [FileUploadRateThrottle]

    @extend_schema(request={"multipart/form-data": BatchFilesSerializer}, responses=BATCH_FILES_RESPONSES)
    @idempotent
    def post(self, request, pk):
        batch = generics.get_object_or_404(Batch.objects.filter(user=request.user), pk=pk)
        position = request.data.get("position", "")
        limit = settings.RECEIPT_MAX_FILES_PER_BATCH
        if position and not (re.fullmatch(r"\d{1,6}", position) and int(position) < limit):
            detail = f"position must be a whole number from 0 to {limit - 1}."
            return api_error(detail, "invalid_position", status.HTTP_400_BAD_REQUEST)
        try:
            files = request.FILES.getlist("files")
            receipts = add_files_to_batch(
                batch, files, int(position) if position else None, sent=files_sent(request)
            )
        except ValidationError as exc:
            return refusal(exc)
        return Response(ReceiptSerializer(receipts, many=True).data, status=status.HTTP_201_CREATED)


class BatchExport(APIView):
    """A batch's receipts, one row each, as JSON or CSV.

    `?format=` is DRF's renderer switch (URL_FORMAT_OVERRIDE), so each format is a renderer
    here rather than a parameter the view reads; `Accept: text/csv` chooses CSV as well.
    """

    renderer_classes = [renderers.JSONRenderer, CSVRenderer]

    def handle_exception(self, exc):
        """Errors are JSON whatever format was asked for, like every other API error."""
        self.answer_in_json()
        return super().handle_exception(exc)

    def options(self, request, *args, **kwargs):
        self.answer_in_json()  # the description of the endpoint is not rows
        return super().options(request, *args, **kwargs)

    def answer_in_json(self):
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = "application/json"

    @extend_schema(
        operation_id="batches_export",
        description="A batch's receipts, one row each, as JSON (the default) or CSV.",
        parameters=[
            OpenApiParameter(
                "format", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=["json", "csv"],
                description="`csv` for a spreadsheet, `json` (the default) for a list of rows.",
            )
        ],
        responses=EXPORT_RESPONSES,
    )
    def get(self, request, pk):
        batch = generics.get_object_or_404(Batch.objects.filter(user=request.user), pk=pk)
        if request.query_params.get("format") == "":
            # DRF reads a blank format as none given; the schema allows only json or csv.
            return api_error("format must be json or csv, or left out for JSON.", "invalid_format", 400)
        response = Response(export.receipt_rows(batch))
        extension = request.accepted_renderer.format
        response["Content-Disposition"] = f'attachment; filename="{export.export_filename(batch, extension)}"'
        return response
