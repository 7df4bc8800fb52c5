"""spaCy's blank Indonesian tokenizer, in plain Python, without importing spaCy.

Importing spaCy and building `spacy.blank("id")` costs seconds of start-up (its 16,000 tokenizer exceptions are
compiled one by one); `pantau classify` must start in well under a second. The tokenizer's rules are data: the
prefix, suffix and infix regular expressions, the URL pattern and the special cases (exceptions such as "dll." or
"a.n."). `export_rules()` writes them from spaCy to `nlp/data/tokenizer_id.json` (run it after upgrading spaCy:
`python -m pantau.nlp.tokenizer`), and `tokenize_chunk()` applies them with the algorithm of spaCy's own pure-Python
`Tokenizer.explain` (prefixes, then suffixes, special cases and URLs checked at each step, then infixes).
tests/test_nlp_tokenizer.py checks that the file matches the installed spaCy and that the tokens equal spaCy's on
every space-free chunk of the labelled data and the evaluation sets.

Only space-free chunks are tokenised here (`pantau.nlp.normalise` splits texts on spaces first, as spaCy does).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

RULES_FILE = Path(__file__).parent / "data" / "tokenizer_id.json"


class _Rules:
    __slots__ = ("prefix", "suffix", "infix", "url", "token_match", "specials", "matcher")

    def __init__(self, data: dict):
        flags = int(data["flags"])
        never = re.compile("a^")
        self.prefix = re.compile(data["prefix"], flags).search if data.get("prefix") else never.search
        self.suffix = re.compile(data["suffix"], flags).search if data.get("suffix") else never.search
        self.infix = re.compile(data["infix"], flags).finditer if data.get("infix") else never.finditer
        self.url = re.compile(data["url"], flags).match if data.get("url") else never.match
        self.token_match = re.compile(data["token_match"], flags).match if data.get("token_match") else never.match
        self.specials: dict[str, list[str]] = data["specials"]
        # first token -> [(the affix rules' tokens of a special case, the special case)]
        self.matcher: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for key, pieces in data["matcher"].items():
            self.matcher.setdefault(pieces[0], []).append((tuple(pieces), key))


@lru_cache(maxsize=1)
def rules() -> _Rules:
    """The tokenizer rules from nlp/data/tokenizer_id.json, read once."""
    return _Rules(json.loads(RULES_FILE.read_text(encoding="utf-8")))


def special_cases() -> dict[str, list[str]]:
    """Tokenizer exceptions: chunk -> its tokens ("dll." stays one token)."""
    return rules().specials


_SPACE_RUN_RE = re.compile(r"\s+|\S+")


def tokenize_chunk(chunk: str) -> list[tuple[str, int]]:
    """(token, start offset) for the tokens of one space-free chunk, as spaCy's Indonesian tokenizer splits it.
    Other whitespace inside the chunk (new lines, tabs) separates tokens and is a token itself, as in spaCy."""
    r = rules()
    out: list[tuple[str, int]] = []
    for m in _SPACE_RUN_RE.finditer(chunk):
        part, base = m.group(), m.start()
        if part.isspace():
            out.append((part, base))
            continue
        pos = 0
        for tok in _apply_matcher(_split(part, r, r.specials)):
            start = part.find(tok, pos)
            if start < 0:  # a special case whose tokens are not the chunk's characters (none in the Indonesian rules)
                start = pos
            out.append((tok, base + start))
            pos = start + len(tok)
    return out


def _split(chunk: str, r: _Rules, specials: dict[str, list[str]]) -> list[str]:
    """Prefixes, suffixes, special cases, URLs and infixes of one whitespace-free string (`Tokenizer.explain`)."""
    token_match = r.token_match
    # The loop below asks the same (large) prefix and suffix patterns about the same substring up to twice:
    # each answer is remembered for this chunk (a search is a pure function of the substring).
    seen_prefix: dict[str, re.Match | None] = {}
    seen_suffix: dict[str, re.Match | None] = {}

    def prefix_search(text: str) -> re.Match | None:
        if text in seen_prefix:
            return seen_prefix[text]
        m = seen_prefix[text] = r.prefix(text)
        return m

    def suffix_search(text: str) -> re.Match | None:
        if text in seen_suffix:
            return seen_suffix[text]
        m = seen_suffix[text] = r.suffix(text)
        return m

    tokens: list[str] = []
    suffixes: list[str] = []
    substring = chunk
    while substring:
        if substring in specials:
            tokens.extend(specials[substring])
            substring = ""
            continue
        while prefix_search(substring) or suffix_search(substring):
            if token_match(substring):
                tokens.append(substring)
                substring = ""
                break
            if substring in specials:
                tokens.extend(specials[substring])
                substring = ""
                break
            m = prefix_search(substring)
            if m:
                split = m.end()
                if split == 0:  # the pattern matched the empty string
                    break
                tokens.append(substring[:split])
                substring = substring[split:]
                if substring in specials:
                    continue
            m = suffix_search(substring)
            if m:
                split = m.start()
                if split == len(substring):
                    break
                suffixes.append(substring[split:])
                substring = substring[:split]
        if not substring:
            continue
        if token_match(substring) or r.url(substring):
            tokens.append(substring)
        elif substring in specials:
            tokens.extend(specials[substring])
        else:
            offset = 0
            for m in r.infix(substring):
                if offset == 0 and m.start() == 0:
                    continue
                if substring[offset: m.start()]:
                    tokens.append(substring[offset: m.start()])
                if substring[m.start(): m.end()]:
                    tokens.append(substring[m.start(): m.end()])
                offset = m.end()
            if substring[offset:]:
                tokens.append(substring[offset:])
        substring = ""
    tokens.extend(reversed(suffixes))
    return tokens


def _apply_matcher(tokens: list[str]) -> list[str]:
    """spaCy's special-case matcher: a special case that the affix rules split ("):" -> ")" ":") is put back
    together when its pieces appear in a row; longest matches first, overlaps skipped."""
    by_first = rules().matcher
    if len(tokens) < 2 or not any(t in by_first for t in tokens):
        return tokens
    matches: list[tuple[int, int, str]] = []
    for i, t in enumerate(tokens):
        for pattern, key in by_first.get(t, ()):
            end = i + len(pattern)
            if end <= len(tokens) and tuple(tokens[i:end]) == pattern:
                matches.append((i, end, key))
    if not matches:
        return tokens
    seen: set[int] = set()
    chosen: list[tuple[int, int, str]] = []
    for start, end, key in sorted(matches, key=lambda m: (m[1] - m[0], m[0]), reverse=True):
        if start not in seen and end - 1 not in seen:
            chosen.append((start, end, key))
        seen.update(range(start, end))
    out: list[str] = []
    i = 0
    for start, end, key in sorted(chosen):
        out.extend(tokens[i:start])
        out.extend(rules().specials[key])
        i = end
    out.extend(tokens[i:])
    return out


def export_rules(path: Path = RULES_FILE) -> Path:
    """Write spaCy's blank Indonesian tokenizer rules to `path` (needs spaCy; run after upgrading it)."""
    import spacy  # heavy (seconds): only for exporting the rules, never when classifying
    from spacy.attrs import ORTH  # heavy (spaCy): only this function needs it

    tok = spacy.blank("id").tokenizer

    def pattern(fn) -> str | None:
        return None if fn is None else fn.__self__.pattern

    flags = {fn.__self__.flags for fn in (tok.prefix_search, tok.suffix_search, tok.infix_finditer, tok.url_match,
                                          tok.token_match) if fn is not None}
    if len(flags) != 1:
        raise RuntimeError(f"spaCy's tokenizer patterns use different flags: {sorted(flags)}")
    data = {
        "source": f"spaCy {spacy.__version__} spacy.blank('id').tokenizer (MIT licence); written by "
                  "pantau.nlp.tokenizer.export_rules",
        "flags": flags.pop(),
        "prefix": pattern(tok.prefix_search), "suffix": pattern(tok.suffix_search),
        "infix": pattern(tok.infix_finditer), "url": pattern(tok.url_match), "token_match": pattern(tok.token_match),
        "specials": {orth: [piece[ORTH] if ORTH in piece else piece["ORTH"] for piece in pieces]
                     for orth, pieces in sorted(tok.rules.items())},
        "matcher": {},
    }
    # The special cases spaCy's matcher looks for after splitting (Tokenizer.add_special_case): those the affix
    # rules would split, as the affix rules split them (special cases off).
    affix_rules = _Rules(data)
    for orth in data["specials"]:
        if " " not in orth and (tok.find_prefix(orth) or tok.find_infix(orth) or tok.find_suffix(orth)):
            data["matcher"][orth] = _split(orth, affix_rules, {})
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(export_rules())
