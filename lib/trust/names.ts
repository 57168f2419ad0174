// Names that claim authority ("NICE", "NHS England") are read by people, not by code, so what
// matters is what they look like. Pure and zod-free: the feed schema, the policy and the verdict
// all use it. See docs/trust-model.md ("Names").

// Characters that show nothing, or reorder what follows: "NI\u200BCE" and "\u202EECIN" read as
// NICE. Soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers, Mongolian
// vowel separator, zero-width and direction marks, word joiner and invisible operators, BOM,
// and the tag characters.
const INVISIBLE_OR_DIRECTION =
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]|\uDB40[\uDC00-\uDC7F]/u;

/** Scripts whose letters pass for Latin ones: a word mixing them with Latin is a disguise. */
const LOOK_ALIKE_SCRIPTS = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}]/u;
const LATIN = /\p{Script=Latin}/u;

/** Why a name cannot be shown as a name, or null when it can. */
export function nameProblem(text: string): string | null {
  if (INVISIBLE_OR_DIRECTION.test(text)) return 'must not contain invisible characters or direction marks (they can make one name read as another)';
  for (const word of text.split(/[\s\p{P}\p{S}]+/u)) {
    if (LATIN.test(word) && LOOK_ALIKE_SCRIPTS.test(word)) return `mixes Latin letters with look-alike letters of another script in "${word}"`;
  }
  return null;
}

/**
 * Remembers a pure function's answers. Names repeat (every claim's issuer is checked against every
 * authority's aliases, for every candidate alternative on a card): at 10,000 tools these
 * normalisations were 90 % of a card's 53 ms. Bounded: emptied when full.
 */
function remembered(compute: (text: string) => string, limit = 20_000): (text: string) => string {
  const known = new Map<string, string>();
  return (text) => {
    let value = known.get(text);
    if (value === undefined) {
      if (known.size >= limit) known.clear();
      value = compute(text);
      known.set(text, value);
    }
    return value;
  };
}

/** How names are compared: compatibility forms folded, case folded, punctuation and spacing collapsed. */
export const normaliseName = remembered((text) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim(),
);

// Letters and digits that people read as Latin ones, folded before case is: Greek capital Nu is
// an N, but its lower case is a v. Enough for the names the trust root protects; anything still
// different after folding is a different name.
const CONFUSABLES: Record<string, string> = {
  // Cyrillic
  А: 'a', В: 'b', Е: 'e', К: 'k', М: 'm', Н: 'h', О: 'o', Р: 'p', С: 'c', Т: 't', Х: 'x', І: 'i', Ј: 'j', Ѕ: 's', Ԁ: 'd', Ү: 'y',
  а: 'a', е: 'e', ё: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l',
  // Greek
  Α: 'a', Β: 'b', Ε: 'e', Ζ: 'z', Η: 'h', Ι: 'i', Κ: 'k', Μ: 'm', Ν: 'n', Ο: 'o', Ρ: 'p', Τ: 't', Υ: 'y', Χ: 'x', Ϲ: 'c',
  α: 'a', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ϲ: 'c',
  // Digits and symbols
  '0': 'o', '1': 'l', '3': 'e', '5': 's', '7': 't', '|': 'l',
};

/** A name's look: what it reads as once look-alike letters are folded and spaces ignored. */
export const nameSkeleton = remembered((text) => {
  // Folded before and after NFKC: compatibility forms can turn a look-alike into a letter that
  // looks different (lunate sigma Ϲ becomes Σ), and fullwidth or styled letters into plain ones.
  const fold = (value: string) => [...value].map((char) => CONFUSABLES[char] ?? char).join('');
  const plain = normaliseName(fold(fold(text).normalize('NFKC')))
    .normalize('NFKD')
    .replace(/\p{M}/gu, '');
  // i, l and 1 read alike in many fonts; "rn" reads as "m" and "vv" as "w".
  return plain.replace(/\s+/g, '').replace(/[il]/g, 'l').replace(/rn/g, 'm').replace(/vv/g, 'w');
});

export function sameName(a: string, b: string): boolean {
  return normaliseName(a) === normaliseName(b);
}

/** A name that reads like `protectedName` but is not it: "N1CE", "NlCE", "NΙCE". */
export function imitatesName(name: string, protectedName: string): boolean {
  return !sameName(name, protectedName) && nameSkeleton(name) === nameSkeleton(protectedName);
}
