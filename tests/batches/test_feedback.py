"""The batch page's "Send feedback" form, and the feedback list in the admin."""

from batches.models import Batch, Feedback


def make_batch(user):
    return Batch.objects.create(user=user)


def test_batch_page_shows_the_feedback_form(logged_in_client, user, db):
    batch = make_batch(user)

    page = logged_in_client.get(f"/batches/{batch.id}/").content.decode()

    assert "Send feedback" in page
    assert f'action="/batches/{batch.id}/feedback"' in page
    assert 'name="rating"' in page and 'name="text"' in page


def test_feedback_is_stored_with_the_batch_and_rating(logged_in_client, user, db):
    batch = make_batch(user)

    text = "Fast, but HEIC was slow."
    response = logged_in_client.post(f"/batches/{batch.id}/feedback", {"text": text, "rating": "4"})

    assert response.status_code == 302 and response["Location"] == f"/batches/{batch.id}/"
    feedback = Feedback.objects.get()
    assert (feedback.user, feedback.batch, feedback.text, feedback.rating) == (user, batch, text, 4)
    page = logged_in_client.get(response["Location"]).content.decode()
    assert "Thank you: your feedback was sent." in page


def test_rating_is_optional(logged_in_client, user, db):
    batch = make_batch(user)

    logged_in_client.post(f"/batches/{batch.id}/feedback", {"text": "Works.", "rating": ""})

    assert Feedback.objects.get().rating is None


def test_empty_feedback_is_refused_with_a_sentence(logged_in_client, user, db):
    batch = make_batch(user)

    response = logged_in_client.post(f"/batches/{batch.id}/feedback", {"text": "  ", "rating": "3"})

    assert response.status_code == 400
    assert "Write a few words before sending." in response.content.decode()
    assert not Feedback.objects.exists()


def test_feedback_on_another_users_batch_is_404(logged_in_client, other_user, db):
    batch = make_batch(other_user)

    response = logged_in_client.post(f"/batches/{batch.id}/feedback", {"text": "Hello"})

    assert response.status_code == 404
    assert not Feedback.objects.exists()


def test_admin_lists_and_searches_feedback(client, staff_user, user, db):
    batch = make_batch(user)
    Feedback.objects.create(user=user, batch=batch, text="The PDF preview is lovely.", rating=5)
    Feedback.objects.create(user=user, batch=batch, text="Upload stalled on a phone.", rating=2)
    client.force_login(staff_user)

    listing = client.get("/admin/batches/feedback/").content.decode()
    found = client.get("/admin/batches/feedback/", {"q": "stalled"}).content.decode()

    assert "The PDF preview is lovely." in listing and "Upload stalled on a phone." in listing
    assert "Upload stalled on a phone." in found and "The PDF preview is lovely." not in found
