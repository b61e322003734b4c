import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from pages.faq import QUESTIONS
from pages.registry import Page

register = template.Library()

# Characters that could end the <script> element early, escaped as Django's json_script does.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def share_image(page: Page) -> str:
    """The static path of the page's 1200×630 share image (made by `manage.py make_share_images`)."""
    return f"img/share/{page.name}.png"


@register.simple_tag(takes_context=True)
def page_schema(context, page: Page) -> str:
    """JSON-LD describing the page: the clinic itself on the home page, elsewhere the page with what it cites
    (and, on the FAQ, its questions and answers as shown)."""
    clinic = context["clinic"]
    url = f"{settings.SITE_URL}{page.url}"
    if page.schema_type == "MedicalClinic":
        data = {
            "@context": "https://schema.org",
            "@type": "MedicalClinic",
            "name": clinic.name,
            "url": url,
            "telephone": clinic.phone_e164,
            "address": clinic.address,
            "openingHours": clinic.hours_text,
            "medicalSpecialty": "Psychiatric",
            "image": f"{settings.SITE_URL}{static(share_image(page))}",
        }
    else:
        data = {
            "@context": "https://schema.org",
            "@type": page.schema_type,
            "name": page.title,
            "headline": page.heading,
            "description": page.description,
            "url": url,
            "inLanguage": "en-US",
            "publisher": {"@type": "MedicalClinic", "name": clinic.name, "telephone": clinic.phone_e164},
        }
        if page.reviewed_on:
            data["lastReviewed"] = page.reviewed_on.isoformat()
            data["reviewedBy"] = {"@type": "Organization", "name": context["content_reviewer"]}
        if page.schema_type == "FAQPage":
            data["mainEntity"] = [
                {
                    "@type": "Question",
                    "name": item.question,
                    "acceptedAnswer": {"@type": "Answer", "text": item.answer_text},
                }
                for item in QUESTIONS
            ]
        if page.sources:
            data["citation"] = [
                {"@type": "CreativeWork", "author": source.author, "name": source.title, "url": source.url}
                for source in page.sources
            ]
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308 (escaped above)
