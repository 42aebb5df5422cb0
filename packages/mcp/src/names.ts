/**
 * Gateway names: `<prefix><name>` where the prefix defaults to `<server>.`, so
 * one upstream cannot shadow another's tools or prompts.
 */
export function namespacePrefix(server: string, prefix: string | undefined): string {
  return prefix ?? `${server}.`;
}

/** The upstream-local name, or undefined when `exposed` does not carry `prefix`. */
export function stripPrefix(exposed: string, prefix: string): string | undefined {
  return exposed.startsWith(prefix) ? exposed.slice(prefix.length) : undefined;
}
