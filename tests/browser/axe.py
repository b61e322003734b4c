from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe

# Every WCAG 2.0, 2.1 and 2.2 A and AA rule, at every impact level.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
_axe = Axe()


def axe_violations(page, excused: dict[str, str] | None = None) -> str:
    """Run axe-core on the page as it is now; an empty string means no violation.

    `excused` maps one rule id to one CSS selector: only that rule's findings on elements matching that selector
    are left out (for markup we don't own and can't reasonably change; each use says why)."""
    options = {"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}, "resultTypes": ["violations"]}
    results = _axe.run(page, options=options)
    violations = []
    for violation in results.response["violations"]:
        selector = (excused or {}).get(violation["id"])
        if selector:
            violation["nodes"] = [node for node in violation["nodes"] if not _matches(page, node, selector)]
        if violation["nodes"]:
            violations.append(violation)
    return AxeResults({**results.response, "violations": violations}).generate_report() if violations else ""


def _matches(page, node: dict, selector: str) -> bool:
    target = node["target"]
    if len(target) != 1 or not isinstance(target[0], str):
        return False  # inside a frame or shadow root: never excused
    return page.evaluate(
        "([target, selector]) => document.querySelector(target)?.matches(selector) ?? false", [target[0], selector]
    )
