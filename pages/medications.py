"""The benzodiazepine reference data, read once from data/benzodiazepines.csv.

The figures are kept exactly as published (see the source note on the benzodiazepines page): half-lives and
equivalents from the Ashton Manual, and the VA/DoD guideline's equivalents where it gives one. How long each
acts (short, intermediate or long) is its usual classification, written down rather than worked out from
the half-life ranges, which overlap.
"""

import csv
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pages import sources
from pages.registry import PAGES_BY_NAME, Page

DATA_FILE = Path(__file__).resolve().parent / "data" / "benzodiazepines.csv"

# Plain words for the CSV's pharmacology terms.
_PLAIN_USE = {
    "anxiolytic": "anxiety",
    "hypnotic": "sleep problems (insomnia)",
    "anticonvulsant and anxiolytic": "seizures and anxiety",
}
ACTING = ("short", "intermediate", "long")
# What a medicine's own notes rely on beyond the sources every medication page cites.
_OWN_SOURCES = {
    "chlordiazepoxide": (sources.VA_DOD_2021,),
    "clonazepam": (sources.JOINT_GUIDELINE_2025,),
    "diazepam": (sources.BEERS_2023,),
    "temazepam": (sources.JOINT_GUIDELINE_2025,),
    "triazolam": (sources.JOINT_GUIDELINE_2025,),
}


@dataclass(frozen=True)
class Medication:
    slug: str
    generic_name: str
    brand_names: str
    main_use: str
    half_life_hours: str
    metabolite_half_life_hours: str
    equivalent_mg: str
    acting_class: str  # one of ACTING
    va_dod_equivalent_mg: str  # empty where the VA/DoD guideline's table is not quoted

    def __post_init__(self):
        if self.acting_class not in ACTING:
            raise ValueError(f"{self.slug}: acting must be one of {ACTING}, not {self.acting_class!r}")

    @property
    def main_use_plain(self) -> str:
        return _PLAIN_USE.get(self.main_use, self.main_use)

    @property
    def acting(self) -> str:
        return f"{self.acting_class}-acting"

    @property
    def notes_template(self) -> str:
        """What is particular to this medicine, in words of its own (templates/pages/medications/)."""
        return f"pages/medications/{self.slug}.html"

    @cached_property
    def page(self) -> Page:
        return Page(
            name=f"medication_{self.slug}",
            path=f"benzodiazepines/{self.slug}/",
            title=f"{self.generic_name} ({self.brand_names.split(' (')[0]})",
            heading=self.generic_name,
            description=(
                f"{self.generic_name} ({self.brand_names}): main use, half-life, approximate equivalent to "
                f"10 mg of diazepam, and what its half-life means for withdrawal."
            ),
            nav_label=self.generic_name,
            parent=PAGES_BY_NAME["benzodiazepines"],
            nav_group=PAGES_BY_NAME["benzodiazepines"].nav_group,
            sources=(
                sources.ASHTON_MANUAL,
                sources.ASHTON_EQUIVALENCE_TABLE,
                sources.FDA_2020_BOXED_WARNING,
                *dict.fromkeys(
                    ((sources.VA_DOD_2021,) if self.va_dod_equivalent_mg else ()) + _OWN_SOURCES.get(self.slug, ())
                ),
            ),
        )

    def get_absolute_url(self) -> str:
        return self.page.url


def load_medications(path: Path = DATA_FILE) -> tuple[Medication, ...]:
    with path.open(newline="", encoding="utf-8") as data:
        return tuple(
            Medication(
                slug=row["slug"],
                generic_name=row["generic_name"],
                brand_names=row["us_brand_names"],
                main_use=row["main_use"],
                half_life_hours=row["half_life_hours"],
                metabolite_half_life_hours=row["active_metabolite_half_life_hours"],
                equivalent_mg=row["approx_equivalent_to_10mg_diazepam_mg"],
                acting_class=row["acting"],
                va_dod_equivalent_mg=row["va_dod_equivalent_mg"],
            )
            for row in csv.DictReader(data)
        )


MEDICATIONS = load_medications()
MEDICATIONS_BY_SLUG = {medication.slug: medication for medication in MEDICATIONS}
