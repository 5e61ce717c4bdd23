"""The optional enhancer against a stub OpenAI-compatible server on 127.0.0.1 (never a real service)."""

import datetime
import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from receipts.enhance import enhance, learn_from_correction
from receipts.models import Receipt
from receipts.pipeline import enhance_fields, enhanced_fields
from receipts.reading.fields import Fields

TEXT = "WM SUPERCENTER #12\nMILK 2L 4.10\nTOTAL 23.45"


class StubModel:
    """Answers every chat completion with `status` and `body`, after `delay` seconds."""

    def __init__(self):
        self.status, self.body, self.delay = 200, "", 0
        self.requests = []

    def answer(self, content):
        self.status = 200
        self.body = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})

    def answer_json(self, **answer):
        self.answer(json.dumps(answer))


@pytest.fixture
def model(settings):
    stub = StubModel()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            stub.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
            time.sleep(stub.delay)
            self.send_response(stub.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(stub.body.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    settings.RECEIPTS_LLM_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.RECEIPTS_ENHANCER = "llm"
    settings.RECEIPTS_LLM_MODEL = "stub-model"
    settings.RECEIPTS_LLM_API_KEY = "stub-key"
    settings.RECEIPTS_LLM_TIMEOUT = 0.3
    yield stub
    server.shutdown()
    server.server_close()


def enhance_text(user, **fields):
    return enhance(Fields(merchant="WM SUPERCENTER #12", **fields), user_id=user.id, ocr_text=TEXT)


def test_a_good_answer_gives_the_merchant_and_category(model, user, db):
    model.answer_json(merchant="Walmart Supercenter", category="groceries", date="2024-03-12", total=23.45)

    result = enhance_text(user)

    assert (result.merchant, result.category, result.source, result.fallback) == ("Walmart", "groceries", "llm", "")


def test_the_request_is_a_chat_completion_with_the_receipt_text(model, user, db):
    model.answer_json(merchant="Walmart", category="groceries")

    enhance_text(user)

    [request] = model.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer stub-key"
    assert request["json"]["model"] == "stub-model"
    assert "MILK 2L 4.10" in request["json"]["messages"][-1]["content"]


def test_a_good_answer_is_cached(model, user, db):
    model.answer_json(merchant="Walmart", category="groceries")
    enhance_text(user)

    result = enhance_text(user)

    assert (result.cached, result.computed_by, len(model.requests)) == (True, "llm", 1)


def test_a_garbage_answer_keeps_the_local_result(model, user, db):
    model.answer("Sure! This looks like a Walmart receipt, probably groceries.")

    result = enhance_text(user)

    assert (result.source, result.merchant, result.category) == ("local", "Wm Supercenter", "groceries")
    assert result.fallback == "The language model did not answer with JSON. The local result was kept."


def test_an_answer_with_wrong_types_keeps_the_local_result(model, user, db):
    model.answer_json(merchant=42, category=["groceries"])

    result = enhance_text(user)

    assert (result.source, result.fallback) == (
        "local", "The language model's merchant was not a name. The local result was kept."
    )


def test_an_answer_missing_the_category_keeps_the_local_result(model, user, db):
    model.answer_json(merchant="Walmart")

    assert enhance_text(user).fallback == "The language model's answer lacks category. The local result was kept."


def test_an_unknown_category_keeps_the_local_result(model, user, db):
    model.answer_json(merchant="Walmart", category="shopping")

    assert enhance_text(user).source == "local"


def test_a_reply_that_is_not_a_chat_completion_keeps_the_local_result(model, user, db):
    model.body = "<html>Bad gateway</html>"

    assert enhance_text(user).fallback == "The language model's reply was not JSON. The local result was kept."


def test_an_http_error_keeps_the_local_result(model, user, db):
    model.status, model.body = 500, '{"error": "overloaded"}'

    result = enhance_text(user)

    assert (result.source, result.fallback) == (
        "local", "The language model answered HTTP 500. The local result was kept."
    )


def test_a_timeout_keeps_the_local_result(model, user, db):
    model.answer_json(merchant="Walmart", category="groceries")
    model.delay = 1.5

    result = enhance_text(user)

    assert (result.source, result.fallback) == (
        "local", "The language model did not answer within 0.3 seconds. The local result was kept."
    )


def test_an_unreachable_server_keeps_the_local_result(settings, user, db):
    settings.RECEIPTS_ENHANCER, settings.RECEIPTS_LLM_URL = "llm", "http://127.0.0.1:9"

    result = enhance_text(user)

    assert result.source == "local"
    assert result.fallback.startswith("The language model could not be reached")


def test_a_fallback_is_not_cached(model, user, db):
    model.status, model.body = 500, ""
    enhance_text(user)
    model.answer_json(merchant="Walmart", category="groceries")

    result = enhance_text(user)

    assert (result.cached, result.source) == (False, "llm")


def test_a_fallback_is_logged_in_processing_logs(model, user, db):
    model.status, model.body = 500, ""
    receipt = Receipt.objects.create(user=user, original_filename="a.png", status=Receipt.Status.PROCESSING)

    enhance_fields(receipt, Fields(merchant="WM SUPERCENTER #12"), TEXT)

    fallback = receipt.logs.get(event="enhance_fallback")
    assert (fallback.level, fallback.message) == (
        "warning", "The language model answered HTTP 500. The local result was kept."
    )
    step = receipt.logs.get(event="enhance")
    assert (step.details["source"], step.details["outcome"]) == ("local", "fallback")


def test_a_total_the_model_reads_differently_is_a_mismatch(model, user, db):
    model.answer_json(merchant="Walmart", category="groceries", date="2024-03-12", total="32.45")

    result = enhance_text(user, date=datetime.date(2024, 3, 12), total=Decimal("23.45"))

    assert result.mismatches == {"total": {"read": "23.45", "llm": "32.45"}}


def test_the_same_reading_is_not_a_mismatch(model, user, db):
    model.answer_json(merchant="Walmart", category="groceries", date="2024-03-12", total=23.4500)

    result = enhance_text(user, date=datetime.date(2024, 3, 12), total=Decimal("23.45"))

    assert result.mismatches == {}


def test_a_mismatch_is_found_again_on_a_cache_hit(model, user, db):
    model.answer_json(merchant="Walmart", category="groceries", total="32.45")
    enhance_text(user, total=Decimal("23.45"))

    result = enhance_text(user, total=Decimal("23.45"))

    assert (result.cached, result.mismatches) == (True, {"total": {"read": "23.45", "llm": "32.45"}})


def test_a_mismatch_makes_the_receipt_need_review(model, user, db):
    model.answer_json(merchant="Walmart", category="groceries", total="32.45")
    receipt = Receipt.objects.create(user=user, original_filename="a.png", status=Receipt.Status.PROCESSING)

    enhancement, _ = enhance_fields(receipt, Fields(merchant="WM SUPERCENTER #12", total=Decimal("23.45")), TEXT)

    assert enhanced_fields(enhancement, Fields(merchant="WM SUPERCENTER #12"))["needs_review"] is True
    assert receipt.logs.get(event="enhance").details["mismatches"] == {"total": {"read": "23.45", "llm": "32.45"}}


def test_the_users_correction_wins_without_asking_the_model(model, user, db):
    learn_from_correction(user.id, "WM SUPERCENTER", "Walmart", "electronics")

    result = enhance_text(user)

    assert (result.category, result.taught, model.requests) == ("electronics", True, [])
