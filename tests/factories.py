import datetime

import factory
from django.utils import timezone

from articles.models import FAQ, Article, Reference, Reviewer, Treatment, TreatmentList, Trigger
from glossary.models import Term
from healthhub.publishing.models import Status


def past():
    return timezone.now() - datetime.timedelta(days=1)


class PublishableFactory(factory.django.DjangoModelFactory):
    status = Status.PUBLISHED
    published_at = factory.LazyFunction(past)

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def tags(self, create, names):
        if create and names:
            self.tags.set(names)


class ArticleFactory(PublishableFactory):
    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "A short summary for the lists."
    body = "## Overview\n\nSome plain text about the topic.\n\n## Details\n\nMore text."

    class Meta:
        skip_postgeneration_save = True
        model = Article


class FAQFactory(PublishableFactory):
    question = factory.Sequence(lambda n: f"Question {n}?")
    slug = factory.Sequence(lambda n: f"question-{n}")
    answer = "An answer in **Markdown**."
    article = factory.SubFactory(ArticleFactory)

    class Meta:
        skip_postgeneration_save = True
        model = FAQ


class TreatmentListFactory(PublishableFactory):
    title = factory.Sequence(lambda n: f"Treatment list {n}")
    kind = TreatmentList.Kind.ACUTE
    article = factory.SubFactory(ArticleFactory)

    class Meta:
        skip_postgeneration_save = True
        model = TreatmentList


class TreatmentFactory(PublishableFactory):
    name = factory.Sequence(lambda n: f"Treatment {n}")
    slug = factory.Sequence(lambda n: f"treatment-{n}")
    description = "What it is and how it helps."
    treatment_list = factory.SubFactory(TreatmentListFactory)

    class Meta:
        skip_postgeneration_save = True
        model = Treatment


class TriggerFactory(PublishableFactory):
    name = factory.Sequence(lambda n: f"Trigger {n}")
    slug = factory.Sequence(lambda n: f"trigger-{n}")
    category = Trigger.Category.LIFESTYLE
    description = "How it can set off symptoms."

    class Meta:
        skip_postgeneration_save = True
        model = Trigger


class TermFactory(PublishableFactory):
    term = factory.Sequence(lambda n: f"Term {n}")
    slug = factory.Sequence(lambda n: f"term-{n}")
    short_definition = "A short plain definition."
    definition = "A longer definition in Markdown."

    class Meta:
        skip_postgeneration_save = True
        model = Term


class ReviewerFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Dr Reviewer {n}")
    slug = factory.Sequence(lambda n: f"reviewer-{n}")
    credentials = "MBBS, consultant neurologist"
    affiliation = "City Hospital"

    class Meta:
        model = Reviewer


class ReferenceFactory(factory.django.DjangoModelFactory):
    article = factory.SubFactory(ArticleFactory)
    title = factory.Sequence(lambda n: f"Guideline {n}")
    url = factory.Sequence(lambda n: f"https://guidelines.example.org/{n}")
    publisher = "Example Institute"
    accessed_on = datetime.date(2026, 1, 15)

    class Meta:
        model = Reference
