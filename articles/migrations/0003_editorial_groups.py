"""The three editorial roles as groups. Assign people to them under Users."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = ["articles.article", "articles.faq", "articles.treatmentlist", "articles.treatment", "articles.trigger",
           "articles.reference", "glossary.term"]


def codes(actions, models):
    return [f"{model.split('.')[0]}.{action}_{model.split('.')[1]}" for model in models for action in actions]


EDITOR = codes(["add", "change", "view"], CONTENT) + codes(["view"], ["articles.reviewer"])
MEDICAL_REVIEWER = codes(["view"], [*CONTENT, "articles.reviewer"]) + [
    "articles.change_article",
    "articles.review_article",
]
PUBLISHER = (
    codes(["add", "change", "view", "delete"], [*CONTENT, "articles.reviewer"])
    + codes(["publish"], [m for m in CONTENT if m != "articles.reference"])
    + ["healthhub.change_sitesettings", "healthhub.view_sitesettings"]
)
GROUPS = {"Editor": EDITOR, "Medical reviewer": MEDICAL_REVIEWER, "Publisher": PUBLISHER}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permission_codes in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for code in permission_codes:
            app_label, codename = code.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_review_references_history_unpublish"),
        ("glossary", "0002_history_unpublish_publish_permission"),
        ("healthhub", "0001_site_settings"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
