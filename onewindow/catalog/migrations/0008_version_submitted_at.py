"""When each version last went to review, for the review queue's order (the longest
waiting first). Versions submitted before are dated from the audit log, which holds
every submission (``catalog.submitted``, with the version's number); a version awaiting
review that the log does not show submitted (an import sends its drafts to review, its
event naming no version) is dated by its creation, the latest that is known."""

from django.db import migrations, models

IN_REVIEW = "in_review"


def date_the_submissions(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ServiceItemVersion = apps.get_model("catalog", "ServiceItemVersion")
    versions = {
        (item_id, number): pk
        for pk, item_id, number in ServiceItemVersion.objects.values_list("pk", "item_id", "number")
    }
    submitted = {}
    events = AuditEvent.objects.filter(
        action="catalog.submitted", outcome="success", target_type="catalog.serviceitem"
    ).order_by("seq")
    for event in events.iterator():
        detail = event.detail if isinstance(event.detail, dict) else {}
        try:
            version_id = versions.get((int(event.target_id), int(detail["version"])))
        except (KeyError, TypeError, ValueError):
            continue
        if version_id is not None:
            submitted[version_id] = event.at  # in order: the last one stays
    dated = ServiceItemVersion.objects.filter(pk__in=submitted)
    changed = []
    for version in dated.only("pk").iterator():
        version.submitted_at = submitted[version.pk]
        changed.append(version)
    ServiceItemVersion.objects.bulk_update(changed, ["submitted_at"], batch_size=500)
    undated = ServiceItemVersion.objects.filter(status=IN_REVIEW, submitted_at__isnull=True)
    undated.update(submitted_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_verbose_names"),
        ("catalog", "0007_version_reviews_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="serviceitemversion",
            name="submitted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(date_the_submissions, migrations.RunPython.noop),
    ]
