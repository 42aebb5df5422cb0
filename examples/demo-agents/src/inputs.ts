import type { Message } from '@parley/a2a';

/** ISO dates (YYYY-MM-DD) mentioned in a text, in order. */
export function datesIn(text: string): string[] {
  return [...text.matchAll(/\b(\d{4}-\d{2}-\d{2})\b/g)].map((m) => m[1] ?? '');
}

const WORDS: Record<string, number> = {
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  twenty: 20,
};

/** "for 8 people", "eight people", "a room for 12" → the head count, if said. */
export function headCount(text: string): number | undefined {
  const match =
    /\b(\d{1,3}|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty)\s*(?:people|persons|attendees|guests|participants)\b/i.exec(
      text,
    ) ?? /\bfor\s+(\d{1,3})\b/i.exec(text);
  if (!match?.[1]) return undefined;
  const word = match[1].toLowerCase();
  return WORDS[word] ?? Number(word);
}

/** Meeting length in minutes: "2 hours", "90 minutes"; a day or an offsite is six hours. */
export function durationMinutes(text: string): number {
  const hours = /\b(\d+(?:\.\d+)?)\s*(?:h|hours?)\b/i.exec(text);
  if (hours?.[1]) return Math.round(Number(hours[1]) * 60);
  const minutes = /\b(\d+)\s*(?:min|minutes?)\b/i.exec(text);
  if (minutes?.[1]) return Number(minutes[1]);
  return 360;
}

/** Every `data` part of a message (the orchestrator passes its inputs' artifacts that way). */
export function dataParts(message: Message): Record<string, unknown>[] {
  return message.parts.flatMap((part) =>
    'data' in part && part.data && typeof part.data === 'object' ? [part.data as Record<string, unknown>] : [],
  );
}

/** Finds the first value named `key` anywhere in the message's data parts. */
export function findInData<T>(message: Message, key: string): T | undefined {
  const visit = (value: unknown): T | undefined => {
    if (!value || typeof value !== 'object') return undefined;
    if (Array.isArray(value)) {
      for (const item of value) {
        const found = visit(item);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    const record = value as Record<string, unknown>;
    if (key in record) return record[key] as T;
    for (const inner of Object.values(record)) {
      const found = visit(inner);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return visit(dataParts(message));
}

/** The text parts of a message, joined. */
export function messageText(message: Message): string {
  return message.parts
    .flatMap((part) => ('text' in part && typeof part.text === 'string' ? [part.text] : []))
    .join('\n');
}
