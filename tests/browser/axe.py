from axe_playwright_python.sync_playwright import Axe

# Every WCAG 2.0, 2.1 and 2.2 A and AA rule, at every impact level.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
_axe = Axe()


def axe_violations(page) -> str:
    """Run axe-core on the page as it is now; an empty string means no violation."""
    options = {"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}, "resultTypes": ["violations"]}
    results = _axe.run(page, options=options)
    return results.generate_report() if results.violations_count else ""
