"""Score a response's headers the way the MDN HTTP Observatory does (its published scoring rules).

Start at 100; each test adds or subtracts. A+ is 100 or more. Only header-based tests apply here: the
redirection test needs the live HTTP site, and is covered by SECURE_SSL_REDIRECT in production settings.
"""

SCRIPT_LIKE = ("script-src", "object-src", "style-src")


def parse_csp(header: str) -> dict[str, list[str]]:
    policy = {}
    for directive in filter(None, (part.strip() for part in header.split(";"))):
        name, *values = directive.split()
        policy[name.lower()] = values
    return policy


def csp_modifier(response) -> tuple[str, int]:
    header = response.get("Content-Security-Policy")
    if not header:
        return "csp-not-implemented", -25
    policy = parse_csp(header)
    default = policy.get("default-src")

    def sources(name):
        return policy.get(name, default) or []

    if any("'unsafe-inline'" in sources(name) or "'unsafe-eval'" in sources(name) for name in ("script-src",)):
        return "csp-implemented-with-unsafe-inline", -20
    if any(source in ("http:", "https:", "*", "data:") for source in sources("script-src") + sources("object-src")):
        return "csp-implemented-with-insecure-scheme", -20
    if "'unsafe-inline'" in sources("style-src"):
        return "csp-implemented-with-unsafe-inline-in-style-src-only", 0
    if default == ["'none'"]:
        return "csp-implemented-with-no-unsafe-default-src-none", 10
    return "csp-implemented-with-no-unsafe", 5


def cookies_modifier(response) -> tuple[str, int]:
    if not response.cookies:
        return "cookies-not-found", 0
    for morsel in response.cookies.values():
        if not morsel["secure"]:
            return "cookies-without-secure-flag", -20
        if not morsel["samesite"]:
            return "cookies-secure-with-httponly-sessions", 0
    return "cookies-secure-with-httponly-sessions-and-samesite", 5


def referrer_modifier(response) -> tuple[str, int]:
    value = response.get("Referrer-Policy", "").split(",")[-1].strip().lower()
    private = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
    if not value:
        return "referrer-policy-not-implemented", 0
    if value in private:
        return "referrer-policy-private", 5
    return "referrer-policy-unsafe", -5


def hsts_modifier(response) -> tuple[str, int]:
    header = response.get("Strict-Transport-Security", "")
    max_age = next((int(part.split("=")[1]) for part in header.split(";") if "max-age" in part), 0)
    if not header:
        return "hsts-not-implemented", -20
    if max_age < 15768000:
        return "hsts-implemented-max-age-less-than-six-months", -10
    return "hsts-implemented-max-age-at-least-six-months", 0


def nosniff_modifier(response) -> tuple[str, int]:
    if response.get("X-Content-Type-Options", "").lower() == "nosniff":
        return "x-content-type-options-nosniff", 0
    return "x-content-type-options-not-implemented", -5


def frame_modifier(response) -> tuple[str, int]:
    if "frame-ancestors" in parse_csp(response.get("Content-Security-Policy", "")):
        return "x-frame-options-implemented-via-csp", 5
    if response.get("X-Frame-Options", "").upper() in ("DENY", "SAMEORIGIN"):
        return "x-frame-options-sameorigin-or-deny", 0
    return "x-frame-options-not-implemented", -20


def corp_modifier(response) -> tuple[str, int]:
    value = response.get("Cross-Origin-Resource-Policy", "").lower()
    if value in ("same-origin", "same-site"):
        return "corp-implemented-with-same-origin", 0
    if not value:
        return "corp-not-implemented", 0
    return "corp-implemented-with-cross-origin", 0


def sri_modifier(html: str) -> tuple[str, int]:
    # Every script is ours (tests elsewhere forbid other hosts), so SRI is not needed.
    if "<script" not in html:
        return "sri-not-implemented-but-no-scripts-loaded", 0
    return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0


MODIFIERS = (
    csp_modifier,
    cookies_modifier,
    referrer_modifier,
    hsts_modifier,
    nosniff_modifier,
    frame_modifier,
    corp_modifier,
)


def score(response) -> tuple[int, list[str]]:
    results = [modifier(response) for modifier in MODIFIERS]
    results.append(sri_modifier(response.content.decode(errors="replace")))
    bonus = sum(points for _, points in results if points > 0)
    penalty = sum(points for _, points in results if points < 0)
    base = 100 + penalty
    # Bonuses only count once the base score is at least 90, as the Observatory does.
    total = base + bonus if base >= 90 else base
    return total, [name for name, _ in results]
