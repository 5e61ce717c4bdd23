"""The zero-setup SQLite database holds up with several workers writing at once."""

import subprocess

from tests.conftest import manage_command, worker_environment

CREATE_BATCH = """
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from batches.services import create_batch
from tests.receipt_images import receipt_png
user = get_user_model().objects.create_user("sqlite-user")
files = [SimpleUploadedFile(f"{n}.png", receipt_png(total=f"{n}.50")) for n in range(6)]
print(create_batch(user, files).id)
"""

REPORT = """
from batches.models import Batch
batch = Batch.objects.get()
progress = batch.progress()
print(batch.status, progress.completed, progress.failed)
"""


def test_two_workers_share_a_sqlite_database(tmp_path, transactional_db):
    env = {
        **worker_environment(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'receipts.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }

    def manage(*args):
        result = subprocess.run(manage_command(*args), env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    manage("migrate", "-v0")
    manage("shell", "-v0", "-c", CREATE_BATCH)
    workers = [
        subprocess.Popen(manage_command("rqworker", "receipts", "--burst"), env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for worker in workers:
        _, stderr = worker.communicate(timeout=300)
        assert worker.returncode == 0, stderr[-3000:]
        assert "database is locked" not in stderr

    assert manage("shell", "-v0", "-c", REPORT).split() == ["completed", "6", "0"]
