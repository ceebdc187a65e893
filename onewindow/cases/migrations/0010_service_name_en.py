from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill_english_names(apps, schema_editor):
    """Cases filed before the field: the English name of the guide version they were
    filed under, or for a life event's parent case, of the event."""
    Case = apps.get_model("cases", "Case")
    ServiceItemVersion = apps.get_model("catalog", "ServiceItemVersion")
    LifeEvent = apps.get_model("catalog", "LifeEvent")
    Case.objects.filter(item_version__isnull=False).update(
        service_name_en=Coalesce(
            Subquery(
                ServiceItemVersion.objects.filter(pk=OuterRef("item_version_id")).values(
                    "name_en"
                )[:1]
            ),
            Value(""),
        )
    )
    Case.objects.filter(item_version__isnull=True, parent__isnull=True).update(
        service_name_en=Coalesce(
            Subquery(LifeEvent.objects.filter(code=OuterRef("service_code")).values("name_en")[:1]),
            Value(""),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_verbose_names"),
        ("catalog", "0003_application_bindings"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="service_name_en",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="English service name"
            ),
        ),
        migrations.RunPython(fill_english_names, migrations.RunPython.noop),
    ]
