"""Draw the 1200×630 share image of every page, the favicon set and the manifest's icons into static/img/.

Run it after changing a page's title in the registry; the images are committed with the code.
"""

import textwrap
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw, ImageFont

from pages.medications import MEDICATIONS
from pages.registry import PAGES

SHARE_SIZE = (1200, 630)
TEAL = (31, 78, 95)
TEAL_DARK = (22, 58, 71)
SAND = (246, 241, 231)
WHITE = (255, 255, 255)


def draw_share_image(*, title: str, clinic_name: str, path: Path) -> None:
    image = Image.new("RGB", SHARE_SIZE, TEAL)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 560, SHARE_SIZE[0], SHARE_SIZE[1]), fill=TEAL_DARK)
    draw.rectangle((80, 110, 96, 420), fill=SAND)
    title_font = ImageFont.load_default(size=64)
    small_font = ImageFont.load_default(size=34)
    draw.text((130, 110), "\n".join(textwrap.wrap(title, width=28)), font=title_font, fill=WHITE, spacing=18)
    draw.text((80, 578), clinic_name, font=small_font, fill=SAND)
    image.save(path, optimize=True)


def draw_mark(size: int, *, glyph: float = 0.7) -> Image.Image:
    """The clinic's mark: a white P on teal. A maskable icon draws it smaller, inside the circle every mask keeps."""
    image = Image.new("RGB", (size, size), TEAL)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=int(size * glyph))
    draw.text((size / 2, size / 2), "P", font=font, fill=WHITE, anchor="mm")
    return image


class Command(BaseCommand):
    help = "Draw the share image of every page and the favicons into static/img/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=Path(settings.BASE_DIR) / "static" / "img", help="folder to write to"
        )

    def handle(self, *args, output: Path, **options):
        share = output / "share"
        share.mkdir(parents=True, exist_ok=True)
        pages = [*PAGES, *(medication.page for medication in MEDICATIONS)]
        for page in pages:
            draw_share_image(title=page.title, clinic_name=settings.CLINIC_NAME, path=share / f"{page.name}.png")
        draw_mark(180).save(output / "apple-touch-icon.png", optimize=True)
        # The web app manifest's icons (templates/pages/site.webmanifest).
        draw_mark(192).save(output / "icon-192.png", optimize=True)
        draw_mark(512).save(output / "icon-512.png", optimize=True)
        draw_mark(512, glyph=0.5).save(output / "icon-maskable-512.png", optimize=True)
        draw_mark(64).save(output / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
        self.stdout.write(f"Wrote {len(pages)} share images and the favicons to {output}.")
