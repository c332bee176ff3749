"""Spanish word keys for script alignment: numbers spelled in Spanish, accents, ¿ ¡, 'al'/'del', 'Dra.'.

A key is the form two spellings of one spoken word share; align.py compares script and heard words by key
and never shows it. Spanish number words and digits get the same language-neutral number key the English
rules make ("15" = "quince" = "fifteen", "21" = "veintiún" = "veintiuno" = "twentyone", "1.º" = "primera"
= "first"), so align.py's rule that a number never passes as a near-miss of another number holds in
Spanish too ("dieciséis" is not taken for "diecisiete"). Numbers are spelled word by word, each word keyed
alone, so a number heard as several words ("treinta y cinco") joins up to the key of "35".

Known limits: grouped digits (a phone number "555-0142", a time "10:30") are keyed digit by digit for
groups of 3+ digits or a leading zero, as in English, so a phone number read in pairs ("cincuenta y cinco")
stays a departure for review; "1.500" and "1,500" are both one thousand five hundred (a 3-digit group after
the mark), "2,5" is two point five.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_UNITS = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once",
          "doce", "trece", "catorce", "quince", "dieciseis", "diecisiete", "dieciocho", "diecinueve", "veinte",
          "veintiuno", "veintidos", "veintitres", "veinticuatro", "veinticinco", "veintiseis", "veintisiete",
          "veintiocho", "veintinueve"]
_TENS = {3: "treinta", 4: "cuarenta", 5: "cincuenta", 6: "sesenta", 7: "setenta", 8: "ochenta", 9: "noventa"}
_HUNDREDS = {1: "ciento", 2: "doscientos", 3: "trescientos", 4: "cuatrocientos", 5: "quinientos",
             6: "seiscientos", 7: "setecientos", 8: "ochocientos", 9: "novecientos"}
_ORDINALS = ["", "primero", "segundo", "tercero", "cuarto", "quinto", "sexto", "septimo", "octavo", "noveno",
             "decimo"]

_EN_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_EN_TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}
_EN_ORDINALS = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]


def _number_keys() -> dict[str, str]:
    """Every Spanish number word (both genders, apocopated forms) -> its language-neutral key."""
    keys = {word: _EN_ONES[n] for n, word in enumerate(_UNITS[:20])}
    for n in range(20, 30):
        keys[_UNITS[n]] = "twenty" + (_EN_ONES[n - 20] if n > 20 else "")
    keys.update({"un": "one", "una": "one", "veintiun": "twentyone", "veintiuna": "twentyone"})
    keys.update({word: _EN_TENS[t] for t, word in _TENS.items()})
    keys.update({"cien": "onehundred", "ciento": "onehundred", "mil": "thousand", "millon": "million",
                 "millones": "million", "y": "and", "coma": "point", "punto": "point"})
    for h, word in _HUNDREDS.items():
        if h > 1:
            keys[word] = keys[word[:-2] + "as"] = _EN_ONES[h] + "hundred"
    for n, word in enumerate(_ORDINALS[1:], start=1):
        keys[word] = keys[word[:-1] + "a"] = keys[word + "s"] = keys[word[:-1] + "as"] = _EN_ORDINALS[n]
    keys.update({"primer": "first", "tercer": "third", "setimo": "seventh", "setima": "seventh"})
    return keys


NUMBER_KEYS = _number_keys()
ABBREVIATIONS = {"dr": "doctor", "dra": "doctora", "drs": "doctores", "dras": "doctoras", "sr": "senor",
                 "sra": "senora", "srta": "senorita", "sres": "senores", "ud": "usted", "uds": "ustedes",
                 "vd": "usted", "prof": "profesor", "profa": "profesora", "lic": "licenciado",
                 "lcdo": "licenciado", "lcda": "licenciada", "licda": "licenciada", "etc": "etcetera",
                 "tel": "telefono", "num": "numero", "av": "avenida", "avda": "avenida",
                 "dpto": "departamento", "depto": "departamento", "pag": "pagina", "&": "and"}
# Contractions keep both words in the key, so "al" matches "a el" heard as two words, and "a el" matches "al".
CONTRACTIONS = {"al": "ael", "del": "deel"}
_ORDINAL_SUFFIX = re.compile(r"(\d+)\.?(?:o|a|os|as|er|era|ero|ro|ra|do|da|to|ta|mo|ma|vo|va|no|na)")


def spell(n: int) -> list[str]:
    """A whole number as Spanish words without accents: 35 -> ['treinta', 'y', 'cinco'], 1998 -> 'mil ...'."""
    if n < 30:
        return [_UNITS[n]]
    if n < 100:
        tens, units = divmod(n, 10)
        return [_TENS[tens]] + (["y", _UNITS[units]] if units else [])
    if n == 100:
        return ["cien"]
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return [_HUNDREDS[hundreds]] + (spell(rest) if rest else [])
    if n < 10**6:
        thousands, rest = divmod(n, 1000)
        return ([] if thousands == 1 else spell(thousands)) + ["mil"] + (spell(rest) if rest else [])
    millions, rest = divmod(n, 10**6)
    return (["un", "millon"] if millions == 1 else spell(millions) + ["millones"]) + (spell(rest) if rest else [])


def _keyed(words: list[str]) -> str:
    return "".join(NUMBER_KEYS.get(w, w) for w in words)


def _spell_digits(t: str) -> str:
    """Digits in `t` as number keys, the way a Spanish speaker reads them."""
    t = re.sub(r"(?<=\d)[.,](?=\d{3}(?!\d))", "", t)  # 1.500 / 1,500: thousands
    t = re.sub(r"(?<=\d),(?=\d)", " coma ", t)  # 2,5: decimal comma
    grouped = bool(re.search(r"\d[-/:.]\d", t))  # a phone number, time or date: read group by group

    def ordinal(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return _EN_ORDINALS[n] if 0 < n < len(_EN_ORDINALS) else _keyed(spell(n))

    def cardinal(m: re.Match[str]) -> str:
        digits = m.group()
        if len(digits) > 12 or (grouped and (len(digits) >= 3 or digits.startswith("0"))):
            return "".join(_keyed([_UNITS[int(d)]]) for d in digits)
        return _keyed(spell(int(digits)))

    t = _ORDINAL_SUFFIX.sub(ordinal, t) if _ORDINAL_SUFFIX.fullmatch(t) else t
    t = re.sub(r"\d+", cardinal, t)
    return t.replace("%", _keyed(["por", "ciento"])).replace(" coma ", "point")


@lru_cache(maxsize=8192)
def word_key(token: str) -> str:
    """The Spanish key of one script or heard word: 'Dra.'/'doctora', '15'/'quince', '¿Cómo'/'como', 'al'/'a el'."""
    t = unicodedata.normalize("NFKD", token)  # also turns º and ª into o and a
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = t.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'")
    t = re.sub(r"^[^\w%&]+|[^\w%&]+$", "", t)  # ¿ ¡ « » and trailing punctuation
    bare = t.replace(".", "")
    if bare in ABBREVIATIONS:
        return ABBREVIATIONS[bare]
    if bare in CONTRACTIONS:
        return CONTRACTIONS[bare]
    if any(c.isdigit() for c in t):
        t = _spell_digits(t)
    elif t in NUMBER_KEYS:
        return NUMBER_KEYS[t]
    return re.sub(r"[^a-z0-9]", "", t.replace("&", "and"))
