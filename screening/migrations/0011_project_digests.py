from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0010_registry'),
    ]

    operations = [
        migrations.AddField(
            model_name='ledgerupload',
            name='fingerprint',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name='project',
            name='row_digest',
            field=models.CharField(blank=True, default='', max_length=32),
        ),
        migrations.AddField(
            model_name='project',
            name='screening_key',
            field=models.CharField(blank=True, default='', max_length=32),
        ),
    ]
