from django.db import migrations, models


class Migration(migrations.Migration):
    """CatalogPace joins the catalog app in Django's state only: its table, made by rankings'
    0002 (unlogged on PostgreSQL), stays where it is with its row."""

    initial = True

    dependencies = [
        ("rankings", "0002_catalog_pace"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CatalogPace",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("next_slot", models.FloatField(default=0)),
                    ],
                    options={
                        "db_table": "rankings_catalogpace",
                    },
                ),
            ],
        ),
    ]
