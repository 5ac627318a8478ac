"""Text cleaning for interpretation (never for provenance: the original text is kept).

`clean` is the one normal form every extractor compares against: HTML tags
dropped, HTML entities decoded, Unicode NFKC, whitespace collapsed.
"""
from __future__ import annotations

import html
import re
import unicodedata

# Only real (ASCII-named) tags: "<その他情報>" or "<選択肢>" in a cell is document text.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_SPACE = re.compile(r"\s+")


# Invisible format characters (Unicode category Cf: zero-width space and joiners, bidi
# embeddings and overrides, BOM, soft hyphen, …) and variation selectors. They change
# no visible letter but break matching: "松\u200b戸市長" must be 松戸市長 and
# "第\u200b7条" must keep its article.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    "\ufff9-\ufffb\ufe00-\ufe0f\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef]")


def strip_invisible(text: str) -> str:
    """Remove invisible format characters and variation selectors (for interpretation only)."""
    return _INVISIBLE.sub("", text)


def nfkc(text: str) -> str:
    """NFKC-normalise (full-width digits and parentheses become ASCII, ① becomes 1, Ⅲ becomes III),
    without invisible format characters."""
    return unicodedata.normalize("NFKC", strip_invisible(text))


def strip_tags(text: str) -> str:
    """Replace HTML tags by a space (cell fragments are converted PDF tables)."""
    return _TAG.sub(" ", text)


def collapse(text: str) -> str:
    """Collapse runs of white space to one ASCII space and trim."""
    return _SPACE.sub(" ", text).strip()


def clean(text: str | None) -> str:
    """The interpretation form of a cell: tags out, entities decoded, NFKC, spaces collapsed.

    Entities are decoded after tags are removed so that an escaped ``&lt;選択肢&gt;``
    survives as the text ``<選択肢>``.
    """
    if not text:
        return ""
    return collapse(nfkc(html.unescape(strip_tags(text))))


def tidy(text: str | None) -> str:
    """NFKC and collapsed spaces only, for text that is already `clean`: never strips tags again
    (an entity-encoded ``&lt;script&gt;`` in a cell is document text and must stay text)."""
    return collapse(nfkc(text)) if text else ""
