"""Gradual rollout of batch upload (waffle flag "batch_upload"): who is in, and what the others get."""

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from waffle.models import Flag

from batches.models import Batch
from batches.rollout import BATCH_UPLOAD_FLAG, batch_upload_enabled, user_bucket
from tests.conftest import upload
from tests.receipt_images import receipt_png


def set_rollout(percent):
    flag, _ = Flag.objects.get_or_create(name=BATCH_UPLOAD_FLAG)
    flag.everyone, flag.percent, flag.staff = None, percent, True
    flag.save()  # clears waffle's cached copy once committed, as a save in the admin does
    return flag


def make_user(django_user_model, name):
    return django_user_model.objects.create_user(name, password="receipts-pass-1")


def user_on_side(django_user_model, percent, inside):
    """A new user whose bucket puts them inside (or outside) a rollout at `percent`."""
    for n in range(500):
        candidate = make_user(django_user_model, f"user-{percent}-{inside}-{n}")
        if (user_bucket(BATCH_UPLOAD_FLAG, candidate.pk) < percent) == inside:
            return candidate
    raise AssertionError("No user found on that side of the rollout.")


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def post_admin_change(client, flag, **changes):
    """Submit the flag's admin change form as a person would, with some fields changed."""
    data = {
        "name": flag.name, "everyone": "unknown", "percent": str(flag.percent), "staff": "on",
        "superusers": "on", "languages": "", "note": flag.note,
        "groups": [group.pk for group in flag.groups.all()],
        "created_0": flag.created.strftime("%Y-%m-%d"), "created_1": flag.created.strftime("%H:%M:%S"),
        "modified_0": flag.modified.strftime("%Y-%m-%d"), "modified_1": flag.modified.strftime("%H:%M:%S"),
        **changes,
    }
    return client.post(f"/admin/waffle/flag/{flag.pk}/change/", data)


def two_files():
    return [upload("a.png", receipt_png(), "image/png"), upload("b.png", receipt_png(total="9.99"), "image/png")]


def test_user_inside_the_percentage_uploads_several_files(django_user_model, transactional_db):
    set_rollout(5)
    user = user_on_side(django_user_model, 5, inside=True)

    response = client_for(user).post("/api/batches", {"files": two_files()}, format="multipart")

    assert response.status_code == 201
    assert response.json()["total"] == 2


def test_user_outside_the_rollout_gets_403_naming_the_feature(django_user_model, transactional_db):
    set_rollout(5)
    user = user_on_side(django_user_model, 5, inside=False)

    response = client_for(user).post("/api/batches", {"files": two_files()}, format="multipart")

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Batch upload (several receipts at once) is not available on your account yet; "
        "send one receipt at a time."
    )
    assert Batch.objects.filter(user=user).count() == 0


def test_user_outside_the_rollout_uploads_one_file(django_user_model, transactional_db):
    set_rollout(5)
    user = user_on_side(django_user_model, 5, inside=False)

    response = client_for(user).post(
        "/api/batches", {"files": [upload("a.png", receipt_png(), "image/png")]}, format="multipart"
    )

    assert response.status_code == 201
    assert response.json()["total"] == 1
    assert response.json()["receipts"][0]["status"] == "queued"


def test_user_outside_the_rollout_cannot_add_a_second_file_to_a_batch(django_user_model, transactional_db):
    set_rollout(5)
    user = user_on_side(django_user_model, 5, inside=False)
    client = client_for(user)
    batch_id = client.post("/api/batches", {"files": [upload("a.png", receipt_png(), "image/png")]}).json()["id"]

    response = client.post(f"/api/batches/{batch_id}/files", {"files": [upload("b.png", receipt_png(), "image/png")]})

    assert response.status_code == 403
    assert "Batch upload" in response.json()["detail"]
    assert Batch.objects.get(pk=batch_id).receipts.count() == 1


def test_power_users_group_is_always_in(django_user_model, transactional_db):
    set_rollout(0)
    user = make_user(django_user_model, "power")
    user.groups.add(Group.objects.get_or_create(name="Power users")[0])

    response = client_for(user).post("/api/batches", {"files": two_files()}, format="multipart")

    assert response.status_code == 201
    assert batch_upload_enabled(user) is True


def test_staff_are_always_in(django_user_model, transactional_db):
    set_rollout(0)
    staff = django_user_model.objects.create_user("ops", password="receipts-pass-1", is_staff=True)
    plain = make_user(django_user_model, "plain")

    assert batch_upload_enabled(staff) is True
    assert batch_upload_enabled(plain) is False


def test_membership_is_sticky_per_user(django_user_model, transactional_db):
    set_rollout(50)
    users = [make_user(django_user_model, f"sticky-{n}") for n in range(20)]

    first = [batch_upload_enabled(user) for user in users]
    again = [batch_upload_enabled(user) for user in users]

    assert first == again
    assert 0 < sum(first) < 20  # some in, some out at 50 %


def test_raising_the_percentage_from_5_to_100_in_the_admin_lets_everyone_in(
    django_user_model, staff_user, client, transactional_db
):
    flag = set_rollout(5)
    outside = user_on_side(django_user_model, 5, inside=False)
    api = client_for(outside)
    assert api.post("/api/batches", {"files": two_files()}, format="multipart").status_code == 403

    client.force_login(staff_user)
    change = post_admin_change(client, flag, percent="99.9")  # the field's top: 100 %
    assert change.status_code == 302, change.context["adminform"].form.errors

    assert api.post("/api/batches", {"files": two_files()}, format="multipart").status_code == 201
    assert batch_upload_enabled(outside) is True


def test_lowering_the_percentage_to_0_takes_users_out_again(django_user_model, transactional_db):
    set_rollout("99.9")
    user = make_user(django_user_model, "later")
    assert batch_upload_enabled(user) is True

    set_rollout(0)

    assert batch_upload_enabled(user) is False


def test_without_a_flag_everyone_has_batch_upload(django_user_model, transactional_db):
    Flag.objects.filter(name=BATCH_UPLOAD_FLAG).delete()
    user = make_user(django_user_model, "early")

    assert batch_upload_enabled(user) is True


@pytest.mark.parametrize("inside", [True, False])
def test_upload_page_is_in_single_file_mode_outside_the_rollout(django_user_model, client, transactional_db, inside):
    set_rollout(5)
    user = user_on_side(django_user_model, 5, inside=inside)
    client.force_login(user)

    page = client.get("/").content.decode()

    assert ("data-single-file" in page) is not inside
    assert ('class="file-input" multiple' in page) is inside
    assert ('data-max-files="1"' in page) is not inside
    assert ("send one receipt at a time" in page) is not inside


def test_upload_form_without_javascript_refuses_several_files_outside_the_rollout(
    django_user_model, client, transactional_db
):
    set_rollout(5)
    user = user_on_side(django_user_model, 5, inside=False)
    client.force_login(user)

    response = client.post("/", {"files": two_files()})

    assert response.status_code == 400
    assert "is not available on your account yet" in response.content.decode()
    assert Batch.objects.filter(user=user).count() == 0


DEAD_REDIS = "redis://127.0.0.1:1/0"


def test_while_the_cache_is_down_the_flag_is_read_from_the_database(django_user_model, settings, transactional_db):
    flag = set_rollout(0)
    listed = make_user(django_user_model, "listed")
    flag.users.add(listed)
    outside = make_user(django_user_model, "outside")
    dead_cache = {"default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}}

    with override_settings(CACHES=dead_cache):
        assert batch_upload_enabled(listed) is True
        assert batch_upload_enabled(outside) is False
        Flag.objects.filter(pk=flag.pk).update(everyone=True)  # the row is the truth, not the cache
        assert batch_upload_enabled(outside) is True
