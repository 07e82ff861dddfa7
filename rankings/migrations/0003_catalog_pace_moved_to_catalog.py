from django.db import migrations


class Migration(migrations.Migration):
    """CatalogPace leaves rankings in Django's state only: catalog's 0001 took it over with its
    table, which must not be dropped."""

    dependencies = [
        ("rankings", "0002_catalog_pace"),
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="CatalogPace",
                ),
            ],
        ),
    ]
