export { createEverythingServer, type EverythingOptions } from './everything.ts';
export { WATCHED_RESOURCE } from './resources.ts';
export { type EverythingHttp, serveEverything } from './serve-http.ts';

/** Path of the stdio entry point, for `command: node, args: [this, '--stdio']`. */
export const everythingEntry: string = new URL('./main.ts', import.meta.url).pathname;
