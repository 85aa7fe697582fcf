"""What every file we hand to a spreadsheet program shares: text that is never run as a formula."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text):
    """Text a spreadsheet shows as written: a leading ' goes before anything that would start a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text
