# Applicants' notifications move to the notifications app, which any user can receive.

from django.db import migrations


def copy_notifications(apps, schema_editor):
    Old = apps.get_model("cases", "Notification")
    New = apps.get_model("notifications", "Notification")
    New.objects.bulk_create(
        [
            New(
                recipient_id=old.recipient_id,
                # The old rows did not record what they were about.
                kind="legacy",
                case_number=old.case.number,
                subject=old.subject,
                body=old.body,
                link=f"/cases/{old.case.number}/",
                dedupe_key=f"cases.notification:{old.pk}",
                created_at=old.created_at,
                read_at=old.read_at,
            )
            for old in Old.objects.select_related("case").iterator()
        ]
    )


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0002_case_item_version"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_notifications, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
