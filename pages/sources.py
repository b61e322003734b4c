"""The published works the articles rely on, kept once so every page cites them the same way.

A page lists the keys it relies on (`Page.sources`); article.html renders them as its Sources list.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    author: str
    title: str
    year: str  # "n.d." for a service's page that carries no date
    url: str
    named_as: tuple[str, ...]  # words by which a page's text names it where it relies on it
    detail: str = ""  # journal, volume and pages, or what the page is


ASHTON_MANUAL = Source(
    author="C. Heather Ashton",
    title="Benzodiazepines: How They Work and How to Withdraw (the Ashton Manual)",
    year="2002",
    url="https://www.benzo.org.uk/manual/",
    named_as=("Ashton Manual",),
)
ASHTON_EQUIVALENCE_TABLE = Source(
    author="C. Heather Ashton",
    title="Benzodiazepine Equivalence Table",
    year="2007",
    url="https://www.benzo.org.uk/bzequiv.htm",
    detail="revised April 2007",
    named_as=("Equivalence Table",),
)
FDA_2020_BOXED_WARNING = Source(
    author="US Food and Drug Administration",
    title="FDA requiring Boxed Warning updated to improve safe use of benzodiazepine drug class",
    year="2020",
    url=(
        "https://www.fda.gov/drugs/drug-safety-and-availability/"
        "fda-requiring-boxed-warning-updated-improve-safe-use-benzodiazepine-drug-class"
    ),
    detail="Drug Safety Communication, September 23, 2020",
    named_as=("FDA", "2020"),
)
FDA_2016_OPIOIDS = Source(
    author="US Food and Drug Administration",
    title=(
        "FDA warns about serious risks and death when combining opioid pain or cough medicines with "
        "benzodiazepines; requires its strongest warning"
    ),
    year="2016",
    url=(
        "https://www.fda.gov/drugs/drug-safety-and-availability/"
        "fda-drug-safety-communication-fda-warns-about-serious-risks-and-death-when-combining-opioid-pain-or"
    ),
    detail="Drug Safety Communication, August 31, 2016",
    named_as=("FDA", "2016"),
)
JOINT_GUIDELINE_2025 = Source(
    author="Emily Brunner and colleagues, for the American Society of Addiction Medicine and nine other societies",
    title="Joint Clinical Practice Guideline on Benzodiazepine Tapering: Considerations When Risks Outweigh Benefits",
    year="2025",
    url="https://doi.org/10.1007/s11606-025-09499-2",
    detail="Journal of General Internal Medicine",
    named_as=("2025", "guideline"),
)
PARR_2009 = Source(
    author="J. M. Parr, D. J. Kavanagh, L. Cahill, G. Mitchell and R. McD. Young",
    title="Effectiveness of current treatment approaches for benzodiazepine discontinuation: a meta-analysis",
    year="2009",
    url="https://doi.org/10.1111/j.1360-0443.2008.02364.x",
    detail="Addiction 104(1): 13–24",
    named_as=("Parr",),
)
VA_DOD_2021 = Source(
    author="US Department of Veterans Affairs and Department of Defense",
    title="VA/DoD Clinical Practice Guideline for the Management of Substance Use Disorders",
    year="2021",
    url="https://www.healthquality.va.gov/guidelines/MH/sud/",
    named_as=("VA/DoD",),
)
BEERS_2023 = Source(
    author="American Geriatrics Society Beers Criteria Update Expert Panel",
    title=(
        "American Geriatrics Society 2023 updated AGS Beers Criteria for potentially inappropriate medication "
        "use in older adults"
    ),
    year="2023",
    url="https://doi.org/10.1111/jgs.18372",
    detail="Journal of the American Geriatrics Society 71(7): 2052–2081",
    named_as=("Beers Criteria",),
)
LIFELINE_988 = Source(
    author="Substance Abuse and Mental Health Services Administration",
    title="988 Suicide & Crisis Lifeline (call or text 988, or chat online)",
    year="2022",
    url="https://988lifeline.org/",
    detail="the 988 number began in July 2022",
    named_as=("988",),
)
POISON_HELP = Source(
    author="Health Resources and Services Administration",
    title="Poison Help line, 1-800-222-1222",
    year="n.d.",
    url="https://poisonhelp.hrsa.gov/",
    named_as=("1-800-222-1222",),
)
LADER_1999 = Source(
    author="Malcolm Lader, interviewed on BBC Radio 4",
    title="Face The Facts: Benzodiazepines (transcript kept by benzo.org.uk)",
    year="1999",
    url="https://www.benzo.org.uk/facefax.htm",
    detail="broadcast March 16, 1999, about services in the UK",
    named_as=("Lader", "1999"),
)
ASAM_PATIENT_GUIDE_2025 = Source(
    author="American Society of Addiction Medicine",
    title="Benzodiazepine Tapering Patient Guide",
    year="2025",
    url="https://eguideline.guidelinecentral.com/i/1539871-benzodiazepine-tapering-patient-guide",
    detail="the patient's companion to the 2025 joint guideline",
    named_as=("patient guide",),
)
FDA_2017_OPIOID_TREATMENT = Source(
    author="US Food and Drug Administration",
    title=(
        "FDA urges caution about withholding opioid addiction medications from patients taking benzodiazepines "
        "or CNS depressants"
    ),
    year="2017",
    url=(
        "https://www.fda.gov/drugs/drug-safety-and-availability/"
        "fda-drug-safety-communication-fda-urges-caution-about-withholding-opioid-addiction-medications"
    ),
    detail="Drug Safety Communication, September 20, 2017",
    named_as=("FDA", "2017"),
)
FDA_2023_NALOXONE = Source(
    author="US Food and Drug Administration",
    title="FDA approves first over-the-counter naloxone nasal spray",
    year="2023",
    url="https://www.fda.gov/news-events/press-announcements/fda-approves-first-over-counter-naloxone-nasal-spray",
    detail="news release, March 29, 2023",
    named_as=("naloxone", "2023"),
)
CDC_2022_OPIOIDS = Source(
    author="Deborah Dowell and colleagues, US Centers for Disease Control and Prevention",
    title="CDC Clinical Practice Guideline for Prescribing Opioids for Pain — United States, 2022",
    year="2022",
    url="https://doi.org/10.15585/mmwr.rr7103a1",
    detail="MMWR Recommendations and Reports 71(3): 1–95",
    named_as=("CDC", "2022"),
)
