"""Who changed each version, so that none of them reviews it. An open version's editors
are read from the audit log, which holds every saved draft and every form and process
chosen (``catalog.draft_saved``, ``catalog.application_bound``, with the version's
number), and its author; an import's drafts name no version in the log, so their
importer is known only as the author. Published and superseded versions need none:
nobody reviews them again."""

from django.db import migrations, models

OPEN = ["draft", "in_review", "rejected"]
CHANGES = ["catalog.draft_saved", "catalog.application_bound"]


def read_the_editors(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ServiceItemVersion = apps.get_model("catalog", "ServiceItemVersion")
    editors = {}
    by_number = {}
    for version in ServiceItemVersion.objects.filter(status__in=OPEN).only(
        "pk", "item_id", "number", "author_id"
    ):
        editors[version.pk] = [version.author_id] if version.author_id else []
        by_number[(str(version.item_id), version.number)] = version.pk
    events = AuditEvent.objects.filter(
        action__in=CHANGES,
        outcome="success",
        target_type="catalog.serviceitem",
        actor_id__isnull=False,
    ).order_by("seq")
    for event in events.iterator():
        detail = event.detail if isinstance(event.detail, dict) else {}
        version_id = by_number.get((event.target_id, detail.get("version")))
        if version_id is not None and event.actor_id not in editors[version_id]:
            editors[version_id].append(event.actor_id)
    changed = []
    for version in ServiceItemVersion.objects.filter(pk__in=editors).only("pk"):
        version.editor_ids = editors[version.pk]
        changed.append(version)
    ServiceItemVersion.objects.bulk_update(changed, ["editor_ids"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_verbose_names"),
        ("catalog", "0008_version_submitted_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="serviceitemversion",
            name="editor_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(read_the_editors, migrations.RunPython.noop),
    ]
