"""Normalisation of place names for search.

"Saint-Étienne-du-Rouvray", "st etienne du rouvray" and "ST ÉTIENNE DU ROUVRAY"
all become "saint etienne du rouvray": lower case, no accents, ligatures
spelled out, hyphens, apostrophes and dots turned into spaces, the usual
abbreviations expanded.
"""

import re
import unicodedata

LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
SEPARATORS = re.compile(r"[\s\-‐‑‒–—'’‘`´.,;:/()\"«»_]+")
ABBREVIATIONS = {
    "st": "saint",
    "ste": "sainte",
    "sts": "saints",
    "stes": "saintes",
    "mt": "mont",
}


def words(text):
    """Lower-case, accent-free words, without expanding abbreviations."""
    if not text:
        return []
    text = text.translate(LIGATURES)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return [word for word in SEPARATORS.sub(" ", text.lower()).split(" ") if word]


def normalize(text):
    """Normalised text with every abbreviation expanded: "st-Denis" -> "saint denis"."""
    return " ".join(ABBREVIATIONS.get(word, word) for word in words(text))


def query_variants(text):
    """What a typed query may mean, as normalised strings.

    The last word may still be being typed: "st" is "saint" but also the
    beginning of "Strasbourg", so both are searched.
    """
    typed = words(text)
    if not typed:
        return []
    expanded = [ABBREVIATIONS.get(word, word) for word in typed]
    variants = [" ".join(expanded)]
    if expanded[-1] != typed[-1]:
        variants.append(" ".join(expanded[:-1] + typed[-1:]))
    return variants


def search_key(name, article=""):
    """The stored search name: a leading space, then the normalised full name."""
    return " " + normalize(f"{article}{name}")
