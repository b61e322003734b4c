"""The editorial pages, listed once.

Each entry drives its URL, the navigation, breadcrumbs, <title>, meta description, canonical link, share
image and sitemap entry. Adding a page is one entry here and one template in templates/pages/.
"""

from dataclasses import dataclass
from typing import Any

from pages import sources as src
from pages.sources import Source

MAIN_MENU = "main"
FOOTER_MENU = "footer"

# The main navigation's groups, in the order it shows them. Every page in the main menu belongs to one.
GROUP_ABOUT = "About us"
GROUP_BENZODIAZEPINES = "Benzodiazepines"
GROUP_HELP = "Getting help"
NAV_GROUPS = (GROUP_ABOUT, GROUP_BENZODIAZEPINES, GROUP_HELP)


@dataclass(frozen=True)
class Page:
    name: str  # URL name, template templates/pages/<name>.html and share image img/share/<name>.png
    path: str  # relative to the site root, "" for the home page
    title: str  # <title>, breadcrumb and share title
    heading: str  # the page's one <h1>
    description: str  # meta description and share description
    nav_label: str
    menu: str = MAIN_MENU
    schema_type: str = "MedicalWebPage"
    parent: "Page | None" = None
    nav_group: str = ""
    sources: tuple[Source, ...] = ()  # what the page's medical claims rest on, listed at its end
    audience: str = ""  # schema.org MedicalAudience of a page written for someone other than the patient

    @property
    def url(self) -> str:
        return f"/{self.path}"

    @property
    def reviewable(self) -> bool:
        """Pages that give medical information (articles, the FAQ, each medication) are reviewed by a clinician,
        each under its own name; the clinic's own notices (privacy...) are not."""
        return self.schema_type in ("MedicalWebPage", "FAQPage")

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
    title="Come off benzodiazepines slowly, at your own pace",
    heading="Come off benzodiazepines slowly, at your own pace",
    description=(
        "Portland Treatment Center in Portland, Maine helps people who depend on a prescribed "
        "benzodiazepine come off it with a slow, medically guided taper."
    ),
    nav_label="Home",
    schema_type="MedicalClinic",
)


def _article(**kwargs: Any) -> Page:
    return Page(parent=HOME, **kwargs)


PAGES: tuple[Page, ...] = (
    HOME,
    _article(
        name="dependence_vs_addiction",
        nav_group=GROUP_BENZODIAZEPINES,
        sources=(
            src.JOINT_GUIDELINE_2025,
            src.ASAM_PATIENT_GUIDE_2025,
            src.FDA_2020_BOXED_WARNING,
            src.ASHTON_MANUAL,
        ),
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
        nav_group=GROUP_BENZODIAZEPINES,
        sources=(
            src.ASHTON_MANUAL,
            src.JOINT_GUIDELINE_2025,
            src.PARR_2009,
            src.FDA_2020_BOXED_WARNING,
            src.LADER_1999,
        ),
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
        nav_group=GROUP_BENZODIAZEPINES,
        sources=(
            src.ASHTON_MANUAL,
            src.ASHTON_EQUIVALENCE_TABLE,
            src.VA_DOD_2021,
            src.FDA_2020_BOXED_WARNING,
            src.JOINT_GUIDELINE_2025,
        ),
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
        nav_group=GROUP_BENZODIAZEPINES,
        sources=(src.ASHTON_MANUAL, src.FDA_2020_BOXED_WARNING, src.JOINT_GUIDELINE_2025, src.LIFELINE_988),
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
        nav_group=GROUP_ABOUT,
        sources=(src.JOINT_GUIDELINE_2025, src.PARR_2009, src.FDA_2020_BOXED_WARNING),
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
        nav_group=GROUP_BENZODIAZEPINES,
        sources=(src.JOINT_GUIDELINE_2025, src.ASHTON_MANUAL, src.FDA_2020_BOXED_WARNING),
        path="coming-off-safely/",
        title="How to come off a benzodiazepine as safely as possible",
        heading="How to come off a benzodiazepine as safely as possible",
        description=(
            "Practical steps for coming off a benzodiazepine with as little risk as possible: the right "
            "professionals, a full assessment, a slow taper and support for life after it."
        ),
        nav_label="Coming off safely",
    ),
    _article(
        name="our_team",
        path="our-team/",
        title="Our team",
        heading="The people who would care for you",
        description=(
            "Who the clinicians at Portland Treatment Center are, their credentials and licenses, and what "
            "each of them does during a taper."
        ),
        nav_label="Our team",
        nav_group=GROUP_ABOUT,
        schema_type="AboutPage",
    ),
    _article(
        name="costs_and_insurance",
        path="costs-and-insurance/",
        title="Costs and insurance",
        heading="Costs and insurance",
        description=(
            "What a first call, an assessment and ongoing care cost, which insurance plans the clinic accepts, "
            "and paying for yourself."
        ),
        nav_label="Costs and insurance",
        nav_group=GROUP_ABOUT,
        schema_type="WebPage",
    ),
    _article(
        name="visit_us",
        path="visit-us/",
        title="Visit us",
        heading="Visit us",
        description=(
            "The clinic's address in Portland, Maine, how to get there, opening hours, upcoming closures and "
            "who telehealth visits are for."
        ),
        nav_label="Visit us",
        nav_group=GROUP_ABOUT,
        schema_type="WebPage",
    ),
    _article(
        name="staying_safe",
        path="staying-safe/",
        title="Staying safe while you take a benzodiazepine",
        heading="Staying safe while you take or taper a benzodiazepine",
        description=(
            "The FDA's warnings in plain words, why not to mix with opioids or alcohol, what to do if you ran "
            "out or stopped, and when to call 988, 911 or Poison Help."
        ),
        nav_label="Staying safe",
        nav_group=GROUP_BENZODIAZEPINES,
        sources=(
            src.FDA_2020_BOXED_WARNING,
            src.FDA_2016_OPIOIDS,
            src.JOINT_GUIDELINE_2025,
            src.FDA_2017_OPIOID_TREATMENT,
            src.FDA_2023_NALOXONE,
            src.CDC_2022_OPIOIDS,
            src.BEERS_2023,
            src.LIFELINE_988,
            src.POISON_HELP,
        ),
    ),
    _article(
        name="what_to_expect",
        path="what-to-expect/",
        title="What to expect when you contact us",
        heading="What to expect: the call, the assessment and the taper",
        description=(
            "What happens on the first call, at the assessment and during a taper, and how we work with the "
            "doctor who prescribes your medicine now."
        ),
        nav_label="What to expect",
        nav_group=GROUP_HELP,
        sources=(src.JOINT_GUIDELINE_2025,),
    ),
    _article(
        name="for_families",
        path="for-families/",
        title="For families and friends",
        heading="When someone you love is coming off a benzodiazepine",
        description=(
            "For family and friends: what dependence is and is not, what helps during a taper, what to say, "
            "and how to ask us to call the person you care about."
        ),
        nav_label="For families",
        nav_group=GROUP_HELP,
        sources=(
            src.JOINT_GUIDELINE_2025,
            src.ASAM_PATIENT_GUIDE_2025,
            src.FDA_2020_BOXED_WARNING,
            src.FDA_2017_OPIOID_TREATMENT,
            src.FDA_2023_NALOXONE,
            src.CDC_2022_OPIOIDS,
            src.LIFELINE_988,
        ),
    ),
    _article(
        name="faq",
        path="faq/",
        title="Questions people ask us",
        heading="Questions people ask us",
        description=(
            "Answers to common questions: how long a taper takes, working and driving, medicines not on our "
            "list, if you have already stopped, referrals, prescriptions and privacy."
        ),
        nav_label="Questions",
        nav_group=GROUP_HELP,
        schema_type="FAQPage",
        sources=(
            src.JOINT_GUIDELINE_2025,
            src.ASAM_PATIENT_GUIDE_2025,
            src.FDA_2020_BOXED_WARNING,
            src.FDA_2016_OPIOIDS,
            src.ASHTON_MANUAL,
        ),
    ),
    _article(
        name="for_clinicians",
        path="for-clinicians/",
        title="For clinicians: referring a patient",
        heading="For clinicians: referring a patient for a slow taper",
        description=(
            "For prescribers and other clinicians: how to refer a patient, what to send, who we can and cannot "
            "help, how we work with the current prescriber and the taper pace we follow."
        ),
        nav_label="For clinicians",
        nav_group=GROUP_HELP,
        audience="Clinician",
        sources=(
            src.JOINT_GUIDELINE_2025,
            src.FDA_2020_BOXED_WARNING,
            src.FDA_2017_OPIOID_TREATMENT,
            src.ASHTON_MANUAL,
        ),
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
        name="language_help",
        path="language-help/",
        title="Language help",
        heading="Free help in your language",
        description=(
            "An interpreter by phone costs you nothing. How to ask for one, with a short notice in the languages "
            "most spoken in Maine."
        ),
        nav_label="Language help",
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
# (group, its pages) in NAV_GROUPS order; a group with no page yet is left out.
MAIN_NAV_GROUPS = tuple(
    (group, pages) for group in NAV_GROUPS if (pages := tuple(page for page in MAIN_NAV if page.nav_group == group))
)
FOOTER_NAV = tuple(page for page in PAGES if page.menu == FOOTER_MENU)
