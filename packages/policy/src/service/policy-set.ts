import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { EventBus, Logger } from '@parley/core';
import { NotFoundError } from '@parley/core';
import { PolicyEngine } from '../engine/policy-engine.ts';
import { PolicyInvalidError } from '../errors.ts';
import { type CompileResult, compilePolicies, type PolicySource } from '../source/compile.ts';
import { type PolicyProblem, renderProblem } from '../source/policy-problem.ts';
import { builtinPolicies, demoPolicies } from '../source/shipped-policies.ts';
import { type PolicyDocument, type PolicyDocuments, storeSourceName } from '../store/policy-documents.ts';

/** The bus topic announcing a changed stored policy document, so every replica reloads. */
export const POLICY_CHANGED_TOPIC = 'policy.changed';

export interface PolicySetOptions {
  /** `.cedar` files from `policy.files`; watched for changes. */
  readonly files: readonly string[];
  /** Load the demo mesh's policies (`parley dev`). */
  readonly demo: boolean;
  readonly documents?: PolicyDocuments | undefined;
  readonly bus?: EventBus | undefined;
  readonly logger: Logger;
  /** Watch the files (default true). */
  readonly watch?: boolean;
}

/** What a reload did; the set in force changes only on `loaded`. */
export type ReloadResult =
  | { readonly code: 'loaded'; readonly policies: number; readonly generation: number }
  | { readonly code: 'kept'; readonly problems: readonly PolicyProblem[] };

/**
 * The policy set in force: built-in, demo (dev), file and stored policies,
 * compiled and validated together. Reloads on file changes and on
 * `policy.changed` from the bus; a set that does not compile is reported
 * with `file:line` and the previous set stays in force.
 */
export class PolicySet {
  readonly engine = new PolicyEngine();
  readonly #options: PolicySetOptions;
  readonly #watchers: FSWatcher[] = [];
  readonly #listeners = new Set<(result: ReloadResult) => void>();
  #problems: readonly PolicyProblem[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #debounce: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(options: PolicySetOptions) {
    this.#options = options;
  }

  /** Problems of the last reload that was refused (empty once a reload succeeds). */
  get problems(): readonly PolicyProblem[] {
    return this.#problems;
  }

  /** Loads the set, refusing to start (PolicyInvalidError) if it does not compile; then watches. */
  async start(): Promise<void> {
    const result = compilePolicies(await this.#sources());
    if (result.code === 'invalid') {
      throw new PolicyInvalidError(
        `the policy set is invalid (${result.problems.length} problems):\n${result.problems.map(renderProblem).join('\n')}`,
        result.problems,
      );
    }
    this.engine.load(result.policies);
    if (this.#options.watch !== false) this.#watchFiles();
    if (this.#options.bus) {
      this.#unsubscribe = await this.#options.bus.subscribe(POLICY_CHANGED_TOPIC, () => {
        void this.reload('store');
      });
    }
  }

  async stop(): Promise<void> {
    for (const watcher of this.#watchers.splice(0)) watcher.close();
    clearTimeout(this.#debounce);
    this.#unsubscribe?.();
    await this.#queue.catch(() => {});
  }

  /** Calls `listener` after every reload (tests await the next one). Returns a function that removes it. */
  onReload(listener: (result: ReloadResult) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Recompiles every source; keeps the set in force if the new one is invalid. Reloads never overlap. */
  reload(why: string): Promise<ReloadResult> {
    const next = this.#queue.then(() => this.#reload(why));
    this.#queue = next.catch(() => {});
    return next;
  }

  /** What compiling the set would give with the stored document `name` set to `text` (or removed). */
  async check(change: { name: string; text: string | undefined }): Promise<CompileResult> {
    const sources = (await this.#sources()).filter((s) => s.name !== storeSourceName(change.name));
    if (change.text !== undefined) sources.push({ name: storeSourceName(change.name), text: change.text });
    return compilePolicies(sources);
  }

  /** Validates, stores and announces a policy document; an invalid set is refused and nothing changes. */
  async putDocument(name: string, text: string, by: string | undefined): Promise<{ created: boolean }> {
    const documents = this.#requireDocuments();
    const result = await this.check({ name, text });
    if (result.code === 'invalid') throw new PolicyInvalidError(`policy document ${name} is invalid`, result.problems);
    const outcome = await documents.put(name, text, by);
    await this.#announce(name);
    return outcome;
  }

  async deleteDocument(name: string): Promise<void> {
    const documents = this.#requireDocuments();
    const result = await this.check({ name, text: undefined });
    if (result.code === 'invalid')
      throw new PolicyInvalidError(`removing ${name} leaves an invalid set`, result.problems);
    if (!(await documents.delete(name))) throw new NotFoundError(`policy document ${name}`);
    await this.#announce(name);
  }

  async documents(): Promise<PolicyDocument[]> {
    return this.#options.documents ? this.#options.documents.list() : [];
  }

  async document(name: string): Promise<PolicyDocument | undefined> {
    return this.#options.documents?.get(name);
  }

  async #announce(name: string): Promise<void> {
    await this.reload('store');
    await this.#options.bus?.publish(POLICY_CHANGED_TOPIC, { name });
  }

  #requireDocuments(): PolicyDocuments {
    if (!this.#options.documents) throw new NotFoundError('policy store');
    return this.#options.documents;
  }

  async #reload(why: string): Promise<ReloadResult> {
    let result: ReloadResult;
    try {
      const compiled = compilePolicies(await this.#sources());
      if (compiled.code === 'ok') {
        this.engine.load(compiled.policies);
        this.#problems = [];
        result = { code: 'loaded', policies: compiled.policies.length, generation: this.engine.generation };
        this.#options.logger.info({ why, policies: compiled.policies.length }, 'policy set reloaded');
      } else {
        this.#problems = compiled.problems;
        result = { code: 'kept', problems: compiled.problems };
        this.#options.logger.error(
          { why, problems: compiled.problems.map(renderProblem) },
          'policy set invalid; the previous set stays in force',
        );
      }
    } catch (error) {
      this.#options.logger.error({ err: error, why }, 'policy reload failed; the previous set stays in force');
      const problems =
        error instanceof PolicyInvalidError
          ? error.problems
          : [{ code: 'unreadable' as const, source: why, message: String(error) }];
      this.#problems = problems;
      result = { code: 'kept', problems };
    }
    for (const listener of this.#listeners) listener(result);
    return result;
  }

  async #sources(): Promise<PolicySource[]> {
    const sources = builtinPolicies();
    if (this.#options.demo) sources.push(...demoPolicies());
    for (const file of this.#options.files) {
      try {
        sources.push({ name: file, text: await readFile(file, 'utf8') });
      } catch (error) {
        throw new PolicyInvalidError(`cannot read policy file ${file}`, [
          { code: 'unreadable', source: file, message: (error as NodeJS.ErrnoException).code ?? String(error) },
        ]);
      }
    }
    for (const document of await this.documents()) {
      sources.push({ name: storeSourceName(document.name), text: document.text });
    }
    return sources;
  }

  #watchFiles(): void {
    const byDir = new Map<string, Set<string>>();
    for (const file of this.#options.files) {
      const dir = dirname(resolve(file));
      byDir.set(dir, (byDir.get(dir) ?? new Set()).add(basename(file)));
    }
    // Directories, not files: editors save by renaming, which ends a watch on the file itself.
    for (const [dir, names] of byDir) {
      const watcher = watch(dir, (_event, name) => {
        if (name === null || names.has(name.toString())) this.#scheduleReload();
      });
      watcher.on('error', (error) => this.#options.logger.warn({ err: error, dir }, 'cannot watch policy files'));
      this.#watchers.push(watcher);
    }
  }

  #scheduleReload(): void {
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.reload('file changed'), 50);
  }
}
