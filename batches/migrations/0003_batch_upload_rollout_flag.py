"""The "batch_upload" flag, on for everyone as before, and the power users group it always lets in.

To start the rollout, set the flag's Everyone to "Unknown" and its Percent to 5 in the admin.
"""

from django.db import migrations

FLAG = "batch_upload"
GROUP = "Power users"


def create_flag(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Flag = apps.get_model("waffle", "Flag")
    group, _ = Group.objects.get_or_create(name=GROUP)
    flag, created = Flag.objects.get_or_create(
        name=FLAG,
        defaults={
            "everyone": True,
            "staff": True,
            "superusers": True,
            "note": "Batch upload (many files at once). Staff and the Power users group are always in; "
            "Percent picks users by a hash of their id.",
        },
    )
    if created:
        flag.groups.add(group)


def remove_flag(apps, schema_editor):
    apps.get_model("waffle", "Flag").objects.filter(name=FLAG).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("batches", "0002_feedback"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("waffle", "0004_update_everyone_nullbooleanfield"),
    ]

    operations = [migrations.RunPython(create_flag, remove_flag)]
