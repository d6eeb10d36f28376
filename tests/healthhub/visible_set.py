"""A mix of visible and hidden content shared by the feed and sitemap tests."""

import datetime

from django.utils import timezone

from healthhub.publishing.models import Status
from tests.factories import (
    ArticleFactory,
    FAQFactory,
    TermFactory,
    TreatmentFactory,
    TreatmentListFactory,
    TriggerFactory,
)


def mixed_content():
    """Returns the items visitors may see; everything else created here is hidden."""
    future = timezone.now() + datetime.timedelta(days=1)
    visible = ArticleFactory(title="Visible article", tags=["sleep"])
    draft = ArticleFactory(title="Draft article", status=Status.DRAFT, tags=["sleep", "secret"])
    ArticleFactory(title="Scheduled article", published_at=future, tags=["sleep"])
    ArticleFactory(title="Review article", status=Status.IN_REVIEW, tags=["sleep"])
    ArticleFactory(title="Expired article", unpublish_at=timezone.now() - datetime.timedelta(minutes=1))
    faq = FAQFactory(article=visible, question="Visible question?")
    FAQFactory(article=draft, question="Question of a draft?")
    treatment = TreatmentFactory(treatment_list=TreatmentListFactory(article=visible), name="Visible treatment")
    TreatmentFactory(treatment_list=TreatmentListFactory(article=draft), name="Treatment of a draft")
    trigger = TriggerFactory(name="Visible trigger")
    TriggerFactory(name="Draft trigger", status=Status.DRAFT)
    term = TermFactory(term="Visible term")
    TermFactory(term="Scheduled term", published_at=future)
    return [visible, faq, treatment, trigger, term]
