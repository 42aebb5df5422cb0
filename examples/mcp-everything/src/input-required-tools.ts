import {
  acceptedContent,
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  type InputRequests,
  inputRequired,
  inputResponse,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { requestStateCodec } from './request-state.ts';
import { noArgs, text } from './results.ts';

const nameSchema = z.object({ name: z.string() });
const confirmSchema = z.object({ ok: z.boolean() });
const colorSchema = z.object({ color: z.string() });

const askName = (message: string) => inputRequired.elicit({ message, requestedSchema: nameSchema });
const askConfirm = () => inputRequired.elicit({ message: 'Please confirm', requestedSchema: confirmSchema });
const askSample = (prompt: string, maxTokens: number) =>
  inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens });

/**
 * The capabilities the client declared: per request on 2026-07-28, at
 * `initialize` on 2025-era connections.
 */
function declaredCapabilities(server: McpServer, ctx: ServerContext): ClientCapabilities | undefined {
  // The SDK's published types erase the envelope's keys (`RequestMetaEnvelope` is `{}`).
  const envelope = ctx.mcpReq.envelope as { [CLIENT_CAPABILITIES_META_KEY]?: ClientCapabilities } | undefined;
  return envelope?.[CLIENT_CAPABILITIES_META_KEY] ?? server.server.getClientCapabilities();
}

/** What the multi-round tool carries from one round to the next. */
interface MultiRoundState {
  readonly round: 1 | 2;
  readonly name?: string;
}

/**
 * The `test_input_required_result_*` tools of the conformance suite's
 * input-required-result-* scenarios: each asks for input with an
 * `input_required` result and completes once the retried call carries the
 * answers. On 2025-era connections the SDK's legacy shim asks the client with
 * real requests and re-enters the handler, so each is written once.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr
 */
export function registerInputRequiredTools(server: McpServer): void {
  server.registerTool(
    'test_input_required_result_elicitation',
    { description: 'Asks for a name, then greets it', inputSchema: noArgs },
    async (_args, ctx) => {
      const answer = acceptedContent(ctx.mcpReq.inputResponses, 'user_name', nameSchema);
      if (!answer) return inputRequired({ inputRequests: { user_name: askName('What is your name?') } });
      return text(`Hello, ${answer.name}!`);
    },
  );
  server.registerTool(
    'test_input_required_result_sampling',
    { description: 'Asks the client to sample a completion, then reports it', inputSchema: noArgs },
    async (_args, ctx) => {
      const answer = inputResponse(ctx.mcpReq.inputResponses, 'capital_question');
      if (answer.kind !== 'sampling') {
        return inputRequired({
          inputRequests: { capital_question: askSample('What is the capital of France?', 100) },
        });
      }
      const { content } = answer.result;
      return text(`LLM response: ${!Array.isArray(content) && content.type === 'text' ? content.text : '(no text)'}`);
    },
  );
  server.registerTool(
    'test_input_required_result_list_roots',
    { description: "Asks for the client's roots, then lists them", inputSchema: noArgs },
    async (_args, ctx) => {
      const answer = inputResponse(ctx.mcpReq.inputResponses, 'client_roots');
      if (answer.kind !== 'roots') return inputRequired({ inputRequests: { client_roots: inputRequired.listRoots() } });
      return text(`Roots: ${answer.roots.map((root) => root.uri).join(', ') || '(none)'}`);
    },
  );
  for (const [name, done] of [
    ['test_input_required_result_request_state', 'state-ok: the echoed requestState verified'],
    ['test_input_required_result_tampered_state', 'state-ok: the requestState was not tampered with'],
  ] as const) {
    server.registerTool(
      name,
      { description: 'Asks for a confirmation, carrying sealed requestState across the round', inputSchema: noArgs },
      async (_args, ctx) => {
        const answer = acceptedContent(ctx.mcpReq.inputResponses, 'confirm', confirmSchema);
        // A state that fails verification never reaches here: the codec's verify refuses it first.
        if (!answer || ctx.mcpReq.requestState() === undefined) {
          return inputRequired({
            inputRequests: { confirm: askConfirm() },
            requestState: await requestStateCodec.mint({ tool: name }),
          });
        }
        return text(`${done} (ok=${answer.ok})`);
      },
    );
  }
  server.registerTool(
    'test_input_required_result_multiple_inputs',
    { description: 'Asks for an elicitation, a sampling and the roots in one round', inputSchema: noArgs },
    async (_args, ctx) => {
      const responses = ctx.mcpReq.inputResponses;
      const name = acceptedContent(responses, 'user_name', nameSchema);
      const greeting = inputResponse(responses, 'greeting');
      const roots = inputResponse(responses, 'client_roots');
      if (!name || greeting.kind !== 'sampling' || roots.kind !== 'roots' || !ctx.mcpReq.requestState()) {
        return inputRequired({
          inputRequests: {
            user_name: askName('What is your name?'),
            greeting: askSample('Generate a greeting', 50),
            client_roots: inputRequired.listRoots(),
          },
          requestState: await requestStateCodec.mint({ tool: 'multiple_inputs' }),
        });
      }
      return text(`Hello, ${name.name}: a greeting and ${roots.roots.length} root(s) received`);
    },
  );
  server.registerTool(
    'test_input_required_result_multi_round',
    { description: 'Asks for a name, then a favourite colour, over three rounds', inputSchema: noArgs },
    async (_args, ctx) => {
      const state = ctx.mcpReq.requestState<MultiRoundState>();
      const name = state?.name ?? acceptedContent(ctx.mcpReq.inputResponses, 'step1', nameSchema)?.name;
      if (name === undefined) {
        return inputRequired({
          inputRequests: { step1: askName('Step 1: What is your name?') },
          requestState: await requestStateCodec.mint({ round: 1 } satisfies MultiRoundState),
        });
      }
      const color = state?.round === 2 ? acceptedContent(ctx.mcpReq.inputResponses, 'step2', colorSchema) : undefined;
      if (!color) {
        return inputRequired({
          inputRequests: {
            step2: inputRequired.elicit({
              message: 'Step 2: What is your favorite color?',
              requestedSchema: colorSchema,
            }),
          },
          requestState: await requestStateCodec.mint({ round: 2, name } satisfies MultiRoundState),
        });
      }
      return text(`${name} likes ${color.color}`);
    },
  );
  server.registerTool(
    'test_input_required_result_capabilities',
    { description: 'Asks only for the kinds of input the client declared it can give', inputSchema: noArgs },
    async (_args, ctx) => {
      const declared = declaredCapabilities(server, ctx);
      const responses = ctx.mcpReq.inputResponses;
      const wanted: InputRequests = {};
      if (declared?.elicitation && !acceptedContent(responses, 'user_name', nameSchema)) {
        wanted.user_name = askName('What is your name?');
      }
      if (declared?.sampling && inputResponse(responses, 'greeting').kind !== 'sampling') {
        wanted.greeting = askSample('Generate a greeting', 50);
      }
      if (declared?.roots && inputResponse(responses, 'client_roots').kind !== 'roots') {
        wanted.client_roots = inputRequired.listRoots();
      }
      if (Object.keys(wanted).length > 0) return inputRequired({ inputRequests: wanted });
      return text(`Every declared input received (${Object.keys(declared ?? {}).join(', ') || 'none declared'})`);
    },
  );
}
