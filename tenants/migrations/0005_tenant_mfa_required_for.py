from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("tenants", "0004_schema_migration_state"),
    ]

    operations = [
        migrations.AddField(
            model_name="tenant",
            name="mfa_required_for",
            field=models.CharField(
                choices=[
                    ("nobody", "Personne (chacun choisit)"),
                    ("admins", "Les administrateurs"),
                    ("staff", "Toute l'équipe (administrateurs, agents et élus)"),
                ],
                default="nobody",
                max_length=8,
                verbose_name="double authentification exigée de",
            ),
        ),
    ]
