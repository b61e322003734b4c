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
            "openingHoursSpecification": [
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": f"https://schema.org/{day.day_name}",
                    "opens": day.opens.strftime("%H:%M"),
                    "closes": day.closes.strftime("%H:%M"),
                }
                for day in clinic.hours
            ],
            "medicalSpecialty": "Psychiatric",
            "image": f"{settings.SITE_URL}{static(share_image(page))}",
        }
        # Closed all day: schema.org writes that as opening and closing at midnight.
        closures = [
            {
                "@type": "OpeningHoursSpecification",
                "opens": "00:00",
                "closes": "00:00",
                "validFrom": closure.first_day.isoformat(),
                "validThrough": closure.last_day.isoformat(),
            }
            for closure in clinic.upcoming_closures
            if closure.all_days
        ]
        if closures:
            data["specialOpeningHoursSpecification"] = closures
        payment = [*(["Self-pay"] if clinic.costs.self_pay else []), *clinic.costs.insurance_plans]
        if payment:
            data["paymentAccepted"] = ", ".join(payment)
        data = {key: value for key, value in data.items() if value not in ("", [])}
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
        if page.audience:
            data["audience"] = {"@type": "MedicalAudience", "audienceType": page.audience}
        review = context.get("page_review")
        if review:
            data["lastReviewed"] = review.reviewed_on.isoformat()
            data["reviewedBy"] = {"@type": "Person", "name": review.reviewer_name}
            if review.reviewer_credentials:
                data["reviewedBy"]["description"] = review.reviewer_credentials
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
