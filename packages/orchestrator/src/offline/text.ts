/**
 * Tokenizing and stemming for the offline planner: lowercase words, English
 * stop words dropped, a light suffix-stripping stemmer (plural, -ing, -ed,
 * -ment, -ly ...), and a few spelling variants folded (e-mail, email -> mail).
 */

const STOP_WORDS = new Set(
  `a an the and or but if then than so to of in on at by for with from into onto about as is are was were be been
  being am do does did done have has had having it its this that these those there here i me my we us our you your
  he him his she her they them their what which who whom whose when where why how all any each every some such no
  not only own same too very can will just should would could may might must shall please also up out over under
  again further once both few more most other next last new one`
    .split(/\s+/)
    .filter(Boolean),
);

const VARIANTS: Readonly<Record<string, string>> = {
  email: 'mail',
  emails: 'mail',
  'e-mail': 'mail',
  mails: 'mail',
  emailed: 'mail',
  emailing: 'mail',
};

/** Lowercase word tokens, apostrophes and possessives removed, digits kept. */
export function words(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/['’]s\b/g, '')
      .match(/[a-z0-9]+(?:-[a-z0-9]+)*/g) ?? []
  ).flatMap((word) => (VARIANTS[word] ? [VARIANTS[word]] : word.split('-')));
}

/** The terms BM25 indexes: stemmed words that are not stop words. */
export function terms(text: string): string[] {
  return words(text)
    .filter((word) => !STOP_WORDS.has(word))
    .map(stem)
    .filter((term) => term.length > 0);
}

/** A light English stemmer (a small subset of Porter's step 1 and 2), stable and predictable. */
export function stem(word: string): string {
  let w = VARIANTS[word] ?? word;
  if (w.length <= 3 || /^\d+$/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  for (const suffix of ['ing', 'ed']) {
    if (w.endsWith(suffix) && /[aeiouy]/.test(w.slice(0, -suffix.length)) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      if (/([^aeiouslz])\1$/.test(w)) w = w.slice(0, -1);
      else if (/^[^aeiou]*[aeiou][^aeiouwxy]$/.test(w)) w = `${w}e`;
      break;
    }
  }
  for (const [suffix, replacement] of [
    ['ational', 'ate'],
    ['ization', 'ize'],
    ['ation', 'ate'],
    ['ment', ''],
    ['ness', ''],
    ['ly', ''],
  ] as const) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 4) {
      w = w.slice(0, -suffix.length) + replacement;
      break;
    }
  }
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}

const CALENDAR_WORDS =
  /^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|tonight|week|month|january|february|march|april|may|june|july|august|september|october|november|december)$/i;

/** Capitalized words after the first, numbers, and day or month names: a request's arguments. */
export function argumentWords(text: string): string[] {
  const raw = text.match(/[A-Za-z0-9]+/g) ?? [];
  return raw.filter((word, i) => (i > 0 && /^[A-Z][a-z]/.test(word)) || /\d/.test(word) || CALENDAR_WORDS.test(word));
}
