"""Realistic bulk content for benchmarks: articles with FAQs, treatments, triggers, terms and tags.

Bodies are the demo articles' bodies (so Markdown, tables and headings are
real), rendered once each and stored with every generated article, which is
what saving each article would have produced. Rows go in with bulk_create in
batches, so 100,000 articles take minutes, not hours.
"""

import datetime
import itertools
import random

import frontmatter
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag
from tqdm import tqdm

from articles.models import (
    FAQ,
    Article,
    ArticleTag,
    FAQTag,
    Treatment,
    TreatmentList,
    TreatmentTag,
    Trigger,
    TriggerTag,
)
from glossary import mentions as term_mentions
from glossary.models import Term, TermTag
from healthhub.publishing import events
from healthhub.publishing.models import Status
from healthhub.text.markdown import render_markdown

BATCH = 2000
WORDS = (
    "back neck shoulder chest rib spine hip knee ankle foot eye ear jaw head nerve muscle joint tendon "
    "skin sleep breathing posture running walking swimming cycling massage stretching stress diet fluid "
    "heat cold light noise screen work weather travel pain ache stiffness swelling numbness tingling "
    "fatigue dizziness"
).split()
TERM_PREFIXES = (
    "acute anterior posterior lateral medial cervical thoracic lumbar sacral cranial occipital frontal "
    "temporal nasal ocular spinal pelvic plantar dorsal palmar chronic episodic primary secondary "
    "reactive referred radiating sensory motor autonomic vascular muscular myofascial fascial synovial "
    "articular neural central peripheral deep superficial transverse oblique proximal distal bilateral "
    "unilateral sympathetic vagal trigeminal facial optic postural respiratory diaphragmatic abdominal "
    "scapular clavicular sternal costal hamstring quadriceps calf forearm wrist elbow thumb heel arch "
    "toe lower upper inner outer mid intercostal paraspinal gluteal femoral tibial fibular"
).split()
TERM_SUFFIXES = (
    "strain sprain spasm block reflex syndrome neuralgia tendinopathy bursitis arthritis stenosis "
    "release mobilisation manipulation stretch brace splint injection stimulation ganglion plexus "
    "ligament tendon fascia capsule cartilage disc joint muscle nerve artery vein node receptor pathway "
    "rhythm tone tension stiffness weakness fatigue imbalance alignment curvature tilt rotation flexion "
    "extension abduction adduction compression decompression inflammation oedema ischaemia sensitisation "
    "threshold score scale assessment test sign marker"
).split()


def _demo_bodies():
    folder = settings.BASE_DIR / "content" / "demo" / "articles"
    return [frontmatter.load(path).content for path in sorted(folder.glob("*.md"))]


def _batched(iterable, size=BATCH):
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _tag_rows(through, objects, tag_ids, rng, per_item):
    for obj in objects:
        for tag_id in rng.sample(tag_ids, per_item):
            yield through(content_object_id=obj.pk, tag_id=tag_id)


def generate(*, articles, terms=5000, tags=400, seed=1, progress=True):
    """Add `articles` articles (3 FAQs, 2 treatment lists of 3 treatments each, 3 triggers, 4 tags).

    The first call also creates `tags` tags, 500 triggers and `terms` glossary
    terms; later calls add articles to them (1,000, then 9,000 more, ...).
    """
    rng = random.Random(seed)
    now = timezone.now()
    rendered = [render_markdown(body) for body in _demo_bodies()]
    if not Trigger.objects.filter(slug__startswith="bench-trigger-").exists():
        _vocabulary(rng, now, terms, tags)
    tag_ids = list(Tag.objects.values_list("pk", flat=True))
    triggers = list(Trigger.objects.filter(slug__startswith="bench-trigger-"))
    start = Article.objects.filter(slug__startswith="bench-").count()
    bar = tqdm(total=articles, desc="articles", unit="article", disable=not progress)
    for numbers in _batched(range(start, start + articles)):
        with transaction.atomic():
            _article_batch(numbers, rendered, rng, tag_ids, triggers, now)
        bar.update(len(numbers))
    bar.close()
    # Bulk-created rows send no signals: work out the mentions behind "Used in" here,
    # and let stored related-page lists be worked out again.
    term_mentions.rebuild()
    # Rows went in with bulk_create, which sends no signals: whatever was cached may show too little.
    events.announce(events.Change(everything=True))
    # Fresh planner statistics, as autovacuum would gather later: without them
    # PostgreSQL picks nested loops over the new rows (seconds instead of milliseconds).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _vocabulary(rng, now, terms, tags):
    """Tags, 500 triggers and the glossary: created once, shared by every batch of articles."""
    with transaction.atomic():
        Tag.objects.bulk_create(
            [
                Tag(name=f"{a} {b}", slug=f"{a}-{b}")
                for a, b in itertools.islice(itertools.permutations(WORDS, 2), tags)
            ],
            ignore_conflicts=True,
        )
        tag_ids = list(Tag.objects.values_list("pk", flat=True))
        triggers = Trigger.objects.bulk_create(
            Trigger(
                name=f"Trigger {n}",
                slug=f"bench-trigger-{n}",
                category=rng.choice(Trigger.Category.values),
                description="Something people notice before symptoms start.",
                description_html="<p>Something people notice before symptoms start.</p>",
                status=Status.PUBLISHED,
                published_at=now - datetime.timedelta(days=30),
            )
            for n in range(500)
        )
        TriggerTag.objects.bulk_create(_tag_rows(TriggerTag, triggers, tag_ids, rng, 2))
        taken = {name.lower() for name in Term.objects.values_list("term", flat=True)}
        term_names = [f"{a} {b}" for a, b in itertools.product(TERM_PREFIXES, TERM_SUFFIXES) if f"{a} {b}" not in taken]
        rng.shuffle(term_names)
        term_objects = Term.objects.bulk_create(
            Term(
                term=name.capitalize(),
                slug=name.replace(" ", "-"),
                short_definition=f"A plain explanation of {name}.",
                definition=f"What **{name}** means, in plain words.",
                definition_html=f"<p>What <strong>{name}</strong> means, in plain words.</p>",
                status=Status.PUBLISHED,
                published_at=now - datetime.timedelta(days=60),
            )
            for name in term_names[:terms]
        )
        TermTag.objects.bulk_create(_tag_rows(TermTag, term_objects, tag_ids, rng, 2))


def _article_batch(numbers, rendered, rng, tag_ids, triggers, now):
    batch = []
    for n in numbers:
        body = rendered[n % len(rendered)]
        topic = " ".join(rng.sample(WORDS, 3))
        batch.append(
            Article(
                title=f"{topic.capitalize()} ({n})",
                slug=f"bench-{n}",
                summary=f"What to know about {topic}, and what helps.",
                body="(generated)",
                body_html=body.html,
                toc=body.toc,
                status=Status.PUBLISHED if n % 10 else Status.DRAFT,
                published_at=now - datetime.timedelta(minutes=n + 1),
            )
        )
    created = Article.objects.bulk_create(batch)
    ArticleTag.objects.bulk_create(_tag_rows(ArticleTag, created, tag_ids, rng, 4))
    faqs = FAQ.objects.bulk_create(
        FAQ(
            question=f"Question {i} about {article.title}?",
            slug=f"{article.slug}-q{i}",
            answer="A short answer.",
            answer_html="<p>A short answer.</p>",
            article=article,
            order=i,
            status=Status.PUBLISHED,
            published_at=article.published_at,
        )
        for article in created
        for i in range(3)
    )
    FAQTag.objects.bulk_create(_tag_rows(FAQTag, faqs, tag_ids, rng, 2))
    lists = TreatmentList.objects.bulk_create(
        TreatmentList(
            title=kind.label, kind=kind, article=article, status=Status.PUBLISHED, published_at=article.published_at
        )
        for article in created
        for kind in (TreatmentList.Kind.ACUTE, TreatmentList.Kind.SELF_CARE)
    )
    treatments = Treatment.objects.bulk_create(
        Treatment(
            treatment_list=treatment_list,
            name=f"Treatment {i} for {treatment_list.article.title}",
            slug=f"{treatment_list.article.slug}-{treatment_list.kind}-{i}",
            description="What it is and how it helps.",
            description_html="<p>What it is and how it helps.</p>",
            evidence_level=rng.choice(Treatment.Evidence.values),
            order=i,
            status=Status.PUBLISHED,
            published_at=treatment_list.published_at,
        )
        for treatment_list in lists
        for i in range(3)
    )
    TreatmentTag.objects.bulk_create(_tag_rows(TreatmentTag, treatments, tag_ids, rng, 1))
    links = Trigger.articles.through
    links.objects.bulk_create(
        links(trigger_id=trigger.pk, article_id=article.pk)
        for article in created
        for trigger in rng.sample(triggers, 3)
    )
