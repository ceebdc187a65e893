"""A version's reviewer and comment were its latest review's, kept twice: the review
trail (``VersionReview``, filled from the audit log and the versions themselves by
0006, and by every review since) is now where they are read
(``ServiceItemVersion.last_review``)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_version_reviews"),
    ]

    operations = [
        migrations.RemoveField(model_name="serviceitemversion", name="reviewer"),
        migrations.RemoveField(model_name="serviceitemversion", name="review_comment"),
    ]
