"""Stage 4, normalise: canonical names, kinds and identities.

The same organisation or system in different assessments must become the same
graph node, so names are reduced to a canonical form here (支払基金 =
社会保険診療報酬支払基金; 中間サーバ = 中間サーバー等 as a kind).
"""
from __future__ import annotations

import re

from ..textnorm import tidy

# Canonical system kinds (contract: "Canonical system kinds"), checked in order.
SYSTEM_KINDS = (
    "中間サーバー", "宛名システム等", "情報提供ネットワークシステム", "住民基本台帳ネットワークシステム",
    "既存住民基本台帳システム", "税務システム", "庁内連携システム", "番号管理システム", "業務システム",
)
_KIND_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"中間サーバ"), "中間サーバー"),
    (re.compile(r"情報提供ネットワークシステム"), "情報提供ネットワークシステム"),
    (re.compile(r"住民基本台帳ネットワークシステム|住基ネット"), "住民基本台帳ネットワークシステム"),
    (re.compile(r"(既存)?住民基本台帳システム|(既存)?住基システム|住民記録システム"), "既存住民基本台帳システム"),
    (re.compile(r"宛名システム|統合宛名"), "宛名システム等"),
    (re.compile(r"番号管理システム"), "番号管理システム"),
    (re.compile(r"税務システム|税務総合システム|住民税システム"), "税務システム"),
    (re.compile(r"庁内連携システム|庁内連携基盤|連携基盤システム"), "庁内連携システム"),
)
_SAME_AS_ADDRESS = re.compile(r"宛名システム等と(同義|同じ|同様)")


def system_kind(raw_name: str | None) -> str | None:
    """Canonical kind of a system from its ①システムの名称 cell (remarks included)."""
    if not raw_name:
        return None
    text = tidy(raw_name)
    if _SAME_AS_ADDRESS.search(text):
        return "宛名システム等"
    name = clean_system_name(text)
    for pattern, kind in _KIND_RULES:
        if pattern.search(name):
            return kind
    return "業務システム" if "システム" in name else None


_NUMBERING = re.compile(r"^\s*\(\s*\d+\s*\)\s*")
_DEFINITION = re.compile(r"\(\s*以下[^()]*?という。?\s*\)")
_REMARK_PAREN = re.compile(r"\([^()]*(同義|同じ|同様|と称する)[^()]*\)")
_REMARK = re.compile(r"\s*※.*$")


def clean_system_name(raw_name: str) -> str:
    """Drop "(2) " numbering, definitions "(以下「…」という。)", remarks "※…" and "(…と同義)"."""
    name = _NUMBERING.sub("", tidy(raw_name))
    name = _DEFINITION.sub("", name)
    name = _REMARK_PAREN.sub("", name)
    name = _REMARK.sub("", name)
    return name.strip()


def clean_recipient(text: str) -> str:
    """A 提供先k / 移転先k heading without trailing remarks ("※④については…")."""
    return _REMARK.sub("", text).strip()


def split_entities(text: str) -> list[str]:
    """Names listed in parentheses: split on 、/,/;/spaces outside parentheses; a lone 等 is dropped."""
    parts: list[str] = []
    depth, current = 0, ""
    for ch in tidy(text):
        if ch in "(「":
            depth += 1
        elif ch in ")」":
            depth = max(0, depth - 1)
        if depth == 0 and ch in "、,; ":
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip() and p.strip() not in ("等", "など")]


# Aliases of organisations that recur across assessments (canonical name first).
ORGANISATION_ALIASES: dict[str, tuple[str, ...]] = {
    "社会保険診療報酬支払基金": ("支払基金",),
    "地方公共団体情報システム機構": ("J-LIS", "機構"),
    "日本年金機構": ("年金機構",),
    "国民健康保険中央会": ("国保中央会",),
    "全国健康保険協会": ("協会けんぽ",),
    "厚生労働大臣": ("厚生労働省",),
}
_ALIAS_INDEX = {alias: canonical for canonical, aliases in ORGANISATION_ALIASES.items() for alias in aliases}


def canonical_organisation(name: str) -> str:
    """The shared name of an organisation (for identity across assessments)."""
    text = re.sub(r"\s+", "", tidy(name))
    return _ALIAS_INDEX.get(text, text)


def split_contractors(text: str) -> list[str]:
    """委託先名 may name several companies ("A / B", "A、B"); each is a contractor."""
    parts = re.split(r"\s*[/／]\s*|、", tidy(text))
    return [p.strip() for p in parts if p.strip()]
