"""The editorial pages, listed once.

Each entry drives its URL, the navigation, breadcrumbs, <title>, meta description, canonical link, share
image and sitemap entry. Adding a page is one entry here and one template in templates/pages/.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

MAIN_MENU = "main"
FOOTER_MENU = "footer"


@dataclass(frozen=True)
class Page:
    name: str  # URL name, template templates/pages/<name>.html and share image img/share/<name>.png
    path: str  # relative to the site root, "" for the home page
    title: str  # <title>, breadcrumb and share title
    heading: str  # the page's one <h1>
    description: str  # meta description and share description
    nav_label: str
    menu: str = MAIN_MENU
    reviewed_on: date | None = None  # articles show when they were last reviewed
    schema_type: str = "MedicalWebPage"
    parent: "Page | None" = None

    @property
    def url(self) -> str:
        return f"/{self.path}"

    @property
    def template_name(self) -> str:
        return f"pages/{self.name}.html"

    @property
    def breadcrumbs(self) -> list["Page"]:
        """The pages above this one, home first."""
        trail = []
        page = self.parent
        while page is not None:
            trail.insert(0, page)
            page = page.parent
        return trail


HOME = Page(
    name="home",
    path="",
    title="Come off benzodiazepines safely, at your own pace",
    heading="Come off benzodiazepines safely, at your own pace",
    description=(
        "Portland Treatment Center in Portland, Maine helps people who depend on a prescribed "
        "benzodiazepine come off it with a slow, medically guided taper."
    ),
    nav_label="Home",
    schema_type="MedicalClinic",
)

_REVIEWED = date(2026, 11, 20)


def _article(**kwargs: Any) -> Page:
    return Page(parent=HOME, reviewed_on=_REVIEWED, **kwargs)


PAGES: tuple[Page, ...] = (
    HOME,
    _article(
        name="dependence_vs_addiction",
        path="dependence-vs-addiction/",
        title="Physical dependence is not addiction",
        heading="Physical dependence and addiction are not the same",
        description=(
            "How physical dependence on a prescribed benzodiazepine differs from addiction, and why the "
            "difference decides what kind of help fits."
        ),
        nav_label="Dependence vs addiction",
    ),
    _article(
        name="why_not_traditional_rehab",
        path="why-not-traditional-rehab/",
        title="Why a typical rehab may not fit",
        heading="Why a typical rehab or rapid detox may not fit",
        description=(
            "Five reasons a 12-step rehab or a rapid detox may be the wrong fit for someone dependent on a "
            "prescribed benzodiazepine."
        ),
        nav_label="Why not rehab",
    ),
    _article(
        name="benzodiazepines",
        path="benzodiazepines/",
        title="Benzodiazepines and their equivalents",
        heading="Benzodiazepines: names, half-lives and equivalents",
        description=(
            "The eight common benzodiazepines with US brand names, main use, half-life and approximate "
            "equivalent to 10 mg of diazepam."
        ),
        nav_label="Benzodiazepines",
    ),
    _article(
        name="withdrawal_symptoms",
        path="withdrawal-symptoms/",
        title="Benzodiazepine withdrawal symptoms",
        heading="Benzodiazepine withdrawal symptoms",
        description=(
            "Common benzodiazepine withdrawal symptoms, why stopping suddenly is risky, and when to get urgent help."
        ),
        nav_label="Withdrawal symptoms",
    ),
    _article(
        name="our_approach",
        path="our-approach/",
        title="Our approach to tapering",
        heading="Our approach: a slow taper with support around it",
        description=(
            "A personal, medically guided taper with therapy, short-term support and aftercare, at a pace "
            "your body and mind can manage."
        ),
        nav_label="Our approach",
    ),
    _article(
        name="coming_off_safely",
        path="coming-off-safely/",
        title="How to come off a benzodiazepine safely",
        heading="How to come off a benzodiazepine safely",
        description=(
            "Practical steps for coming off a benzodiazepine safely: the right professionals, a full "
            "assessment, a slow taper and support for life after it."
        ),
        nav_label="Coming off safely",
    ),
    _article(
        name="privacy",
        path="privacy/",
        title="Privacy notice",
        heading="Privacy notice",
        description=(
            "What the call-back form collects and why, who can see it, how long it is kept, and how this "
            "site avoids tracking."
        ),
        nav_label="Privacy",
        menu=FOOTER_MENU,
        schema_type="WebPage",
    ),
    _article(
        name="accessibility",
        path="accessibility/",
        title="Accessibility statement",
        heading="Accessibility statement",
        description=(
            "The accessibility standard this site aims for, how it is tested, known gaps, and how to report "
            "a problem or ask for another format."
        ),
        nav_label="Accessibility",
        menu=FOOTER_MENU,
        schema_type="WebPage",
    ),
)

PAGES_BY_NAME = {page.name: page for page in PAGES}
MAIN_NAV = tuple(page for page in PAGES if page.menu == MAIN_MENU and page is not HOME)
FOOTER_NAV = tuple(page for page in PAGES if page.menu == FOOTER_MENU)
