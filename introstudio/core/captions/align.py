"""Script alignment: time the script's words to the speech, and flag where the clinician departed from it.

How it works. Script and heard words are compared by a *key*: lower case, accents, punctuation, hyphens
and apostrophes dropped, numbers spelled out ("15" = "fifteen"), contractions expanded ("I'm" = "I am"),
abbreviations unified ("Dr." = "doctor", "M.D." = "MD", "Ph.D." = "PhD"). The two word lists are then
aligned by a weighted edit-distance DP (Needleman-Wunsch style) with these moves:

    match (same key) 0 · near-miss (a misheard name or term: spelling ratio or a crude phonetic key) ~0.3
    one script word heard as 2..8 words, or 2..4 script words heard as one, keys concatenated ("P H D",
    "endo crinology", "health care"/"healthcare"; "slash"/"dot" may sit inside "she/her" or a web address)
    substitution 1 · skipped script word 1 · added heard word 1 (a filler such as "um": 0.6)

A global DP, unlike difflib's greedy longest-block matching, never pairs a repeated word ("I I", "to ...
to") with the wrong occurrence just because that gave a longer block. For long inputs the DP runs only in
the gaps between anchors (word triples found exactly once in both lists), which keeps it fast.

Known limits: near-misses are judged on spelling plus a crude English sound key, so a name misheard as
quite different words ("Okafor" as "a cafe for", "Endocrinology" as "rental chronology") stays a change,
flagged for review; a homophone of a script word ("car" for "care") is taken as the script word; numbers
must match exactly; a contraction said in full ("I am" for "I'm") shows in the script's form; a heard
word that two script words share is split between them by length.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from introstudio.core.captions.cues import Word

_ABBREVIATIONS = {"dr": "doctor", "mr": "mister", "mrs": "missus", "ms": "miz", "prof": "professor",
                  "&": "and", "vs": "versus", "st": "saint"}
_SUFFIXES = {"m": "am", "re": "are", "ve": "have", "ll": "will", "d": "would"}
_IS_WORDS = {"it", "that", "there", "here", "what", "who", "he", "she", "where", "how", "this"}
_FILLERS = {"um", "umm", "uh", "uhm", "er", "erm", "ah", "eh", "hmm", "mm", "mhm"}
_CONNECTORS = {"slash", "slashed", "dot", "dash", "hyphen", "point"}
_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_NUMBERISH = re.compile("(?:" + "|".join(_ONES + _TENS[2:] + ["hundred", "thousand", "million", "billion",
                        "first", "second", "third", "fifth", "eighth", "ninth", "twelfth", "point",
                        "percent", "th", "ie", "and"]) + ")+")
_SENTENCE_END = re.compile(r"[.!?]['\")\]]*$")
_ABBREV_DOT = {"dr.", "mr.", "mrs.", "ms.", "prof.", "st.", "jr.", "sr.", "vs."}

MATCH, NEAR, SUB, DEL, INS = "match", "near", "sub", "del", "ins"
_DP_CELLS = 4_000  # the DP does ~150k cells/s; above this, split at unique anchors first (a 2-minute
# script is ~80k cells, ~0.5 s whole; split at anchors it takes a few ms)
_BAND = 40  # a DP too big even so may stray this many words from the straight path


@dataclass(frozen=True)
class Departure:
    """Where the speech left the script; `start`/`end` locate it (a skip: the moment it was skipped)."""

    kind: str  # "skipped" | "added" | "changed"
    script_text: str
    heard_text: str
    start: float | None
    end: float | None
    # Where it sits in `Alignment.words` (its first heard word, or where skipped words were due) and how many
    # of them are its heard words (0 for a skip); position only, so not compared.
    at: int = field(default=-1, compare=False)
    size: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Alignment:
    """Caption words (script spelling where the script was read), the share of script spoken, departures."""

    words: tuple[Word, ...]
    script_match: float
    departures: tuple[Departure, ...]


# --- keys ---------------------------------------------------------------------------------------------

def _cardinal(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + (_ONES[n % 10] if n % 10 else "")
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= size:
            return _cardinal(n // size) + name + (_cardinal(n % size) if n % size else "")
    return ""


def _ordinal(n: int) -> str:
    word = _cardinal(n)
    for end, replacement in (("one", "first"), ("two", "second"), ("three", "third"), ("five", "fifth"),
                             ("eight", "eighth"), ("nine", "ninth"), ("twelve", "twelfth"), ("y", "ieth")):
        if word.endswith(end):
            return word[: -len(end)] + replacement
    return word + "th"


def _spell_numbers(t: str) -> str:
    t = re.sub(r"(?<=\d),(?=\d{3})", "", t)
    grouped = bool(re.search(r"\d[-/:.]\d", t))  # a phone number, time or decimal: read digit by digit

    def spell(m: re.Match[str]) -> str:
        digits, suffix = m.group(1), m.group(2)
        if suffix:
            return _ordinal(int(digits))
        if len(digits) > 9 or (grouped and (len(digits) >= 3 or digits.startswith("0"))):
            return "".join(_ONES[int(d)] for d in digits)
        return _cardinal(int(digits))

    return re.sub(r"(\d+)(st|nd|rd|th)?", spell, t).replace("%", "percent")


@lru_cache(maxsize=8192)
def word_key(token: str, lang: str = "en") -> str:
    """The form two spellings of one spoken word share: 'Dr.'/'doctor', '15'/'fifteen', 'Ph.D.'/'PhD'.

    `lang` is the script's language code; Spanish ("es", "es-MX") has its own rules (lang_es.py).
    """
    if lang.replace("_", "-").split("-")[0].lower() == "es":
        from introstudio.core.captions.lang_es import word_key as spanish_key

        return spanish_key(token)
    t = unicodedata.normalize("NFKD", token)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = t.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'")
    t = re.sub(r"^[^\w%&]+|[^\w%&]+$", "", t)
    bare = t.replace(".", "")
    if bare in _ABBREVIATIONS:
        return _ABBREVIATIONS[bare]
    if t.endswith("n't"):
        stem = t[:-3]
        t = {"wo": "will", "sha": "shall", "ca": "can"}.get(stem, stem) + "not"
    elif "'" in t:
        stem, _, suffix = t.rpartition("'")
        if suffix in _SUFFIXES:
            t = stem + _SUFFIXES[suffix]
        elif suffix == "s":
            t = stem + ("is" if stem in _IS_WORDS else "us" if stem == "let" else "s")
    if any(c.isdigit() for c in t):
        t = _spell_numbers(t)
    return re.sub(r"[^a-z0-9]", "", t.replace("&", "and"))


@lru_cache(maxsize=8192)
def _phonetic(key: str) -> str:
    """A crude sound key: 'lopez'/'lopes', 'shah'/'shaw', 'maria'/'mariah' agree."""
    k = key
    for a, b in (("ph", "f"), ("ck", "k"), ("gh", ""), ("kn", "n"), ("wr", "r"), ("sch", "sk"), ("sh", "x"),
                 ("ch", "x"), ("th", "0"), ("dg", "j"), ("q", "k"), ("x", "ks"), ("z", "s")):
        k = k.replace(a, b)
    k = re.sub(r"c(?=[eiy])", "s", k).replace("c", "k")
    k = re.sub(r"[aeiouy]+", "a", k)
    k = re.sub(r"[hw](?![a])", "", k)
    return re.sub(r"(.)\1+", r"\1", k)


@lru_cache(maxsize=65536)
def _near(script_key: str, heard_key: str, loose: bool) -> float:
    """Similarity in 0..1 when `heard_key` is a near-miss of `script_key` (1.0 = equal), else 0."""
    if script_key == heard_key:
        return 1.0
    short, long_ = sorted((len(script_key), len(heard_key)))
    need = 0.7 if loose else (0.8 if long_ <= 6 else 0.75)
    if short < 3 or long_ < 4 or 2 * short / (short + long_) < need:
        return 0.0
    if _NUMBERISH.fullmatch(script_key) or _NUMBERISH.fullmatch(heard_key):
        return 0.0
    matcher = SequenceMatcher(None, script_key, heard_key, autojunk=False)
    ratio = matcher.ratio() if matcher.quick_ratio() >= need else 0.0
    if _phonetic(script_key) == _phonetic(heard_key):
        ratio = max(ratio, 0.9)
    return ratio if ratio >= need else 0.0


# --- the DP -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Tok:
    text: str
    key: str
    loose: bool = False  # a name or long term: accept looser near-misses
    joined: bool = False  # holds '/', '.' or '-' inside, so spoken connectors may sit within it


def _script_tokens(script_text: str, lang: str = "en") -> list[_Tok]:
    tokens: list[_Tok] = []
    sentence_start = True
    for raw in script_text.split():
        key = word_key(raw, lang)
        if key:
            core = raw.strip("\"'()[]{}«»“”‘’")
            loose = (core[:1].isupper() and not sentence_start) or len(key) >= 8
            tokens.append(_Tok(raw, key, loose, bool(re.search(r"\w[/.\-]\w", raw))))
        sentence_start = bool(_SENTENCE_END.search(raw)) and raw.lower() not in _ABBREV_DOT
    return tokens


Op = tuple[str, int, int, int, int]  # kind, script lo, script hi, heard lo, heard hi


def _dp(s: Sequence[_Tok], h: Sequence[_Tok], s0: int, h0: int, band: int | None = None) -> list[Op]:
    """Weighted edit-distance alignment of s against h, with merges; ops use absolute indices."""
    n, m = len(s), len(h)
    inf = float("inf")
    lo_d, hi_d = (-n, m) if band is None else (min(0, m - n) - band, max(0, m - n) + band)
    cost: dict[tuple[int, int], float] = {(0, 0): 0.0}
    back: dict[tuple[int, int], tuple[int, int, str]] = {}

    def relax(i: int, j: int, c: float, pi: int, pj: int, kind: str) -> None:
        if c < cost.get((i, j), inf) - 1e-9 and lo_d <= j - i <= hi_d:
            cost[i, j] = c
            back[i, j] = (pi, pj, kind)

    for i in range(n + 1):
        for j in range(max(0, i + lo_d), min(m, i + hi_d) + 1):
            c = cost.get((i, j), inf)
            if c == inf:
                continue
            if i < n:
                relax(i + 1, j, c + 1.0, i, j, DEL)
            if j < m:
                relax(i, j + 1, c + (0.6 if h[j].key in _FILLERS else 1.0), i, j, INS)
            if i >= n or j >= m:
                continue
            st = s[i]
            sim = _near(st.key, h[j].key, st.loose)
            if sim == 1.0:
                relax(i + 1, j + 1, c, i, j, MATCH)
            elif sim:
                relax(i + 1, j + 1, c + 1.2 - sim, i, j, NEAR)
            else:
                relax(i + 1, j + 1, c + 1.0, i, j, SUB)
            # A near-miss merge must beat its best single piece, else "um hello" would merge into "Hello".
            acc, best = h[j].key, sim
            for k in range(2, min(8, m - j) + 1):  # one script word heard as k words
                part = h[j + k - 1].key
                if st.joined and part in _CONNECTORS:
                    continue  # "she slash her" for "she/her": the connector is not in the key
                if part in _FILLERS or h[j].key in _FILLERS:
                    break
                acc += part
                best = max(best, _near(st.key, part, st.loose))
                if acc == st.key:
                    relax(i + 1, j + k, c + 0.05 * (k - 1), i, j, MATCH)
                elif k <= 3 and len(st.key) >= 5 and (near := _near(st.key, acc, st.loose)) >= best + 0.1:
                    relax(i + 1, j + k, c + 1.2 - near + 0.05 * (k - 1), i, j, NEAR)
                if not st.key.startswith(acc) and k >= 3:
                    break
            acc, best = st.key, sim
            for k in range(2, min(4, n - i) + 1):  # k script words heard as one
                part = s[i + k - 1].key
                acc += part
                best = max(best, _near(part, h[j].key, s[i + k - 1].loose))
                if acc == h[j].key:
                    relax(i + k, j + 1, c + 0.05 * (k - 1), i, j, MATCH)
                elif k == 2 and len(acc) >= 5 and (near := _near(acc, h[j].key, False)) >= best + 0.1:
                    relax(i + k, j + 1, c + 1.2 - near, i, j, NEAR)
                if not h[j].key.startswith(acc):
                    break
    ops: list[Op] = []
    i, j = n, m
    while i or j:
        pi, pj, kind = back[i, j]
        ops.append((kind, s0 + pi, s0 + i, h0 + pj, h0 + j))
        i, j = pi, pj
    ops.reverse()
    return ops


def _align_span(s: list[_Tok], h: list[_Tok], s_lo: int, s_hi: int, h_lo: int, h_hi: int) -> list[Op]:
    """Align s[s_lo:s_hi] with h[h_lo:h_hi]: one DP when small, else DPs between unique anchors."""
    if (s_hi - s_lo) * (h_hi - h_lo) <= _DP_CELLS:
        return _dp(s[s_lo:s_hi], h[h_lo:h_hi], s_lo, h_lo)
    chain = _unique_anchors([t.key for t in s[s_lo:s_hi]], [t.key for t in h[h_lo:h_hi]])
    if not chain:
        return _dp(s[s_lo:s_hi], h[h_lo:h_hi], s_lo, h_lo, band=_BAND)
    ops: list[Op] = []
    si, hi = s_lo, h_lo
    for a, b in chain:
        a, b = a + s_lo, b + h_lo
        if a > si or b > hi:
            ops += _align_span(s, h, si, a, hi, b)
        ops.append((MATCH, a, a + 1, b, b + 1))
        si, hi = a + 1, b + 1
    if si < s_hi or hi < h_hi:
        ops += _align_span(s, h, si, s_hi, hi, h_hi)
    return ops


def _unique_anchors(a: list[str], b: list[str], n: int = 3) -> list[tuple[int, int]]:
    """Word pairs inside n-grams that occur once in each list, longest chain in order (patience diff).

    Only unique n-grams anchor, so repeated text ("I'll ... I'll", a repeated paragraph) is left to the
    DP, which weighs the whole path; difflib's longest block would pair such text greedily.
    """
    def grams(keys: list[str]) -> dict[tuple[str, ...], int]:
        seen: dict[tuple[str, ...], int] = {}
        for k in range(len(keys) - n + 1):
            g = tuple(keys[k:k + n])
            seen[g] = -1 if g in seen else k
        return seen

    ga, gb = grams(a), grams(b)
    pairs = sorted({(i + d, gb[g] + d) for g, i in ga.items() if i >= 0 and gb.get(g, -1) >= 0
                    for d in range(n)}, key=lambda p: (p[0], -p[1]))
    tails: list[int] = []  # the longest chain rising in both lists: patience sorting on b's index
    tail_at: list[int] = []
    prev = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect_left(tails, j)
        tails[pos:pos + 1], tail_at[pos:pos + 1] = [j], [k]
        prev[k] = tail_at[pos - 1] if pos else -1
    chain, k = [], tail_at[-1] if tail_at else -1
    while k >= 0:
        chain.append(pairs[k])
        k = prev[k]
    return chain[::-1]


# --- the result ---------------------------------------------------------------------------------------

def align_to_script(heard: Sequence[Word], script_text: str, lang: str = "en") -> Alignment:
    """Caption words with the script's spelling timed to the speech; departures kept verbatim and flagged."""
    heard_words = [w for w in heard if word_key(w.text, lang)]
    s = _script_tokens(script_text, lang)
    h = [_Tok(w.text.strip(), word_key(w.text, lang)) for w in heard_words]
    ops = _align_span(s, h, 0, len(s), 0, len(h))
    words: list[Word] = []
    departures: list[Departure] = []
    spoken = k = 0
    while k < len(ops):
        kind, a, b, c, d = ops[k]
        if kind in (MATCH, NEAR):
            spoken += b - a
            words += _matched(s[a:b], heard_words[c:d])
            k += 1
            continue
        run = []
        while k < len(ops) and ops[k][0] not in (MATCH, NEAR):
            run.append(ops[k])
            k += 1
        script_part = [t.text for op in run for t in s[op[1]:op[2]]]
        said = [w for op in run for w in heard_words[op[3]:op[4]]]
        if not said:
            at = words[-1].end if words else (heard_words[run[-1][3]].start if run[-1][3] < len(h) else None)
            departures.append(Departure("skipped", " ".join(script_part), "", at, at, len(words), 0))
            end_mark = _SENTENCE_END.search(script_part[-1])
            if words and end_mark and not re.search(r"[.,;:!?]$", words[-1].text):
                last = words[-1]  # keep the sentence end that went with the skipped words
                words[-1] = Word(last.start, last.end, last.text + end_mark.group()[0], last.probability,
                                 last.heard, last.departure)
            continue
        label = "changed" if script_part else "added"
        first = len(words)
        words += [Word(w.start, w.end, w.text.strip(), w.probability, w.text.strip(), label) for w in said]
        departures.append(Departure(label, " ".join(script_part), " ".join(w.text.strip() for w in said),
                                    said[0].start, said[-1].end, first, len(said)))
    return Alignment(tuple(words), spoken / len(s) if s else 0.0, tuple(departures))


def _matched(script: Sequence[_Tok], said: Sequence[Word]) -> list[Word]:
    """Script words timed to the heard words they match; one heard word shared by several is split."""
    start, end = said[0].start, max(w.end for w in said)
    probability = min(w.probability for w in said)
    heard_text = " ".join(w.text.strip() for w in said)
    if len(script) == 1:
        return [Word(start, end, script[0].text, probability, heard_text)]
    total = sum(len(t.key) for t in script)
    out, t0 = [], start
    for t in script:
        t1 = t0 + (end - start) * len(t.key) / total
        out.append(Word(t0, t1, t.text, probability, heard_text))
        t0 = t1
    return out


# --- biasing recognition ------------------------------------------------------------------------------

def script_prompt(script_text: str, max_chars: int = 200) -> str:
    """The script's rare words (names, credentials, numbers, long terms), comma-separated, for the prompt.

    Proper-noun runs ("Maria Lopez", "Riverside General Hospital") and credentials come first, then words
    with digits, then words of 9+ letters; the chosen ones are listed in script order within `max_chars`.
    """
    candidates: list[tuple[int, int, str]] = []  # priority, position, phrase
    run: list[str] = []
    run_at, run_initial, sentence_start = 0, False, True

    def close_run() -> None:
        if run and (len(run) > 1 or not run_initial or _is_credential(run[0])):
            candidates.append((0, run_at, " ".join(run)))
        run.clear()

    for pos, raw in enumerate(script_text.split()):
        clean = _clean(raw)
        capital = clean[:1].isupper() and word_key(clean) not in {"i", "iam", "iwill", "ihave", "iwould"}
        if capital:
            if not run:
                run_at, run_initial = pos, sentence_start
            run.append(clean)
            if re.search(r"[,;:!?)]$", raw) or (_SENTENCE_END.search(raw) and raw.lower() not in _ABBREV_DOT):
                close_run()
        else:
            close_run()
            letters = sum(ch.isalpha() for ch in clean)
            if any(ch.isdigit() for ch in clean):
                candidates.append((1, pos, clean))
            elif letters >= 9:
                candidates.append((2, pos, clean))
        sentence_start = bool(_SENTENCE_END.search(raw)) and raw.lower() not in _ABBREV_DOT
    close_run()
    chosen: list[tuple[int, str]] = []
    seen: set[str] = set()
    length = -2  # no ", " before the first
    for _, pos, phrase in sorted(candidates):
        words = {word_key(w) for w in phrase.split()}
        if not words <= seen and length + 2 + len(phrase) <= max_chars:
            seen |= words
            chosen.append((pos, phrase))
            length += 2 + len(phrase)
    return ", ".join(phrase for _, phrase in sorted(chosen))


def _clean(raw: str) -> str:
    """A script token without surrounding quotes/brackets and trailing punctuation ('Dr.' keeps its dot)."""
    t = raw.strip("\"'()[]{}«»“”‘’").rstrip(",;:!?")
    if t.endswith(".") and t.lower() not in _ABBREV_DOT and "." not in t[:-1]:
        t = t[:-1]
    return t


def _is_credential(token: str) -> bool:
    letters = token.replace(".", "")
    return 2 <= len(letters) <= 5 and letters.isalpha() and sum(ch.isupper() for ch in letters) >= 2
