"""schema.org JSON-LD for public pages, built as plain dicts.

Templates print them with the `jsonld` filter (healthhub/templatetags/seo.py),
which escapes "<", ">" and "&" so that text from editors cannot close the script
element. Absolute addresses use SITE_URL when set, else the request's host.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.html import strip_tags

SITE_NAME = "healthhub"


def absolute_url(path, request=None):
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path) if request is not None else path


def breadcrumb_list(request, crumbs):
    """crumbs: [(name, path)] from the home page down to the current page."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute_url(path, request)}
            for position, (name, path) in enumerate(crumbs, start=1)
        ],
    }


def reviewer_person(request, reviewer):
    person = {
        "@type": "Person",
        "name": reviewer.name,
        "url": absolute_url(reviewer.get_absolute_url(), request),
        "jobTitle": reviewer.credentials,
    }
    if reviewer.affiliation:
        person["affiliation"] = {"@type": "Organization", "name": reviewer.affiliation}
    return person


def article_page(request, article):
    page = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": article.title,
        "headline": article.title,
        "description": article.summary,
        "url": absolute_url(article.get_absolute_url(), request),
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat() if article.updated_at else article.published_at.isoformat(),
        "keywords": [tag.name for tag in article.tags.all()],
        "publisher": {"@type": "Organization", "name": SITE_NAME},
    }
    if article.last_reviewed_on:
        page["lastReviewed"] = article.last_reviewed_on.isoformat()
    if article.reviewed_by:
        page["reviewedBy"] = reviewer_person(request, article.reviewed_by)
    if article.hero_image:
        page["image"] = absolute_url(article.hero_image.url, request)
    return page


def faq_page(request, faqs):
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": faq.question,
                "acceptedAnswer": {"@type": "Answer", "text": strip_tags(faq.answer_html).strip()},
            }
            for faq in faqs
        ],
    }


def term_set(request):
    return {
        "@type": "DefinedTermSet",
        "name": f"{SITE_NAME} glossary of medical terms",
        "url": absolute_url(reverse("glossary:term-list"), request),
    }


def defined_term(request, term, *, in_set=True):
    data = {
        "@type": "DefinedTerm",
        "name": term.term,
        "description": term.short_definition,
        "url": absolute_url(term.get_absolute_url(), request),
    }
    if term.alias_list:
        data["alternateName"] = term.alias_list
    if in_set:
        data = {"@context": "https://schema.org", **data, "inDefinedTermSet": term_set(request)}
    return data


def glossary(request, terms):
    return {
        "@context": "https://schema.org",
        **term_set(request),
        "hasDefinedTerm": [defined_term(request, term, in_set=False) for term in terms],
    }
