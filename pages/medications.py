"""The benzodiazepine reference data, read once from data/benzodiazepines.csv.

The figures are kept exactly as published (see the source note on the benzodiazepines page).
"""

import csv
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pages.registry import PAGES_BY_NAME, Page

DATA_FILE = Path(__file__).resolve().parent / "data" / "benzodiazepines.csv"

# Plain words for the CSV's pharmacology terms.
_PLAIN_USE = {
    "anxiolytic": "anxiety",
    "hypnotic": "sleep problems (insomnia)",
    "anticonvulsant and anxiolytic": "seizures and anxiety",
}
# A medication whose own or metabolite half-life reaches a day is long-acting: levels stay steadier.
_LONG_ACTING_HOURS = 24


def _upper_bound(hours: str) -> float:
    return float(hours.split("-")[-1]) if hours else 0.0


@dataclass(frozen=True)
class Medication:
    slug: str
    generic_name: str
    brand_names: str
    main_use: str
    half_life_hours: str
    metabolite_half_life_hours: str
    equivalent_mg: str

    @property
    def main_use_plain(self) -> str:
        return _PLAIN_USE.get(self.main_use, self.main_use)

    @property
    def acting(self) -> str:
        longest = max(_upper_bound(self.half_life_hours), _upper_bound(self.metabolite_half_life_hours))
        return "long-acting" if longest >= _LONG_ACTING_HOURS else "short-acting"

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
            reviewed_on=PAGES_BY_NAME["benzodiazepines"].reviewed_on,
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
            )
            for row in csv.DictReader(data)
        )


MEDICATIONS = load_medications()
MEDICATIONS_BY_SLUG = {medication.slug: medication for medication in MEDICATIONS}
